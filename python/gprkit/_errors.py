"""gprkit's exceptions (defined by the compiled module, re-exported here)."""
from ._core import Error, FormatError, InvalidArgument, IoError

__all__ = ["Error", "InvalidArgument", "FormatError", "IoError"]
