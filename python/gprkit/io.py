"""gprkit.io (to be filled in)."""
__all__: list[str] = []
