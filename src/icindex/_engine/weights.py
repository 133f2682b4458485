"""Each indicator's effective weight in the index: what its weight means after renormalising."""

from __future__ import annotations

import numpy as np

from .._model.definition import Definition
from .plan import with_method
from .tree import Leaves, Tree, evaluate

__all__ = ["effective_weights"]


def effective_weights(definition: Definition) -> dict[str, float]:
    r"""Each indicator's final weight in the index: the product of renormalised weights.

    .. math:: W_i = \prod_{e \in \text{path}(i)} \frac{w_e}{\sum_{s \in \text{siblings}(e)} w_s}

    along the path from the root down to indicator :math:`i`. The weights sum to 1; with
    arithmetic means and no missing values the index is :math:`\sum_i W_i x_i`.

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> tree = Definition("d", "D", "r", (Node("r", "R"), Node("a", "A", "r")),
    ...     (Item("x", "r", "indicator", "X"), Item("y", "a", "indicator", "Y", weight=3),
    ...      Item("z", "a", "indicator", "Z")))
    >>> effective_weights(tree)
    {'x': 0.5, 'y': 0.375, 'z': 0.125}
    """
    # The arithmetic mean is linear when nothing is missing: the unit that knows only leaf i,
    # at value 1, scores exactly leaf i's effective weight in every aggregate.
    tree = Tree.of(with_method(definition, "amean", None))
    states, _ = evaluate(tree, Leaves.of(np.eye(len(tree.leaf_ids))))
    root: list[float] = states[0].values[0, :, 0].tolist()
    return {item.id: root[tree.leaf_ids.index(item.id)] for item in definition.items}
