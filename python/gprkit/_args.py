"""Argument conversion for the thin Python layer: a str where a number belongs, or an integer
beyond what the C++ side holds (2**63, 2**64), becomes gprkit.InvalidArgument (a ValueError)
naming the argument, instead of pybind11's "incompatible function arguments" or a bare
"invalid literal for int()"."""
from __future__ import annotations

import math
import operator
from typing import Any

from ._core import InvalidArgument

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def integer(where: str, name: str, value: Any, lo: int = -INT64_MAX, hi: int = INT64_MAX) -> int:
    """``value`` as an int in [lo, hi] (a float with no fraction is accepted)."""
    try:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool):
            raise TypeError
        v = operator.index(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgument(f"{where}: {name} = {value!r}; expected an integer in [{lo}, {hi}]") from None
    if not lo <= v <= hi:
        raise InvalidArgument(f"{where}: {name} = {v}; expected an integer in [{lo}, {hi}]")
    return v


def number(where: str, name: str, value: Any, finite: bool = True) -> float:
    """``value`` as a float (finite unless ``finite=False``)."""
    try:
        if isinstance(value, (str, bytes, bool)):
            raise TypeError
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgument(f"{where}: {name} = {value!r}; expected a number") from None
    if finite and not math.isfinite(v):
        raise InvalidArgument(f"{where}: {name} = {v!r}; expected a finite number")
    return v
