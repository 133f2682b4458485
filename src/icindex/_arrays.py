"""Read-only numpy array fields for frozen attrs classes.

Use as ``attrs.field(converter=readonly, eq=ARRAY_EQ)`` (or the optional pair), written out at
each field so that mypy's attrs plugin sees the fields.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

__all__ = ["ARRAY_EQ", "OPTIONAL_ARRAY_EQ", "optional_readonly", "readonly"]


def readonly(array: Any) -> Any:
    """Return ``array`` as a numpy array that cannot be written to (a view when possible)."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def optional_readonly(array: Any) -> Any:
    """:func:`readonly`, passing None through."""
    return None if array is None else readonly(array)


def _equal_nan(a: Any, b: Any) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def _equal_or_both_none(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return _equal_nan(a, b)


ARRAY_EQ = attrs.cmp_using(eq=_equal_nan)
OPTIONAL_ARRAY_EQ = attrs.cmp_using(eq=_equal_or_both_none)
