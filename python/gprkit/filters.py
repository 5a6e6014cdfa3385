"""gprkit.filters (to be filled in)."""
__all__: list[str] = []
