"""Advice: gains worked by hand, gains equal to full re-scorings on the ICC, statuses, peers."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pytest

import icindex
from icindex import CityResponse, Definition, Item, Node, Option
from icindex._report.advice import TABLE_COLUMNS, advise

ANSAN = Path(__file__).resolve().parents[1] / "examples" / "cities" / "ansan.toml"
YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))


@pytest.fixture(scope="module")
def two() -> Definition:
    """Root r (amean) over nodes a and b (weight 1 each).

    a: x (yes_no) and y (choice low 0, mid 1, high 2); b: z (checklist p, q, s of 1 point,
    cap 2) and n (numeric, thresholds 10 and 20, points 0, 1, 2, unit "staff"). Weights 1.
    """
    three = tuple(Option(o, o.upper(), 1.0) for o in ("p", "q", "s"))
    levels = (Option("low", "Low", 0.0), Option("mid", "Mid", 1.0), Option("high", "High", 2.0))
    return Definition(
        "two",
        "Two",
        "r",
        (Node("r", "R"), Node("a", "A", "r"), Node("b", "B", "r")),
        (
            Item("x", "a", "yes_no", "X?", options=YES_NO),
            Item("y", "a", "choice", "Y?", options=levels),
            Item("z", "b", "checklist", "Z?", options=three, cap=2.0),
            Item("n", "b", "numeric", "N?", unit="staff", thresholds=(10, 20), points=(0, 1, 2)),
        ),
    )


@pytest.fixture(scope="module")
def city() -> CityResponse:
    """x no (0), y mid (50), z unknown, n 15 (band 1 of 2: 50)."""
    return CityResponse(id="c", name="C", answers={"x": "no", "y": "mid", "n": 15.0})


@pytest.fixture(scope="module")
def sample() -> tuple[CityResponse, ...]:
    """s1: x yes, z p and s (2 points, the cap), n 25; s2: x no, y high, z p only."""
    return (
        CityResponse(id="s1", name="S1", answers={"x": "yes", "z": ("p", "s"), "n": 25.0}),
        CityResponse(id="s2", name="S2", answers={"x": "no", "y": "high", "z": ("p",)}),
    )


def test_zero_gains_are_worked_by_hand(two, city):
    """Under zero: a = (0 + 50) / 2 = 25, b = (0 + 50) / 2 = 25, r = 25; x yes makes a 75 and
    r 50 (+25); z at its best makes b 75 (+25); n >= 20 makes b 50 (+12.5); y high makes a 50
    (+12.5); ties go by item id."""
    advice = advise(two, city)
    assert [(row.item, row.gain) for row in advice.rows] == [
        ("x", 25.0),
        ("z", 25.0),
        ("n", 12.5),
        ("y", 12.5),
    ]
    assert advice.index_now == 25.0


def test_skip_gains_are_worked_by_hand(two, city):
    """Under skip: a = 25, b = 50 (n only), r = 37.5; n >= 20 makes b 100 (+25); x yes makes
    a 75 (+25); y high makes a 50 (+12.5); z at its best makes b 75 (+12.5)."""
    advice = advise(two, city, missing="skip")
    assert [(row.item, row.gain) for row in advice.rows] == [
        ("n", 25.0),
        ("x", 25.0),
        ("y", 12.5),
        ("z", 12.5),
    ]
    assert advice.index_now == 37.5


def test_combined_gains_are_scored_not_summed(two, city):
    """Under skip, from r = 37.5: +n gives 62.5, +x 87.5, +y 100, +z 100; the four single
    gains sum to 75, more than the 62.5 the four changes give together."""
    advice = advise(two, city, missing="skip")
    assert advice.combined == (25.0, 50.0, 62.5, 62.5)
    assert advice.combined[0] == advice.rows[0].gain


def test_statuses_tell_unknown_from_no_and_partial(two, city):
    """x answered no (the worst) is "no", z unanswered is "unknown", y mid and n 15 "partial"."""
    statuses = {row.item: row.status for row in advise(two, city).rows}
    assert statuses == {"x": "no", "y": "partial", "z": "unknown", "n": "partial"}


def test_answers_are_written_as_in_a_response_file(two, city):
    """Current and best answers read as a response file would give them (unknown: "")."""
    rows = {row.item: (row.current, row.best) for row in advise(two, city).rows}
    assert rows == {
        "x": ("no", "yes"),
        "y": ("mid", "high"),
        "z": ("", "p|q"),
        "n": ("15 staff", "20 staff or more"),
    }


def test_peers_are_the_sample_cities_already_giving_the_best_answer(two, city, sample):
    """s1 says yes to x, ticks 2 of z's options (the cap) and has n 25; s2 chose y high."""
    peers = {row.item: row.peers for row in advise(two, city, sample=sample).rows}
    assert peers == {"x": ("s1",), "y": ("s2",), "z": ("s1",), "n": ("s1",)}


