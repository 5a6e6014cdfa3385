"""gprkit.detect (to be filled in)."""
__all__: list[str] = []
