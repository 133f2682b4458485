"""The data of a composite index: raw indicator values per unit, with groups and facts.

A :class:`Dataset` is to numeric indicators what :class:`icindex.CityResponse` objects are to
answers: what was measured, unscored. :func:`icindex.read_coinr` builds one from COINr's
``iData``; :func:`icindex.score_composite` scores it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import ResponseError, ScoringError

__all__ = ["Dataset"]

FloatArray = NDArray[np.float64]


def _floats(value: Any) -> Any:
    return readonly(np.asarray(value, dtype=np.float64))


def _indicator_major(value: Any) -> Any:
    """Values stored indicator by indicator (Fortran order): ``values.T`` is the engine's layout."""
    return readonly(np.asfortranarray(value, dtype=np.float64))


def _strings(value: Any) -> Any:
    return readonly(np.asarray(value, dtype=str))


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(entry) for entry in value)


def _no_columns(dataset: Any) -> Any:
    """The default of the group and fact arrays: shape (n_units, 0)."""
    return np.empty((len(dataset.unit_ids), 0))


@attrs.frozen
class Dataset:
    """Raw indicator values of many units, with the groups and facts known about them.

    Attributes
    ----------
    unit_ids : ndarray of str, shape (n,)
        Unique unit codes (COINr's ``uCode``).
    indicator_ids : tuple of str, length k
    values : ndarray, shape (n, k)
        Raw values as measured (before any direction is applied); NaN where missing. Stored
        indicator by indicator (column-major), so ``values.T`` is the engine's layout.
    unit_names : tuple of str, length n
        Default: the ids.
    group_ids : tuple of str, length g
    groups : ndarray of str, shape (n, g)
        Each unit's label in each group column (e.g. income groups); ``""`` where unknown.
    fact_ids : tuple of str, length f
    facts : ndarray, shape (n, f)
        Numbers known about each unit that are not scored (denominators such as population);
        NaN where unknown.

    Examples
    --------
    >>> data = Dataset(["A", "B"], ("x",), [[1.0], [3.0]])
    >>> data.values.shape
    (2, 1)
    """

    unit_ids: NDArray[np.str_] = attrs.field(converter=_strings, eq=ARRAY_EQ)
    indicator_ids: tuple[str, ...] = attrs.field(converter=_texts)
    values: FloatArray = attrs.field(converter=_indicator_major, eq=ARRAY_EQ)
    unit_names: tuple[str, ...] = attrs.field(
        converter=_texts,
        default=attrs.Factory(lambda self: tuple(self.unit_ids.tolist()), takes_self=True),
    )
    group_ids: tuple[str, ...] = attrs.field(converter=_texts, default=())
    groups: NDArray[np.str_] = attrs.field(
        default=attrs.Factory(_no_columns, takes_self=True), converter=_strings, eq=ARRAY_EQ
    )
    fact_ids: tuple[str, ...] = attrs.field(converter=_texts, default=())
    facts: FloatArray = attrs.field(
        default=attrs.Factory(_no_columns, takes_self=True), converter=_floats, eq=ARRAY_EQ
    )

    def __attrs_post_init__(self) -> None:
        n = len(self.unit_ids)
        expected = {
            "unit_names": ((n,), (len(self.unit_names),)),
            "values": ((n, len(self.indicator_ids)), self.values.shape),
            "groups": ((n, len(self.group_ids)), self.groups.shape),
            "facts": ((n, len(self.fact_ids)), self.facts.shape),
        }
        for name, (shape, found) in expected.items():
            if shape != found:
                raise ResponseError(f"dataset {name}: expected shape {shape} (got {found})")
        for name, ids in (("unit_ids", self.unit_ids.tolist()), ("columns", self.columns)):
            if len(set(ids)) != len(ids):
                repeated = sorted(i for i, count in Counter(ids).items() if count > 1)
                raise ResponseError(
                    f"dataset {name}: every id must be unique (repeated {repeated})"
                )

    @property
    def columns(self) -> list[str]:
        """Every column id: indicators, then groups, then facts."""
        return [*self.indicator_ids, *self.group_ids, *self.fact_ids]

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.unit_ids)

    def group(self, group_id: str) -> tuple[str, ...]:
        """Each unit's label in one group column (``""`` where unknown)."""
        if group_id not in self.group_ids:
            raise ScoringError(f"no group column {group_id!r} (groups: {list(self.group_ids)})")
        return tuple(self.groups[:, self.group_ids.index(group_id)].tolist())
