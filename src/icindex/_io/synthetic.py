"""A realistic SYNTHETIC comparison sample, drawn in blocks of cities that can be drawn apart.

Everything here is SYNTHETIC and must be labelled so wherever it is shown: the answers come
from a latent "commitment" model and the facts from distributions we chose to resemble the
Intercultural Cities network (:mod:`.synthetic_draws`); neither is ICC data (see
``docs/responses.md``).

Cities are drawn in blocks of :data:`BLOCK`; block ``k`` draws from child ``k`` of the
seed's :class:`numpy.random.SeedSequence` and nothing else, always as a whole block. So the
first ``n`` cities are the same in a sample of any size, a block can be drawn again alone
(:func:`synthetic_block`), and a large sample can be written a block at a time without ever
being held (``write_synthetic``, in :mod:`.synthetic_write`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import UsageError
from .._model.definition import Definition, Item
from .answers import Answer
from .responses import CityResponse, check_definition
from .synthetic_draws import draw_answers, draw_facts

__all__ = [
    "BLOCK",
    "ID_PREFIX",
    "NAME_PREFIX",
    "Seed",
    "SyntheticBlock",
    "id_width",
    "synthetic_block",
    "synthetic_sample",
]

#: Cities are drawn in blocks of this many, block ``k`` from its own seed (see
#: :func:`synthetic_block`), whatever the sample's size or how it is written.
BLOCK = 10_000
#: The start of every synthetic city's id and name, before its zero-padded number.
ID_PREFIX, NAME_PREFIX = "syn-", "Synthetic city "


def _arrays_equal(first: Sequence[NDArray[Any]], second: Sequence[NDArray[Any]]) -> bool:
    return len(first) == len(second) and all(map(np.array_equal, first, second))


def _facts_equal(first: Mapping[str, NDArray[Any]], second: Mapping[str, NDArray[Any]]) -> bool:
    return first.keys() == second.keys() and all(np.array_equal(first[k], second[k]) for k in first)


def _readonly_arrays(arrays: Sequence[NDArray[Any]]) -> tuple[NDArray[Any], ...]:
    return tuple(readonly(array) for array in arrays)


def _readonly_facts(facts: Mapping[str, NDArray[Any]]) -> Mapping[str, NDArray[Any]]:
    return MappingProxyType({fact_id: readonly(values) for fact_id, values in facts.items()})


@attrs.frozen
class SyntheticBlock:
    """The answers and facts of a block of synthetic cities, as arrays (no CityResponse).

    Attributes
    ----------
    first : int
        The row of the block's first city in the stream (0-based): ``k * BLOCK`` for block
        ``k``. Its cities are numbered ``first + 1``, ``first + 2``, ... in their ids.
    answers : tuple of arrays, one per item of the definition, in its order
        yes_no and choice: the option's index in ``item.option_ids``, int, shape (rows,);
        checklist: the ticks, bool, shape (rows, options); numeric and indicator: the value,
        float64, shape (rows,). Unknown answers hold a value too: ``known`` says which count.
    known : bool array, shape (rows, items)
    facts : mapping of str to array, shape (rows,)
        The facts the definition declares among those drawn, int64 for an integer fact and
        float64 for a number, keyed by fact id.

    Examples
    --------
    >>> from icindex import load_definition
    >>> block = synthetic_block(load_definition("icc"), 1, 0, rows=5)
    >>> block.rows, block.known.shape, block.facts["population"].dtype
    (5, (5, 103), dtype('int64'))
    """

    first: int
    answers: tuple[NDArray[Any], ...] = attrs.field(
        converter=_readonly_arrays, eq=attrs.cmp_using(eq=_arrays_equal)
    )
    known: NDArray[np.bool_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    facts: Mapping[str, NDArray[Any]] = attrs.field(
        converter=_readonly_facts, eq=attrs.cmp_using(eq=_facts_equal)
    )

    @property
    def rows(self) -> int:
        """The number of cities in the block."""
        return len(self.known)

    def head(self, rows: int) -> SyntheticBlock:
        """The block's first ``rows`` cities."""
        return SyntheticBlock(
            first=self.first,
            answers=tuple(drawn[:rows] for drawn in self.answers),
            known=self.known[:rows],
            facts={fact_id: values[:rows] for fact_id, values in self.facts.items()},
        )