def test_rows_name_the_items_parent_and_question(two, city):
    """Each row carries the item's parent node as its indicator, and its question."""
    row = next(row for row in advise(two, city).rows if row.item == "z")
    assert (row.indicator, row.question, row.role) == ("b", "Z?", "input")


def test_a_target_node_limits_candidates_to_its_items(two, city):
    """With target a (= 25 under zero): x yes makes it 75 (+50), y high 50 (+25)."""
    advice = advise(two, city, target="a")
    assert [(row.item, row.gain) for row in advice.rows] == [("x", 50.0), ("y", 25.0)]
    assert advice.target == "a"


def test_a_target_variant_leaves_out_what_it_excludes(tiny):
    """The tiny definition's variant "short" excludes node rights: no rights item is advised."""
    advice = advise(tiny, CityResponse(id="c", name="C"), target="short")
    assert {row.item for row in advice.rows} == {i.id for i in tiny.items_under("welcome")}


def test_a_target_that_is_no_node_raises_scoring_error_naming_it(two, city):
    """An item (or an unknown id) as target is a ScoringError naming it."""
    with pytest.raises(icindex.ScoringError, match=r"target 'x' is no node, group or variant"):
        advise(two, city, target="x")


def test_a_bad_missing_policy_raises_scoring_error(two, city):
    """An unknown missing policy is refused by compile, naming the option."""
    with pytest.raises(icindex.ScoringError, match=r"^missing: must be one of"):
        advise(two, city, missing="maybe")


def test_an_answer_to_no_item_raises_response_error(two):
    """A city answering an item the definition lacks is refused when encoded."""
    stray = CityResponse(id="c", name="C", answers={"w": "yes"})
    with pytest.raises(icindex.ResponseError, match=r"'w' is no item of 'two'"):
        advise(two, stray)


def test_a_composite_index_raises_scoring_error():
    """Advice changes answers: an index of numeric indicators is refused."""
    composite = Definition("comp", "C", "r", (Node("r", "R"),), (Item("v", "r", "indicator", "V"),))
    with pytest.raises(icindex.ScoringError, match=r"composite index of indicators"):
        advise(composite, CityResponse(id="c", name="C"))


def test_bounds_gains_are_the_skip_gains(two, city):
    """Under bounds the gains and combined gains are those of skip (its first score)."""
    bounds, skip = advise(two, city, missing="bounds"), advise(two, city, missing="skip")
    assert bounds.rows == skip.rows
    assert bounds.combined == skip.combined


def test_a_city_at_its_best_gets_no_rows(two):
    """A city giving every best answer has nothing to change."""
    best = {"x": "yes", "y": "high", "z": ("p", "q", "s"), "n": 30.0}
    advice = advise(two, CityResponse(id="c", name="C", answers=best))
    assert (advice.rows, advice.combined, advice.index_now) == ((), (), 100.0)


def test_table_rows_follow_the_documented_columns(two, city, sample):
    """table(): one dict per row, keys item, gain, ... peers, peers joined by ";"."""
    table = advise(two, city, sample=sample).table()
    assert list(table[0]) == list(TABLE_COLUMNS) == ["item", "gain", *TABLE_COLUMNS[2:]]
    assert table[0]["peers"] == "s1"


def test_top_keeps_the_best_rows_and_their_combined_gains(two, city):
    """top(2) keeps two rows and two combined gains."""
    advice = advise(two, city).top(2)
    assert [row.item for row in advice.rows] == ["x", "z"]
    assert advice.combined == (25.0, 50.0)


# --- the ICC: every gain is the difference of two full re-scorings -------------------------


def best_answer(item: Item) -> object:
    """A best answer found independently: most points; checklists tick everything."""
    if item.kind in ("yes_no", "choice"):
        return max(item.options, key=lambda option: option.points).id
    if item.kind == "checklist":
        return item.option_ids
    if item.goalposts is not None:
        return item.goalposts[1]
    band = item.points.index(max(item.points))
    return item.thresholds[band - 1] if band else item.thresholds[0] - 1.0


@pytest.fixture(scope="module")
def mixed(icc) -> CityResponse:
    """Ansan's answers plus some that are not the best: a choice, a checklist, numbers."""
    ansan = icindex.read_responses(ANSAN, icc)[0]
    worse = {
        "commitment_strategy": "in_preparation",
        "commitment_evaluation": "not_evaluated",
        "education_intercultural_projects": ("curriculum",),
        "public_services_staff_diversity": 5.0,
        "international_sister_cities": 3.0,
        "welcoming_one_stop_service": "no",
    }
    return attrs.evolve(ansan, answers={**ansan.answers, **worse})


