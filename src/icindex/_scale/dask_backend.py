"""Scoring over Dask arrays: the numpy engine block by block, the same numbers to the last bit.

:func:`score_dask` takes :class:`icindex.Encoded`'s three arrays as Dask arrays chunked by rows
and returns lazy arrays of the stored result columns (:class:`DaskScores`); each block becomes an
``Encoded`` scored by :func:`icindex.score`, with the calling process's number of BLAS threads
(:mod:`.blas`). The engine scores cities in chunks of ``plan.chunk_rows()`` rows from the first,
and a matrix product may round a row's last bit differently when it has another number of rows
(BLAS picks its kernel by shape), so the block boundaries are moved to the nearest multiple of
that chunk (:func:`aligned_chunks`): every city is then scored in the very chunk ``score`` puts
it in, and the results are equal element for element, not only to rounding (``docs/scale.md``).

Dask is imported inside the functions: without it they raise a :class:`ScoringError` that names
``pip install 'icindex[dask]'``.
"""

from __future__ import annotations

import itertools
import math
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._engine.encoding import Encoded, Layout
from .._engine.plan import POLICY_FILLS, Plan, compile
from .._engine.score import score, scores_of
from .._errors import ScoringError
from .._model.definition import Definition
from .._results.scores import Scores
from .blas import blas_threads, pinned
from .optional import require

if TYPE_CHECKING:
    from dask.array import Array

__all__ = ["DaskScores", "aligned_chunks", "encoded_to_dask", "score_dask"]

FloatArray = NDArray[np.float64]
#: Each encoded array and the dtypes it may have (see :class:`icindex.Encoded`).
_DTYPES = {"codes": ("int8", "int16"), "ticks": ("int64",), "values": ("float64",)}


def encoded_to_dask(encoded: Encoded, chunk_rows: int) -> tuple[Array, Array, Array]:
    """``encoded``'s codes, ticks and values as Dask arrays of ``chunk_rows`` rows a chunk.

    Parameters
    ----------
    encoded : Encoded
    chunk_rows : int >= 1
        Rows per chunk (the last chunk holds the rest); every column is in one chunk.

    Examples
    --------
    >>> from icindex import load_definition, synthetic_cities
    >>> icc = load_definition("icc")
    >>> codes, ticks, values = encoded_to_dask(synthetic_cities(icc, 250, seed=0), 100)
    >>> codes.chunks[0]
    (100, 100, 50)
    """
    if not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ScoringError(f"chunk_rows: expected an integer >= 1 (got {chunk_rows!r})")
    da = require("dask.array")
    # name=False: a random name, instead of hashing every byte of the answers.
    codes, ticks, values = (
        da.from_array(np.asarray(array), chunks=(chunk_rows, -1), name=False)
        for array in (encoded.codes, encoded.ticks, encoded.values)
    )
    return codes, ticks, values