Seed = int | np.random.SeedSequence | np.random.Generator | None


def _seed_sequence(seed: object, caller: str) -> np.random.SeedSequence:
    """The root of a sample's seeds: block ``k`` draws from its child ``k``."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))  # one draw seeds the sample
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise UsageError(f"{caller}: seed must be a whole number >= 0 (got {seed!r})")
    return np.random.SeedSequence(int(seed))


def _draw_block(
    definition: Definition, root: np.random.SeedSequence, k: int, unknown_share: float
) -> SyntheticBlock:
    """Block ``k``, all BLOCK cities of it, from child ``k`` of ``root`` (as root.spawn gives).

    A whole block is always drawn, so that its first cities do not depend on how many are
    kept: the first n cities of a stream are the same whatever its length.
    """
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k))
    rng = np.random.default_rng(child)
    answers = draw_answers(definition, BLOCK, rng)
    known = rng.random((BLOCK, len(definition.items))) >= unknown_share
    facts = draw_facts(definition, BLOCK, rng)
    return SyntheticBlock(first=k * BLOCK, answers=answers, known=known, facts=facts)


def stream_blocks(
    definition: Definition, seed: Seed, n: int, unknown_share: float, caller: str
) -> Iterator[SyntheticBlock]:
    """The blocks of a stream of ``n`` cities, drawn one at a time, the last one cut short.

    The arguments are checked at once (not when the first block is asked for).
    """
    check_definition(caller, definition)
    check_sample(caller, n, unknown_share)
    return _stream(definition, _seed_sequence(seed, caller), n, unknown_share)


def _stream(
    definition: Definition, root: np.random.SeedSequence, n: int, unknown_share: float
) -> Iterator[SyntheticBlock]:
    for k in range(-(-n // BLOCK)):
        yield _draw_block(definition, root, k, unknown_share).head(min(BLOCK, n - k * BLOCK))


def check_sample(caller: str, n: object, unknown_share: object) -> None:
    """Raise :class:`UsageError` unless ``n`` is a whole number >= 0 and ``unknown_share`` a
    number in [0, 1]."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise UsageError(f"{caller}: n must be a whole number >= 0 (got {n!r})")
    if (
        isinstance(unknown_share, bool)
        or not isinstance(unknown_share, int | float)
        or not 0.0 <= unknown_share <= 1.0
    ):
        raise UsageError(
            f"{caller}: unknown_share must be a number in [0, 1] (got {unknown_share!r})"
        )


def id_width(n: int) -> int:
    """The digits in the ids of a sample of ``n`` cities: as many as ``n`` has, at least 3.

    Examples
    --------
    >>> id_width(140), id_width(10_000_000)
    (3, 8)
    """
    return max(3, len(str(n)))


def synthetic_block(
    definition: Definition,
    seed: Seed,
    k: int,
    *,
    unknown_share: float = 0.05,
    rows: int | None = None,
) -> SyntheticBlock:
    """Draw block ``k`` of a SYNTHETIC stream alone: cities ``k * BLOCK + 1`` on, as arrays.

    The block is the same as in any stream (:func:`synthetic_sample`, ``write_synthetic``)
    with this seed and share that reaches it, so blocks can be drawn apart (in parallel,
    or again later). It draws from ``np.random.default_rng(SeedSequence(seed).spawn(k +
    1)[k])``.

    Parameters
    ----------
    definition : Definition
    seed : int >= 0, SeedSequence, numpy Generator or None
        As for :func:`synthetic_sample`; an int for a block that can be drawn again.
    k : int >= 0
        The block's number.
    unknown_share : float in [0, 1], default 0.05
    rows : int in [0, BLOCK], optional
        Keep only the block's first ``rows`` cities (the last block of a stream); all BLOCK
        by default.

    Returns
    -------
    SyntheticBlock

    Raises
    ------
    UsageError
        When an argument is of the wrong kind or out of its range.

    Examples
    --------
    >>> from icindex import load_definition
    >>> icc = load_definition("icc")
    >>> block = synthetic_block(icc, 7, 2)
    >>> block.first, block.rows, block == synthetic_block(icc, 7, 2)
    (20000, 10000, True)
    """
    check_definition("synthetic_block", definition)
    check_sample("synthetic_block", 0, unknown_share)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise UsageError(f"synthetic_block: k must be a whole number >= 0 (got {k!r})")
    if rows is not None and (
        isinstance(rows, bool) or not isinstance(rows, int | np.integer) or not 0 <= rows <= BLOCK
    ):
        raise UsageError(
            f"synthetic_block: rows must be a whole number in [0, {BLOCK}] (got {rows!r})"
        )
    block = _draw_block(definition, _seed_sequence(seed, "synthetic_block"), int(k), unknown_share)
    return block if rows is None else block.head(rows)


