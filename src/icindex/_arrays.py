"""Read-only numpy array fields for frozen attrs classes."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

__all__ = ["array_field", "optional_array_field", "readonly"]


def readonly(array: Any) -> Any:
    """Return ``array`` as a numpy array that cannot be written to (a view when possible)."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def array_field() -> Any:
    """An attrs field that stores a read-only array and compares with ``np.array_equal``."""
    return attrs.field(converter=readonly, eq=attrs.cmp_using(eq=_equal_nan))


def optional_array_field() -> Any:
    """Like :func:`array_field`, but None (the default) is allowed."""
    return attrs.field(
        default=None,
        converter=attrs.converters.optional(readonly),
        eq=attrs.cmp_using(eq=_equal_or_both_none),
    )


def _equal_or_both_none(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return _equal_nan(a, b)


def _equal_nan(a: Any, b: Any) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))