def changed(city: CityResponse, items: list[str], icc: Definition, tag: str) -> CityResponse:
    better = {item: best_answer(icc.item(item)) for item in items}
    return attrs.evolve(city, id=tag, answers={**city.answers, **better})


@pytest.mark.parametrize("missing", ["zero", "skip"])
def test_every_icc_gain_equals_two_full_rescorings(icc, mixed, missing):
    """Each row's gain is score(city with that answer at its best) - score(city), to 1e-9."""
    advice = advise(icc, mixed, missing=missing)
    variants = [changed(mixed, [row.item], icc, f"v{i}") for i, row in enumerate(advice.rows)]
    index = icindex.score(icc, [mixed, *variants], missing=missing).column("index")
    expected = index[1:] - index[0]
    np.testing.assert_allclose([row.gain for row in advice.rows], expected, rtol=0, atol=1e-9)


def test_icc_candidates_are_the_items_not_at_their_best(icc, mixed):
    """Rows are exactly the items whose item score (skip: NaN when unknown) is below 100."""
    scores = icindex.score(icc, [mixed], missing="skip")
    expected = {item.id for item in icc.items if not scores.get("ansan", item.id) >= 100}
    assert {row.item for row in advise(icc, mixed).rows} == expected


def test_icc_combined_equals_rescoring_the_cumulative_changes(icc, mixed):
    """combined[k - 1] is the index with the top k changes made together, minus now."""
    advice = advise(icc, mixed)
    items = [row.item for row in advice.rows]
    tops = [changed(mixed, items[:k], icc, f"top{k}") for k in range(1, len(items) + 1)]
    index = icindex.score(icc, [mixed, *tops], missing="zero").column("index")
    np.testing.assert_allclose(advice.combined, index[1:] - index[0], rtol=0, atol=1e-9)
    assert advice.combined[0] == advice.rows[0].gain


def test_icc_statuses_of_the_mixed_city(icc, mixed):
    """Worst answers are "no", answers between "partial", unanswered items "unknown"."""
    statuses = {row.item: row.status for row in advise(icc, mixed).rows}
    assert statuses["commitment_evaluation"] == "no"
    assert statuses["welcoming_one_stop_service"] == "no"
    assert statuses["commitment_strategy"] == "partial"
    assert statuses["education_intercultural_projects"] == "partial"
    assert statuses["international_sister_cities"] == "partial"
    assert statuses["mediation_service"] == "unknown"


def test_icc_peers_match_the_example_cities_answers(icc, mixed, repo):
    """Peers are the example cities whose item score is 100 (scored independently); Ansan,
    which has a one-stop service, is a peer for the mixed city that has none."""
    sample = icindex.read_responses(repo / "examples" / "cities", icc)
    scores = icindex.score(icc, sample, missing="skip")
    rows = {row.item: row.peers for row in advise(icc, mixed, sample=sample).rows}
    for item, peers in rows.items():
        assert peers == tuple(scores.city_ids[scores.column(item) == 100].tolist()), item
    assert rows["welcoming_one_stop_service"] == ("ansan",)


def test_skip_note_appears_for_a_city_with_few_answers(icc):
    """Ansan answers about 9 % of the ICC's weight: under skip the note says why and suggests
    zero; under zero there is no note."""
    ansan = icindex.read_responses(ANSAN, icc)[0]
    skip = advise(icc, ansan, missing="skip")
    assert skip.coverage < 0.5
    assert "left out" in skip.note and "--missing zero" in skip.note
    assert advise(icc, ansan).note == ""


def test_a_plan_is_advised_like_its_definition(icc, mixed):
    """A compiled plan gives the same advice as its definition; its policy is replaced."""
    plan = icindex.compile(icc, missing="skip")
    assert advise(plan, mixed, missing="zero") == advise(icc, mixed, missing="zero")


def test_the_docs_advice_example_runs(repo, monkeypatch, capsys):
    """The Python block of docs/compare-and-report.md's advice section runs and prints what its
    comments say."""
    text = (repo / "docs" / "compare-and-report.md").read_text(encoding="utf-8")
    section = text.split("## Advice: what would raise the index", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    monkeypatch.chdir(repo)
    for block in blocks:
        exec(compile(block, "docs/compare-and-report.md", "exec"), {})
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    commented = [line[2:].rstrip() for line in blocks[0].splitlines() if line.startswith("# ")]
    assert printed == commented
