"""Progress across rounds: one city's scores in two rounds, compared on comparable items only.

Within one definition every item compares with itself. Across two versions of a definition a
mapping says which item of the earlier version corresponds to which of the later one; the items
without a counterpart are listed as not comparable and left out of *both* scorings (their weight
set to 0), so that the change is measured on the same questions (``docs/compare-and-report.md``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

import attrs
import numpy as np
from numpy.typing import NDArray

from .._engine.plan import compile
from .._engine.score import score
from .._errors import ResponseError, ScoringError
from .._io.responses import CityResponse
from .._model.definition import Definition

__all__ = ["Progress", "progress", "read_mapping"]

FloatArray = NDArray[np.float64]


@attrs.frozen
class Progress:
    """A city's change between two rounds.

    Attributes
    ----------
    city, before_round, after_round : str
    rows : tuple of dict
        One per aggregate in both definitions: ``column``, ``before``, ``after``, ``change``
        (NaN where an aggregate has no comparable item).
    not_comparable : tuple of str
        Items left out: ``before:ID`` (earlier version) and ``after:ID`` (later version).
    """

    city: str
    before_round: str
    after_round: str
    rows: tuple[dict[str, object], ...]
    not_comparable: tuple[str, ...]


def read_mapping(path: str | Path) -> dict[str, str]:
    """Read an item mapping: a TOML file whose ``[items]`` table maps earlier ids to later ids.

    Examples
    --------
    >>> _ = Path("map.toml").write_text('[items]\\nold_budget = "commitment_budget"\\n')
    >>> read_mapping("map.toml")
    {'old_budget': 'commitment_budget'}
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ResponseError(f"{path}: not valid TOML ({error})") from None
    items = raw.get("items")
    if set(raw) != {"items"} or not isinstance(items, dict):
        raise ResponseError(f"{path}: expected one table [items] (got keys {sorted(raw)})")
    bad = {k: v for k, v in items.items() if not isinstance(v, str)}
    if bad or len(set(items.values())) != len(items):
        raise ResponseError(
            f"{path}: [items] must map each id to a distinct id string (got {bad or items})"
        )
    return dict(items)


def _kept_scores(
    definition: Definition, city: CityResponse, kept: set[str], missing: str
) -> dict[str, float]:
    """The city's aggregates scored on the ``kept`` items only (others weigh 0); NaN where an
    aggregate keeps no item."""
    plan = compile(definition, missing=missing)
    weights = np.array(plan.tree.weights)
    weights[:, [c for c, e in enumerate(plan.tree.leaf_ids) if e not in kept]] = 0.0
    scores = score(plan.with_weights(weights), [city])
    columns = [c for c, kind in zip(scores.ids, scores.kinds, strict=True) if kind == "node"]
    columns += [g.id for g in definition.groups]
    found = {}
    for column in columns:
        members = [column] if column in {n.id for n in definition.nodes} else [
            m for g in definition.groups if g.id == column for m in g.members
        ]  # fmt: skip
        has = any(i.id in kept for m in members for i in definition.items_under(m))
        found[column] = float(scores.get(city.id, column)) if has else float("nan")
    return found


def progress(
    definition: Definition,
    before: CityResponse,
    after: CityResponse,
    *,
    before_definition: Definition | None = None,
    mapping: Mapping[str, str] | None = None,
    missing: str = "zero",
) -> Progress:
    """Compare one city's two rounds, aggregate by aggregate, on comparable items.

    Parameters
    ----------
    definition : Definition
        The later round's definition (``after`` answers it).
    before, after : CityResponse
        The same city (same id) in two rounds.
    before_definition : Definition, optional
        The earlier round's definition, if another version; then ``mapping`` is needed.
    mapping : mapping of str to str, optional
        Earlier item id -> later item id (:func:`read_mapping`). Without it, within one
        definition, every item maps to itself.
    missing : str, default "zero"

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> then = icindex.CityResponse("c", "C", round="2019", answers={"commitment_budget": "no"})
    >>> now = icindex.CityResponse("c", "C", round="2023", answers={"commitment_budget": "yes"})
    >>> rows = progress(icc, then, now).rows
    >>> round(rows[0]["change"], 2)  # the index: one budget item more out of 17 indicators
    0.98
    """
    if before.id != after.id:
        raise ScoringError(f"progress: one city in two rounds (got {before.id!r} and {after.id!r})")
    earlier = before_definition or definition
    if mapping is None:
        if earlier is not definition and earlier != definition:
            raise ScoringError(
                f"progress: {earlier.id!r} and {definition.id!r} differ: give a mapping of items"
            )
        mapping = {item.id: item.id for item in definition.items}
    _check_mapping(mapping, earlier, definition)
    old, new = (
        _kept_scores(earlier, before, set(mapping), missing),
        _kept_scores(definition, after, set(mapping.values()), missing),
    )
    rows = tuple(
        {"column": c, "before": old[c], "after": new[c], "change": new[c] - old[c]}
        for c in new if c in old
    )  # fmt: skip
    left_out = [f"before:{i.id}" for i in earlier.items if i.id not in mapping]
    left_out += [f"after:{i.id}" for i in definition.items if i.id not in set(mapping.values())]
    return Progress(before.id, before.round, after.round, rows, tuple(left_out))


def _check_mapping(mapping: Mapping[str, str], earlier: Definition, later: Definition) -> None:
    old = {item.id for item in earlier.items}
    new = {item.id for item in later.items}
    before = sorted(k for k in mapping if k not in old)
    after = sorted(v for v in mapping.values() if v not in new)
    if before or after:
        raise ScoringError(
            f"mapping: earlier items {before[:5]} are not in {earlier.id!r}, later items "
            f"{after[:5]} are not in {later.id!r}"
        )
