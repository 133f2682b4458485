"""A plain scalar scorer, one city at a time, written from docs/scoring.md without numpy.

It exists only to check the vectorised engine: it shares no code with ``icindex._engine`` or
``icindex._kernels`` (it reads only the definition objects).
"""

from __future__ import annotations

import math

from icindex import CityResponse, Definition, Item

UNKNOWN = None


def item_score(item: Item, answer: object) -> float | None:
    """The 0-100 score of one answer, or None when it is unknown."""
    if answer is None:
        return None
    low, high = item.point_range
    if item.kind in ("yes_no", "choice"):
        points = next(option.points for option in item.options if option.id == answer)
    elif item.kind == "checklist":
        total = sum(option.points for option in item.options if option.id in answer)
        points = min(total, high)
    elif item.goalposts is not None:
        worst, best = item.goalposts
        fraction = (answer - worst) / (best - worst)
        return 100.0 * min(1.0, max(0.0, fraction))
    else:
        band = sum(1 for threshold in item.thresholds if answer >= threshold)
        points = item.points[band]
    return 100.0 * (points - low) / (high - low)


def power_mean(pairs: list[tuple[float, float]], power: float) -> float | None:
    """Weighted power mean of (value, weight) pairs with positive total weight, else None."""
    total = sum(weight for _, weight in pairs)
    if total <= 0:
        return None
    if power == 0:
        if any(value == 0 and weight > 0 for value, weight in pairs):
            return 0.0
        return math.exp(sum(w * math.log(v) for v, w in pairs if w > 0) / total)
    if power < 0 and any(value == 0 and weight > 0 for value, weight in pairs):
        return 0.0
    mean = sum(weight * value**power for value, weight in pairs if weight > 0) / total
    return mean ** (1.0 / power)


def score_city(
    definition: Definition,
    city: CityResponse,
    *,
    fill: float | None = None,
    min_coverage: float = 0.0,
    excluded: tuple[str, ...] = (),
) -> tuple[dict[str, float | None], dict[str, float]]:
    """Scores and coverage of every item and node for one city.

    ``fill`` None skips unknown answers (renormalising); a number gives unknown answers that
    score (0 for ``zero`` and the lower bound, 100 for the upper bound).
    """
    scores: dict[str, float | None] = {}
    coverage: dict[str, float] = {}
    for item in definition.items:
        value = item_score(item, city.answers.get(item.id))
        coverage[item.id] = 0.0 if value is None else 1.0
        scores[item.id] = fill if value is None else value

    def visit(node_id: str) -> None:
        children = definition.children(node_id)
        for child in children:
            if child.id not in scores:
                visit(child.id)
        weights = {c.id: (0.0 if c.id in excluded else c.weight) for c in children}
        # A child left with no weight below it (a variant excluded all of it) drops out too.
        counted = {c: w for c, w in weights.items() if not math.isnan(coverage[c])}
        total = sum(counted.values())
        coverage[node_id] = (
            sum(w * coverage[c] for c, w in counted.items()) / total if total > 0 else math.nan
        )
        known = [(scores[c], w) for c, w in counted.items() if scores[c] is not None]
        value = power_mean(known, definition.node(node_id).power)  # type: ignore[arg-type]
        if total > 0 and fill is None and coverage[node_id] < min_coverage:
            value = None
        scores[node_id] = value

    visit(definition.root)
    return scores, coverage