def _option_answers(item: Item, drawn: NDArray[Any]) -> list[Answer]:
    return list(np.array(item.option_ids, dtype=object)[drawn].tolist())


def _checklist_answers(item: Item, drawn: NDArray[Any]) -> list[Answer]:
    ids = np.array(item.option_ids, dtype=object)
    return [tuple(ids[ticks].tolist()) for ticks in drawn]


# Item kind -> a block's answers to one item as Python values, one a city.
_ANSWERS: dict[str, Callable[[Item, NDArray[Any]], list[Answer]]] = {
    "yes_no": _option_answers,
    "choice": _option_answers,
    "checklist": _checklist_answers,
    "numeric": lambda item, drawn: list(drawn.tolist()),
    "indicator": lambda item, drawn: list(drawn.tolist()),
}


def _block_cities(
    definition: Definition, block: SyntheticBlock, width: int, round: str, source: str
) -> list[CityResponse]:
    """The block's cities as CityResponse objects (ids ``width`` digits)."""
    items = definition.items
    columns = [
        _ANSWERS[item.kind](item, drawn) for item, drawn in zip(items, block.answers, strict=True)
    ]
    known = block.known.tolist()
    facts = {fact_id: values.tolist() for fact_id, values in block.facts.items()}
    cities = []
    for row in range(block.rows):
        number = f"{block.first + row + 1:0{width}d}"
        cities.append(
            CityResponse(
                id=f"{ID_PREFIX}{number}",
                name=f"{NAME_PREFIX}{number}",
                round=round,
                facts={fact_id: values[row] for fact_id, values in facts.items()},
                answers={item.id: columns[j][row] for j, item in enumerate(items) if known[row][j]},
                source=source,
            )
        )
    return cities


def synthetic_sample(
    definition: Definition,
    n: int = 140,
    *,
    seed: Seed = None,
    unknown_share: float = 0.05,
    round: str = "synthetic",
) -> tuple[CityResponse, ...]:
    """Draw a realistic SYNTHETIC sample of cities to compare a city with.

    Answers are correlated through a latent commitment per city and per top-level indicator
    (module docstring); each is unknown (absent) with probability ``unknown_share``. The facts
    the definition declares among population, foreign_born_share, foreign_share,
    foreign_residents, nationalities, area and children_share are drawn from distributions we
    chose, not from ICC data (``docs/responses.md``). Cities are drawn in blocks of BLOCK
    (:func:`synthetic_block`): the sample is the first ``n`` cities of the stream
    ``write_synthetic`` writes with the same seed, whatever ``n``.

    Parameters
    ----------
    definition : Definition
        The index the answers are for.
    n : int, default 140
        Number of cities, >= 0 (about the size of the ICC network).
    seed : int >= 0, SeedSequence or numpy Generator, optional
        The same int gives the same sample (a Generator seeds it with one draw of its own;
        None, fresh entropy).
    unknown_share : float in [0, 1], default 0.05
    round : str, default "synthetic"

    Returns
    -------
    tuple of CityResponse
        Ids ``syn-001``, ... (:func:`id_width` digits), names ``Synthetic city 001``, ..., no
        country, ``source`` saying synthetic. Written and read back (any format), they are
        unchanged.

    Examples
    --------
    >>> from icindex import load_definition
    >>> cities = synthetic_sample(load_definition("icc"), 140, seed=1)
    >>> len(cities), cities[0].id, cities[0].name, cities[0].source
    (140, 'syn-001', 'Synthetic city 001', 'synthetic (seed 1)')
    """
    blocks = stream_blocks(definition, seed, n, unknown_share, "synthetic_sample")
    whole = isinstance(seed, int | np.integer) and not isinstance(seed, bool)
    source = f"synthetic (seed {seed})" if whole else "synthetic"
    width = id_width(n)
    return tuple(
        city for block in blocks for city in _block_cities(definition, block, width, round, source)
    )
