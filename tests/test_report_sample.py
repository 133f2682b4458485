"""Samples and comparisons: hand-computed ranks, percentiles, peer groups, roles and gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest

import icindex
from icindex import CityResponse, Definition, Fact, Item, Node, Option
from icindex._model.definition import PeerBand

YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))


@pytest.fixture(scope="module")
def hand() -> Definition:
    """Root r (amean) over p (p1 input, p2 impact) and q (q1 input), yes/no items of weight 1;
    peers: population below / from 100, foreign-born share below / from 10."""
    items = (
        Item("p1", "p", "yes_no", "P1?", options=YES_NO),
        Item("p2", "p", "yes_no", "P2?", options=YES_NO, role="impact"),
        Item("q1", "q", "yes_no", "Q1?", options=YES_NO),
    )
    facts = (Fact("pop", "Population", "integer"), Fact("fb", "Foreign-born", "number"))
    bands = (PeerBand("size", "pop", (100.0,)), PeerBand("div", "fb", (10.0,)))
    nodes = (Node("r", "R"), Node("p", "P", "r"), Node("q", "Q", "r"))
    return Definition("hand", "Hand", "r", nodes, items, facts=facts, peer_bands=bands)


@pytest.fixture(scope="module")
def cities() -> list[CityResponse]:
    """A: p 100, q 0, r 50; B: p 50, q 100, r 75; C: all 0 (large); D: p2 unknown, so under
    zero p 50, q 100, r 75, and no foreign-born share (no peer group)."""
    return [
        CityResponse("A", "A", facts={"pop": 50, "fb": 5.0},
                     answers={"p1": "yes", "p2": "yes", "q1": "no"}),
        CityResponse("B", "B", facts={"pop": 80, "fb": 8.0},
                     answers={"p1": "yes", "p2": "no", "q1": "yes"}),
        CityResponse("C", "C", facts={"pop": 500, "fb": 5.0},
                     answers={"p1": "no", "p2": "no", "q1": "no"}),
        CityResponse("D", "D", facts={"pop": 60}, answers={"p1": "yes", "q1": "yes"}),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def sample(hand, cities) -> icindex.Sample:
    return icindex.Sample.of(hand, cities)


def test_scores_under_zero_are_the_hand_values(sample):
    """Index r: A 50, B 75, C 0, D 75 (D's unknown p2 counts as no); D's p covers half."""
    np.testing.assert_allclose(sample.column("r"), [50.0, 75.0, 0.0, 75.0])
    assert sample.coverage[3, sample.columns.index("p")] == 0.5


def test_ranks_share_the_lowest_rank_on_ties(sample):
    """B and D tie at 75 (rank 1 both), A is third, C fourth."""
    np.testing.assert_array_equal(sample.ranks("r"), [3.0, 1.0, 4.0, 1.0])


def test_percentiles_count_cities_at_or_below(sample):
    """A: 2 of 4 at or below 50 (50 %); B and D 100 %; C 25 %."""
    np.testing.assert_array_equal(sample.percentiles("r"), [50.0, 100.0, 25.0, 100.0])


def test_stats_of_the_sample(sample):
    """Of (50, 75, 0, 75): mean 50, median 62.5, quartiles 37.5 and 75 (linear)."""
    assert sample.stats("r") == {"n": 4.0, "mean": 50.0, "median": 62.5, "q1": 37.5, "q3": 75.0}


def test_peer_groups_cross_the_bands_and_say_why_not(sample):
    """A and B are small with few foreign-born; C is large; D has no foreign-born share."""
    assert sample.peer_groups[0] == sample.peer_groups[1] != sample.peer_groups[2]
    assert sample.peer_groups[3] == "" and sample.peer_notes[3] == "no peer group: fb unknown"
    np.testing.assert_array_equal(sample.peers("A"), [0, 1])
    assert sample.peers("D").size == 0


def test_role_split_scores_each_role_alone(sample):
    """A on inputs (p1, q1): p 100, q 0, r 50; on impacts (p2): p 100, q none, r 100."""
    columns = [sample.columns.index(c) for c in ("r", "p", "q")]
    np.testing.assert_allclose(sample.role_values[0, 0, columns], [50.0, 100.0, 0.0])
    impact = sample.role_values[1, 0, columns]
    assert impact[0] == 100.0 and impact[1] == 100.0 and math.isnan(impact[2])


def test_compare_gives_ranks_gaps_strengths_and_good_practice(sample):
    """A: rank 3 of 4, 2nd of its 2 peers; gap 0 to the sample mean (50), -12.5 to its peers'
    (62.5); p is a strength (+25 over the peers' 75), q a weakness (-50), where B is better."""
    result = icindex.compare(sample, "A")
    index = result.rows[0]
    assert (index["column"], index["rank"], index["of"]) == ("r", 3.0, 4)
    assert (index["peer_rank"], index["peers"]) == (2.0, 2)
    assert (index["gap_sample"], index["gap_peers"]) == (0.0, -12.5)
    assert result.strengths == ("p",) and result.weaknesses == ("q",)
    assert result.good_practice == {"p": (), "q": ("B",)}


def test_compare_without_peers_uses_the_sample(sample):
    """D has no peer group: peer columns are empty, gaps are against the whole sample."""
    result = icindex.compare(sample, "D")
    assert result.peer_note == "no peer group: fb unknown"
    assert math.isnan(result.rows[0]["peer_rank"]) and result.rows[0]["peers"] == 0
    assert result.good_practice == {"p": ("A",), "q": ()}  # A's p is fully covered, higher


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_saved_sample_loads_back_equal(hand, sample, tmp_path, suffix):
    """Save then load gives the same sample, NaN included."""
    path = tmp_path / f"sample{suffix}"
    icindex.save_sample(sample, path)
    assert icindex.load_sample(path, hand) == sample


def test_a_sample_of_another_definition_is_refused(sample, tmp_path, icc):
    """Loading a sample with another definition is a ResponseError naming both."""
    path = tmp_path / "sample.csv"
    icindex.save_sample(sample, path)
    with pytest.raises(icindex.ResponseError, match="expected a sample of definition 'icc'"):
        icindex.load_sample(path, icc)


def test_an_unknown_city_or_column_is_named(sample):
    """Asking for a city or an aggregate the sample lacks is an UnknownIdError naming it."""
    with pytest.raises(icindex.UnknownIdError, match="no city 'Z'"):
        sample.row("Z")
    with pytest.raises(icindex.UnknownIdError, match="no aggregate 'x'"):
        sample.column("x")


def test_a_city_twice_in_one_round_is_refused(hand, cities):
    """The same city id twice in one round is a ScoringError."""
    with pytest.raises(icindex.ScoringError, match="'A' appears twice"):
        icindex.Sample.of(hand, [*cities, cities[0]])


def test_the_documented_comparison_example_runs(monkeypatch, tmp_path):
    """The first Python block of docs/compare-and-report.md runs (from the repository)."""
    from tests.conftest import REPO

    text = (REPO / "docs" / "compare-and-report.md").read_text(encoding="utf-8")
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    block = block.replace('"sample.csv"', repr(str(tmp_path / "sample.csv")))
    exec(compile(block, "docs/compare-and-report.md", "exec"), namespace)
    assert namespace["result"].rows[0]["of"] == 141
