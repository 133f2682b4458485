"""Hypothesis strategies: random definitions (built as objects) and random answers for them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from icindex import CityResponse, Dataset, Definition, Group, Item, Node, Option, Variant

weights = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
positive_weights = st.sampled_from([0.5, 1.0, 2.0, 3.0])
points = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
methods = st.sampled_from(
    [
        ("amean", None),
        ("gmean", None),
        ("hmean", None),
        ("genmean", 2.0),
        ("genmean", -0.5),
        ("genmean", 0.5),
    ]
)


@st.composite
def items(draw: st.DrawFn, item_id: str, parent: str, weight: float) -> Item:
    """One item of any kind, whose best answer earns more than its worst."""
    kind = draw(st.sampled_from(["yes_no", "choice", "checklist", "numeric"]))
    common: dict[str, Any] = {
        "id": item_id,
        "parent": parent,
        "kind": kind,
        "question": f"Question {item_id}?",
        "weight": weight,
    }
    if kind == "yes_no":
        yes, no = draw(st.sampled_from([(1.0, 0.0), (0.0, 1.0), (2.0, 0.5)]))
        return Item(**common, options=(Option("yes", "Yes", yes), Option("no", "No", no)))
    if kind in ("choice", "checklist"):
        count = draw(st.integers(2 if kind == "choice" else 1, 5))
        values = draw(
            st.lists(points, min_size=count, max_size=count).filter(
                lambda v: max(v) > min(v) if kind == "choice" else sum(v) > 0
            )
        )
        options = tuple(Option(f"o{j}", f"Option {j}", v) for j, v in enumerate(values))
        cap = None
        if kind == "checklist":
            cap = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 4.0])))
        return Item(**common, options=options, cap=cap)
    if draw(st.booleans()):
        worst, best = draw(st.sampled_from([(0.0, 50.0), (10.0, 0.0), (-5.0, 5.0)]))
        return Item(**common, unit="u", goalposts=(worst, best))
    count = draw(st.integers(1, 4))
    thresholds = tuple(
        float(t)
        for t in sorted(draw(st.sets(st.integers(-10, 30), min_size=count, max_size=count)))
    )
    values = draw(
        st.lists(points, min_size=count + 1, max_size=count + 1).filter(lambda v: max(v) > min(v))
    )
    return Item(**common, unit="u", thresholds=thresholds, points=tuple(values))


# A tree's leaves and child weights are drawn by plain functions given hypothesis' ``draw``, not
# by strategies of their own: wrapping each in a strategy would change the examples a seed yields.
DrawLeaf = Callable[[st.DrawFn, str, str, float], Item]
DrawWeights = Callable[[st.DrawFn, int], list[float]]


@st.composite
def trees(
    draw: st.DrawFn,
    leaf: DrawLeaf,
    methods: st.SearchStrategy[tuple[str, float | None]],
    child_weights: DrawWeights,
    max_children: int = 4,
    max_depth: int = 3,
    prefix: str = "e",
) -> tuple[tuple[Node, ...], tuple[Item, ...]]:
    """A random tree below a node ``root``: every node has 1 to ``max_children`` children.

    ``leaf(draw, id, parent, weight)`` draws an item, ``methods`` a node's (method, p) and
    ``child_weights(draw, count)`` the weights of a node's children. Ids are ``prefix`` and a
    number, in the order drawn; above ``max_depth`` a child is a node one time in three.
    """
    nodes: list[Node] = []
    leaves: list[Item] = []
    counter = itertools.count()

    def grow(node_id: str, parent: str | None, depth: int, weight: float) -> None:
        method, p = draw(methods)
        nodes.append(Node(node_id, f"Node {node_id}", parent, weight, method, p))
        count = draw(st.integers(1, max_children))
        for w in child_weights(draw, count):
            child_id = f"{prefix}{next(counter)}"
            if depth < max_depth and draw(st.integers(0, 2)) == 0:
                grow(child_id, node_id, depth + 1, w)
            else:
                leaves.append(leaf(draw, child_id, node_id, w))

    grow("root", None, 1, 1.0)
    return tuple(nodes), tuple(leaves)


def draw_item(draw: st.DrawFn, item_id: str, parent: str, weight: float) -> Item:
    """One questionnaire item of any kind (see :func:`items`)."""
    return draw(items(item_id, parent, weight))


def draw_some_weights(draw: st.DrawFn, count: int) -> list[float]:
    """``count`` weights, zero allowed, not all zero."""
    return draw(st.lists(weights, min_size=count, max_size=count).filter(any))


@st.composite
def definitions(draw: st.DrawFn, max_children: int = 4, max_depth: int = 3) -> Definition:
    """A random valid definition: a tree of nodes and items of any depth, groups and variants."""
    nodes, found = draw(trees(draw_item, methods, draw_some_weights, max_children, max_depth, "e"))
    below_root = [e for e in [*nodes, *found] if e.parent == "root"]
    groups: tuple[Group, ...] = ()
    if len(nodes) > 1:
        members = tuple(n.id for n in nodes[1:3])
        members = members if any(n.weight > 0 for n in nodes[1:3]) else (nodes[0].id,)
        method, p = draw(methods)
        groups = (Group("grp", "A group", members, method, p),)
    # Leave out the root's first child, when another child keeps some weight.
    keeps_weight = any(e.weight > 0 for e in below_root[1:])
    variants = (Variant("var", "A variant", exclude=(below_root[0].id,)),) if keeps_weight else ()
    return Definition("random", "Random", "root", nodes, found, groups=groups, variants=variants)


def deep_chain(depth: int) -> Definition:
    """A valid definition whose nodes form one chain ``depth`` deep, a yes/no item on each.

    Node ``n0`` is the root and ``n{k}``'s parent is ``n{k-1}``; item ``q{k}`` hangs from
    ``n{k}``, so every node has a child and the bottom node ``n{depth-1}`` has only its item.
    Built with loops, so it stays cheap at 10,000 levels.
    """
    if depth < 1:
        raise ValueError(f"deep_chain: depth must be >= 1 (got {depth})")
    options = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))
    nodes = tuple(Node(f"n{k}", f"Level {k}", f"n{k - 1}" if k else None) for k in range(depth))
    chain_items = tuple(
        Item(f"q{k}", f"n{k}", "yes_no", f"Question {k}?", options=options) for k in range(depth)
    )
    return Definition("chain", f"Chain of {depth}", "n0", nodes, chain_items)


def answer_for(draw: st.DrawFn, item: Item) -> object:
    """A random valid answer to ``item``."""
    if item.kind in ("yes_no", "choice"):
        return draw(st.sampled_from(item.option_ids))
    if item.kind == "checklist":
        return tuple(o for o in item.option_ids if draw(st.booleans()))
    return draw(st.floats(-20, 60, allow_nan=False).map(lambda x: round(x, 2)))


@st.composite
def cities(
    draw: st.DrawFn, definition: Definition, max_cities: int = 6, unknown: bool = True
) -> list[CityResponse]:
    """Random cities answering ``definition``; each answer possibly unknown."""
    count = draw(st.integers(1, max_cities))
    result = []
    for c in range(count):
        answers = {}
        for item in definition.items:
            if unknown and draw(st.integers(0, 3)) == 0:
                continue
            answers[item.id] = answer_for(draw, item)
        result.append(CityResponse(id=f"c{c}", name=f"City {c}", answers=answers))
    return result


# Composite indices of numeric indicators (tests of _normalise, _impute, _composite).

aggregations = st.sampled_from(
    [("amean", None), ("gmean", None), ("hmean", None), ("genmean", 2.0), ("genmean", -0.5)]
)
# Quarter steps: exact in binary, so equal values stay equal after arithmetic on them.
raw_values = st.integers(-4000, 4000).map(lambda v: v / 4)


@st.composite
def value_columns(draw: st.DrawFn, min_units: int = 2, max_units: int = 12) -> list[float]:
    """Raw values of one indicator, some missing (NaN), with at least two different known."""
    count = draw(st.integers(min_units, max_units))
    values = draw(st.lists(raw_values, min_size=count, max_size=count))
    if len(set(values)) < 2:
        # Step towards zero, so the value stays in raw_values' range [-1000, 1000].
        values[0] = values[1] - 1.0 if values[1] > 0 else values[1] + 1.0
    missing = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    known = sorted(range(count), key=lambda i: values[i])
    keep = {known[0], known[-1]}
    return [
        math.nan if gone and i not in keep else v
        for i, (v, gone) in enumerate(zip(values, missing, strict=True))
    ]


def draw_indicator(draw: st.DrawFn, item_id: str, parent: str, weight: float) -> Item:
    """One indicator, higher better or worse."""
    direction = draw(st.sampled_from([1, -1]))
    return Item(item_id, parent, "indicator", f"Indicator {item_id}", weight, direction=direction)


def draw_positive_weights(draw: st.DrawFn, count: int) -> list[float]:
    """``count`` positive weights."""
    return draw(st.lists(positive_weights, min_size=count, max_size=count))


def unit_weights(draw: st.DrawFn, count: int) -> list[float]:
    """``count`` weights of 1 (nothing drawn)."""
    return [1.0] * count


@st.composite
def composite_definitions(
    draw: st.DrawFn, max_children: int = 4, max_depth: int = 3, equal_weights: bool = False
) -> Definition:
    """A random tree of nodes (any aggregation) whose leaves are indicators of either direction."""
    child_weights = unit_weights if equal_weights else draw_positive_weights
    nodes, leaves = draw(
        trees(draw_indicator, aggregations, child_weights, max_children, max_depth, "i")
    )
    return Definition("composite", "Random composite", "root", nodes, leaves)


@st.composite
def composite_datasets(draw: st.DrawFn, definition: Definition, max_units: int = 8) -> Dataset:
    """Raw values for every indicator of ``definition``: NaN here and there, never constant."""
    count = draw(st.integers(2, max_units))
    columns = [draw(value_columns(min_units=count, max_units=count)) for _ in definition.items]
    return Dataset(
        [f"u{r}" for r in range(count)],
        tuple(item.id for item in definition.items),
        np.array(columns, dtype=float).T.reshape(count, -1),
    )


# Finite floats for CSV number cells, with the cases float printing gets wrong most often.
csv_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-300, 1e300, -0.0, 0.0, 100 / 3, 0.1 + 0.2, 21.000000000000004, 5e-324]),
)

# Text (no NUL, no lone surrogate) that often starts like a spreadsheet formula.
_plain_texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
formula_texts = st.one_of(
    _plain_texts,
    st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@\t\r'\""), _plain_texts),
    st.sampled_from(['=HYPERLINK("http://x","y")', "'=1+1", "'tis", "-a,b", '"=x"', "안산시"]),
)


# City names for results files: any script, formula-like starts, control characters (no NUL,
# which CSV readers refuse, no lone surrogate, which is not UTF-8).
city_names = st.one_of(
    formula_texts.filter(lambda text: "\x00" not in text),
    st.sampled_from(["Ansan (안산시)", "\x1b[2J", "a\nb", '=HYPERLINK("http://x","y")', ""]),
)
_score_numbers = st.one_of(st.floats(0, 100), st.just(math.nan))
_NUMBER_LIKE = r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*"


def _plain_fact_text(text: str) -> bool:
    """Text a CSV reader could not take for a number or a boolean (so it reads back as text)."""
    import re

    return text != "" and text not in ("true", "false") and not re.fullmatch(_NUMBER_LIKE, text)


# Fact values as a CSV cell keeps their type: booleans, ints, non-integral floats, plain text.
csv_fact_values = st.one_of(
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    formula_texts.filter(lambda text: "\x00" not in text and _plain_fact_text(text)),
)


@st.composite
def score_results(draw: st.DrawFn, csv_facts: bool = False) -> Any:
    """A Scores result built by hand: items then aggregates, NaN scores, optional bounds,
    imputation, countries, rounds, facts and evidence (``csv_facts``: facts CSV keeps typed)."""
    from icindex import Scores

    n = draw(st.integers(1, 5))
    n_items, n_nodes = draw(st.integers(0, 3)), draw(st.integers(1, 3))
    ids = tuple(f"q{k}" for k in range(n_items)) + tuple(f"n{k}" for k in range(n_nodes))
    kinds = ("item",) * n_items + ("node",) * n_nodes
    width = len(ids)

    def matrix(elements: st.SearchStrategy[float]) -> Any:
        rows = st.lists(elements, min_size=width, max_size=width)
        return np.array(draw(st.lists(rows, min_size=n, max_size=n)), dtype=np.float64)

    bounds = draw(st.booleans())
    imputed = draw(st.booleans())
    fact_values = (
        csv_fact_values
        if csv_facts
        else st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(),
            st.booleans(),
            st.text(),
        )
    )
    facts = st.dictionaries(st.sampled_from(["population", "area", "note"]), fact_values)
    evidence = st.dictionaries(st.sampled_from(ids), st.text(max_size=20))
    optional = draw(st.booleans())
    return Scores(
        city_ids=np.array([f"c{k}" for k in range(n)]),
        city_names=tuple(draw(st.lists(city_names, min_size=n, max_size=n))),
        ids=ids,
        names=tuple(f"Column {i}" for i in ids),
        kinds=kinds,
        values=matrix(_score_numbers),
        coverage=matrix(st.floats(0, 1)),
        lower=matrix(_score_numbers) if bounds else None,
        upper=matrix(_score_numbers) if bounds else None,
        missing="bounds" if bounds else "skip",
        imputed=(matrix(st.sampled_from([0.0, 1.0])) > 0) * (np.array(kinds) == "item")
        if imputed
        else None,
        countries=tuple(
            draw(st.lists(st.sampled_from(["", "KR", "=1+1", "-y"]), min_size=n, max_size=n))
        )
        if optional
        else None,
        rounds=tuple(draw(st.lists(st.sampled_from(["", "2020", "+r"]), min_size=n, max_size=n)))
        if optional
        else None,
        facts=tuple(draw(st.lists(facts, min_size=n, max_size=n))) if optional else None,
        evidence=tuple(draw(st.lists(evidence, min_size=n, max_size=n))) if optional else None,
    )
# Fuzzing untrusted files (tests/test_fuzz_*.py): valid files' bytes, mutated.

#: Byte strings that have broken file readers elsewhere: encodings, control characters,
#: quoting, nesting, numbers at and past float's range, spreadsheet formulas, TOML of every type.
NASTY_TOKENS = (
    b"\x00", b"\xef\xbb\xbf", b"\xe9", b"\xff\xfe", b"\xed\xa0\x80", b"\x80", b"\x1b[2J",
    b"\r", b"\n", b"\r\n", b"\t", b'"', b"'", b"\\", b",", b"|", b"=", b"#",
    b"[", b"]", b"{", b"}", b"[[", b"]]", b"[" * 40 + b"]" * 40, b"{a={b={c={d={e={}}}}}}",
    b"1e400", b"-1e400", b"1e-400", b"-0", b"9" * 400, b"9" * 5000, b"nan", b"inf", b"-inf",
    b"0x10", b"1_000", b"3,5", b"\xd9\xa3", b"NA", b"NaN", b"unknown", b"none", b"yes", b"no",
    b"true", b"false", b"1979-05-27", b"07:32:00", b'"x"', b"[1, [2]]", b"{x = 1}", b"[]",
    b"=1+1", b"@x", b"-y", b"'z", b"+1", "안산시 (Ansan)".encode(), b"\xe2\x80\xae", b"x" * 2000,
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, base: bytes, tokens: tuple[bytes, ...] = NASTY_TOKENS) -> bytes:
    """``base`` after one to four random edits: a byte-level and line-level mutator.

    Edits: insert a token anywhere, replace a line's value (after ``=`` or a comma) with a
    token, drop, duplicate or swap lines, truncate, or replace a span with random bytes. So a
    valid file becomes one with duplicate or missing keys, values of the wrong type,
    control characters, a BOM, latin-1 bytes, huge numbers, formulas or deep nesting.
    """
    data = base
    for _ in range(draw(st.integers(1, 4))):
        lines = data.split(b"\n")
        edit = draw(st.sampled_from(["insert", "value", "drop", "dup", "swap", "cut", "bytes"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if edit == "insert":
            spot = draw(st.integers(0, len(data)))
            data = data[:spot] + draw(st.sampled_from(tokens)) + data[spot:]
            continue
        if edit == "value":
            line = lines[at]
            cut = max(line.find(b"="), line.rfind(b","))
            lines[at] = line[: cut + 1] + b" " + draw(st.sampled_from(tokens))
        elif edit == "drop" and lines:
            del lines[at]
        elif edit == "dup":
            lines.insert(at, lines[at])
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "cut":
            data = data[: draw(st.integers(0, len(data)))]
            continue
        else:
            spot = draw(st.integers(0, len(data)))
            data = data[:spot] + draw(st.binary(min_size=1, max_size=8)) + data[spot + 8 :]
            continue
        data = b"\n".join(lines)
    return data


#: Text cells a spreadsheet would run or trim, and scripts a reader must keep as they are.
awkward_text = st.one_of(
    st.sampled_from(
        ["=1+1", "@x", "-y", "'z", "+1", "\tx", "'=a", "''", "안산시", "Ansan (안산시)"]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
)