def aligned_chunks(chunks: tuple[int, ...], step: int) -> tuple[int, ...]:
    """Row chunks whose boundaries are those of ``chunks`` moved to the nearest multiple of
    ``step`` (the engine's chunk); the end stays where it is.

    Examples
    --------
    >>> aligned_chunks((1, 1, 1, 1, 1), 2)
    (2, 2, 1)
    >>> aligned_chunks((100, 100, 50), 3000)
    (250,)
    """
    n = sum(chunks)
    ends = itertools.accumulate(chunks)
    bounds = sorted({0, n} | {min(n, (end + step // 2) // step * step) for end in ends})
    return tuple(b - a for a, b in itertools.pairwise(bounds)) or (0,)


@attrs.frozen
class DaskScores:
    """Lazy scores: Dask arrays of the stored result columns; :meth:`compute` makes ``Scores``.

    Attributes
    ----------
    plan : Plan
        The plan scored with (its ids, names and kinds label the columns).
    city_ids : ndarray of str, shape (n,), or None
        The cities' ids (None: the row numbers ``"0"``, ``"1"``, ...).
    values, coverage : dask arrays of float64, shape (n, m)
        ``Scores.values`` and ``Scores.coverage``, every column stored (columns as
        ``plan.ids``: items, nodes, groups, variants).
    lower, upper : dask arrays of float64, shape (n, m), or None
        The bounds, with ``missing="bounds"`` only.
    """

    plan: Plan
    city_ids: NDArray[np.str_] | None
    values: Array
    coverage: Array
    lower: Array | None = None
    upper: Array | None = None

    def arrays(self) -> tuple[Array, ...]:
        """The lazy columns: values and coverage, then lower and upper with bounds."""
        bounds = () if self.lower is None or self.upper is None else (self.lower, self.upper)
        return (self.values, self.coverage, *bounds)

    def compute(self, **options: Any) -> Scores:
        """Compute every column in one pass over the blocks, as :class:`icindex.Scores`.

        ``options`` go to ``dask.compute`` (e.g. ``scheduler="threads"``; with a
        ``distributed.Client`` open, it is used). The result equals
        ``score(plan, encoded).stored()``.
        """
        computed = require("dask").compute(*self.arrays(), **options)
        values, coverage, *bounds = (np.asarray(array) for array in computed)
        ids = self.city_ids
        if ids is None:
            ids = np.arange(values.shape[0]).astype(str)
        return scores_of(self.plan, ids, tuple(ids.tolist()), values, coverage, bounds)


def score_dask(
    plan: Plan | Definition,
    codes: Array,
    ticks: Array,
    values: Array,
    city_ids: ArrayLike | None = None,
) -> DaskScores:
    """Score encoded answers held as Dask arrays, lazily, each block with :func:`icindex.score`.

    Parameters
    ----------
    plan : Plan or Definition
        A questionnaire's plan (``icindex.compile``: its ``missing``, ``min_coverage``,
        ``chunk_size`` and ``memory`` apply); a definition is compiled with the defaults.
    codes, ticks, values : dask arrays, shapes (n, coded), (n, checklists), (n, numeric)
        :class:`icindex.Encoded`'s arrays (int8 or int16, int64, float64), with the same chunks
        along the rows (any along the columns: they are joined); see :func:`encoded_to_dask`.
    city_ids : array of str, shape (n,), optional
        The cities' ids, for :meth:`DaskScores.compute` (default: the row numbers).

    Returns
    -------
    DaskScores
        A graph: nothing is scored until it is computed. Its blocks are the given row chunks
        with their boundaries moved to multiples of ``plan.chunk_rows()`` (module docstring).

    Raises
    ------
    ScoringError
        A composite index; arrays of another shape or dtype; unequal or unknown row chunks;
        no Dask.

    Examples
    --------
    >>> import numpy as np
    >>> from icindex import compile, load_definition, score, synthetic_cities
    >>> icc = load_definition("icc")
    >>> cities = synthetic_cities(icc, 500, seed=0)
    >>> lazy = score_dask(compile(icc), *encoded_to_dask(cities, 200))
    >>> np.array_equal(lazy.values.compute(), score(icc, cities).values, equal_nan=True)
    True
    """
    da = require("dask.array")
    plan = plan if isinstance(plan, Plan) else compile(plan)
    if plan.items is None:
        raise ScoringError(
            f"definition {plan.definition.id!r}: expected a questionnaire (got a composite "
            "index, normalised across all units: score it with icindex.score_composite)"
        )
    layout = plan.items.layout
    arrays = _aligned(plan, layout, da, {"codes": codes, "ticks": ticks, "values": values})
    ids = None if city_ids is None else np.asarray(city_ids, dtype=str)
    if ids is not None and ids.shape != (codes.shape[0],):
        raise ScoringError(f"city_ids: expected shape ({codes.shape[0]},) (got {ids.shape})")
    stacked = _stacked(da, plan, layout, arrays)
    return DaskScores(plan, ids, *(stacked[state] for state in range(stacked.shape[0])))


def _stacked(da: ModuleType, plan: Plan, layout: Layout, arrays: list[Any]) -> Any:
    """The graph: a (states, n, columns) array, each row block scored by :func:`_score_block`."""
    return da.blockwise(
        _score_block,
        "sio",
        *itertools.chain.from_iterable(zip(arrays, ("ia", "ib", "ic"), strict=True)),
        new_axes={"s": len(POLICY_FILLS[plan.options.missing]) + 1, "o": len(plan.ids)},
        concatenate=True,
        dtype=np.float64,
        meta=np.empty((0, 0, 0)),
        plan=plan,
        layout=layout,
        threads=blas_threads(),
    )


def _aligned(plan: Plan, layout: Layout, da: ModuleType, arrays: dict[str, Any]) -> list[Any]:
    """The arrays checked, each in one column chunk, their rows in :func:`aligned_chunks`."""
    widths = {"codes": layout.coded, "ticks": layout.checklists, "values": layout.numeric}
    for name, array in arrays.items():
        if not isinstance(array, da.Array):
            raise ScoringError(
                f"{name}: expected a dask array (got {type(array).__name__}); see encoded_to_dask"
            )
        rows = array.chunks[0] if array.ndim else ()
        if any(math.isnan(size) for size in rows):
            raise ScoringError(f"{name}: expected known row chunks (got {rows})")
        expected = (arrays["codes"].shape[0], len(widths[name]))
        if array.shape != expected:
            raise ScoringError(f"{name}: expected shape {expected} (got {array.shape})")
        if array.dtype.name not in _DTYPES[name]:
            raise ScoringError(
                f"{name}: expected dtype {' or '.join(_DTYPES[name])} (got {array.dtype})"
            )
    chunks = [array.chunks[0] for array in arrays.values()]
    if len(set(chunks)) > 1:
        raise ScoringError(f"codes, ticks, values: expected the same row chunks (got {chunks})")
    aligned = aligned_chunks(chunks[0], min(plan.chunk_rows(), max(sum(chunks[0]), 1)))
    return [array.rechunk({0: aligned, 1: -1}) for array in arrays.values()]


def _score_block(
    codes: NDArray[np.integer],
    ticks: NDArray[np.int64],
    values: FloatArray,
    plan: Plan,
    layout: Layout,
    threads: int,
) -> FloatArray:
    """One block's stored columns, stacked: values, coverage, then lower and upper (BLAS on
    ``threads`` threads, as in the process that built the graph: :mod:`.blas`)."""
    labels = np.arange(codes.shape[0]).astype(str)  # the scores do not depend on the labels
    with pinned(threads):
        scores = score(plan, Encoded(labels, layout, codes, ticks, values)).stored()
    bounds = () if scores.lower is None or scores.upper is None else (scores.lower, scores.upper)
    return np.stack([scores.values, scores.coverage, *bounds])
