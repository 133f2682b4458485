"""A realistic synthetic sample: reproducible, valid, plausible facts, correlated answers."""

from __future__ import annotations

import re

import attrs
import numpy as np
import pytest

import icindex
from icindex._io import synthetic
from icindex._io.synthetic import synthetic_block, synthetic_sample
from icindex._io.synthetic_draws import draw_answers
from tests.conftest import REPO

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def sample(icc):
    """The default sample of the ICC definition, seed 11."""
    return synthetic_sample(icc, seed=11)


def _facts(cities, fact_id):
    return np.array([city.facts[fact_id] for city in cities])


def _mean_indicator_correlation(definition, cities):
    scores = icindex.score(definition, cities, missing="skip")
    indicators = [node.id for node in definition.nodes if node.parent == definition.root]
    table = np.column_stack([scores.column(node_id) for node_id in indicators])
    correlations = np.corrcoef(table, rowvar=False)
    return correlations[np.triu_indices(len(indicators), k=1)].mean()


def test_same_seed_gives_the_same_sample(icc, sample):
    """Drawing again with the same seed gives equal cities."""
    assert synthetic_sample(icc, seed=11) == sample


def test_different_seeds_give_different_samples(icc, sample):
    """Another seed gives other answers."""
    assert synthetic_sample(icc, seed=12) != sample


def test_n_cities_with_unique_labelled_ids(sample):
    """The default sample has 140 cities, ids syn-001 on, names and round saying synthetic."""
    assert len(sample) == 140
    assert [city.id for city in sample] == [f"syn-{k:03d}" for k in range(1, 141)]
    assert all(city.name.startswith("Synthetic city ") for city in sample)
    assert {city.round for city in sample} == {"synthetic"}
    assert {city.source for city in sample} == {"synthetic (seed 11)"}


def _write_toml_folder(folder, cities, definition):
    for city in cities:
        icindex.write_city_toml(folder / f"{city.id}.toml", city, definition)


WRITERS = {
    "wide": lambda path, cities, icc: icindex.write_wide_csv(path / "s.csv", cities, icc),
    "long": lambda path, cities, icc: icindex.write_long_csv(path / "s.csv", cities),
    "toml": _write_toml_folder,
}


@pytest.mark.parametrize("layout", list(WRITERS))
def test_round_trip_through_every_format_is_equal(icc, sample, tmp_path, layout):
    """Written (wide CSV, long CSV, TOML) and read back, every answer and fact is unchanged."""
    WRITERS[layout](tmp_path, sample, icc)
    read = icindex.read_responses(tmp_path, icc)
    assert [attrs.evolve(city, source="") for city in read] == [
        attrs.evolve(city, source="") for city in sample
    ]


def test_population_lies_between_a_town_and_a_capital(sample):
    """Populations are whole numbers from 20,000 to 4,000,000, spread over decades."""
    population = _facts(sample, "population")
    assert population.dtype.kind == "i"
    assert population.min() >= 20_000 and population.max() <= 4_000_000
    assert population.max() / population.min() > 20


def test_foreign_shares_are_plausible_and_ordered(sample):
    """foreign_born_share is within [2, 40] %, foreign_share (nationals) at most that."""
    born, nationals = _facts(sample, "foreign_born_share"), _facts(sample, "foreign_share")
    assert born.min() >= 2.0 and born.max() <= 40.0
    assert np.all(nationals <= born) and np.all(nationals >= 0.4 * born - 0.05)


def test_foreign_residents_follow_population_and_share(sample):
    """foreign_residents is population times foreign_share, rounded to a person."""
    population, share = _facts(sample, "population"), _facts(sample, "foreign_share")
    expected = np.rint(population * share / 100)
    np.testing.assert_array_equal(_facts(sample, "foreign_residents"), expected)


def test_nationalities_grow_with_population(sample):
    """Larger cities count more nationalities, never more than their foreign residents."""
    nationalities = _facts(sample, "nationalities")
    assert np.all(nationalities <= _facts(sample, "foreign_residents"))
    log_population = np.log(_facts(sample, "population"))
    assert np.corrcoef(log_population, nationalities)[0, 1] > 0.5


def test_only_declared_facts_are_set(tiny):
    """A definition declaring only population gets only population; undeclared facts none."""
    cities = synthetic_sample(tiny, 20, seed=0)
    assert {key for city in cities for key in city.facts} == {"population"}
    bare = attrs.evolve(tiny, facts=())
    assert all(not city.facts for city in synthetic_sample(bare, 20, seed=0))


def test_latent_commitment_correlates_indicators(icc, sample):
    """Indicator scores correlate across cities (mean pairwise r > 0.2); independent draws ~0."""
    assert _mean_indicator_correlation(icc, sample) > 0.2
    independent = icindex.synthetic_cities(icc, 140, seed=11, unknown_share=0.05)
    assert abs(_mean_indicator_correlation(icc, independent)) < 0.05


def test_answers_within_an_indicator_agree_more_than_across(icc):
    """Two yes/no items of one indicator agree more often than two of different indicators."""
    cities = synthetic_sample(icc, 4000, seed=3, unknown_share=0.0)

    def agreement(first, second):
        return np.mean([city.answers[first] == city.answers[second] for city in cities])

    within = agreement("commitment_public_statement", "commitment_budget")
    across = agreement("commitment_public_statement", "media_strategy")
    assert within > across + 0.03


def test_unknown_share_is_respected(icc):
    """About unknown_share of all answers are absent, within four binomial standard errors."""
    cities = synthetic_sample(icc, 300, seed=5, unknown_share=0.2)
    total = len(cities) * len(icc.items)
    absent = total - sum(len(city.answers) for city in cities)
    assert abs(absent / total - 0.2) < 4 * np.sqrt(0.2 * 0.8 / total)
    full = synthetic_sample(icc, 20, seed=5, unknown_share=0.0)
    assert all(len(city.answers) == len(icc.items) for city in full)


def test_threshold_items_get_values_in_their_bands(icc, sample):
    """A thresholds item gets whole numbers covering every band, none negative."""
    item = "international_sister_cities"
    values = np.array([city.answers[item] for city in sample if item in city.answers])
    assert np.all(values == np.floor(values)) and values.min() >= 0
    assert {int(np.searchsorted([1, 5, 10], v, side="right")) for v in values} == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("n", "unknown_share", "message"),
    [
        (-1, 0.0, r"synthetic_sample: n must be a whole number >= 0 \(got -1\)"),
        (2.5, 0.0, r"n must be a whole number >= 0 \(got 2.5\)"),
        ("3", 0.0, r"n must be a whole number >= 0 \(got '3'\)"),
        (3, 1.5, r"unknown_share must be a number in \[0, 1\] \(got 1.5\)"),
    ],
)
def test_bad_arguments_are_usage_errors(icc, n, unknown_share, message):
    """A negative, fractional or text n, or a share outside [0, 1], is a UsageError saying so."""
    with pytest.raises(icindex.UsageError, match=message):
        synthetic_sample(icc, n, unknown_share=unknown_share)


@pytest.mark.parametrize("n", [-1, 2.5, "3", None])
def test_synthetic_cities_bad_count_is_a_usage_error(icc, n):
    """synthetic_cities(icc, -1) and other counts that are not whole numbers >= 0 are refused."""
    with pytest.raises(icindex.UsageError, match=r"synthetic_cities: n must be a whole number"):
        icindex.synthetic_cities(icc, n)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: synthetic_sample(None, 3),
        lambda: synthetic_block("icc", 1, 0),
        lambda: icindex.synthetic_cities("icc", 3),
        lambda: icindex.write_synthetic(None, "x.csv", 3, seed=1),
    ],
)
def test_a_definition_that_is_no_definition_is_a_usage_error(draw):
    """Every synthetic draw names the argument when it is given something else than a Definition."""
    with pytest.raises(icindex.UsageError, match=r"definition must be a Definition"):
        draw()


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 10 cities instead of 10,000, so that a few dozen cities span several."""
    monkeypatch.setattr(synthetic, "BLOCK", 10)


def test_first_cities_are_the_same_whatever_n(icc, small_blocks):
    """The first 25 cities of a sample of 64 (seven blocks) are the sample of 25."""
    assert synthetic_sample(icc, 64, seed=3)[:25] == synthetic_sample(icc, 25, seed=3)


def test_more_digits_change_only_the_ids(icc, small_blocks):
    """With 1,200 cities the ids have four digits; the first 25 cities are otherwise the same."""
    small, big = synthetic_sample(icc, 25, seed=3), synthetic_sample(icc, 1200, seed=3)[:25]
    assert [city.id for city in big] == [f"syn-{k:04d}" for k in range(1, 26)]
    assert [(c.facts, c.answers) for c in big] == [(c.facts, c.answers) for c in small]


def test_a_block_drawn_alone_is_that_block_of_the_sample(icc, small_blocks):
    """Block 2 drawn alone gives cities 21-30 of the sample, ids and all."""
    block = synthetic_block(icc, 3, 2)
    assert (block.first, block.rows) == (20, 10)
    alone = synthetic._block_cities(icc, block, 3, "synthetic", "synthetic (seed 3)")
    assert tuple(alone) == synthetic_sample(icc, 45, seed=3)[20:30]


def test_block_k_draws_from_child_k_of_the_seed(icc, small_blocks):
    """Block k's answers are drawn from default_rng(SeedSequence(seed).spawn(k + 1)[k])."""
    rng = np.random.default_rng(np.random.SeedSequence(3).spawn(3)[2])
    expected = draw_answers(icc, 10, rng)
    block = synthetic_block(icc, 3, 2)
    assert all(map(np.array_equal, block.answers, expected))
    assert block == synthetic_block(icc, np.random.SeedSequence(3), 2)


def test_blocks_differ(icc, small_blocks):
    """Two blocks of one seed, and one block of two seeds, hold different answers."""
    assert synthetic_block(icc, 3, 0) != synthetic_block(icc, 3, 1)
    assert synthetic_block(icc, 3, 0) != synthetic_block(icc, 4, 0)


def test_block_arrays_are_read_only(icc):
    """A block's arrays cannot be written to."""
    block = synthetic_block(icc, 1, 0, rows=3)
    with pytest.raises(ValueError, match="read-only"):
        block.known[0, 0] = False


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"seed": -1, "k": 0}, r"seed must be a whole number >= 0 \(got -1\)"),
        ({"seed": 1, "k": -2}, r"k must be a whole number >= 0 \(got -2\)"),
        ({"seed": 1, "k": 0, "rows": 10_001}, r"rows must be a whole number in \[0, 10000\]"),
        ({"seed": 1, "k": 0, "rows": "5"}, r"rows must be a whole number in \[0, 10000\]"),
        ({"seed": 1, "k": 1.5}, r"k must be a whole number >= 0 \(got 1.5\)"),
        ({"seed": 1, "k": 0, "unknown_share": -0.1}, r"unknown_share .*\(got -0.1\)"),
    ],
)
def test_bad_block_arguments_are_usage_errors(icc, arguments, message):
    """A negative seed or block, too many rows or a bad share is a UsageError saying so."""
    with pytest.raises(icindex.UsageError, match=message):
        synthetic_block(icc, **arguments)


def test_a_generator_seeds_the_sample_with_one_draw(icc):
    """A numpy Generator as seed gives the sample of the number it draws first."""
    drawn = int(np.random.default_rng(8).integers(2**63))
    from_generator = synthetic_sample(icc, 5, seed=np.random.default_rng(8))
    assert [c.answers for c in from_generator] == [
        c.answers for c in synthetic_sample(icc, 5, seed=drawn)
    ]


def test_the_documented_example_runs(monkeypatch, tmp_path):
    """The Python block of docs/responses.md's synthetic section runs as written."""
    monkeypatch.chdir(tmp_path)  # the example writes a file
    text = (REPO / "docs" / "responses.md").read_text(encoding="utf-8")
    section = text.split("## A realistic synthetic sample", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/responses.md", "exec"), {})


def _tight(definition):
    """``definition`` with ranges well inside what the draws would give without them (every
    numeric item, every number fact), fractional bounds included."""
    tight_items = {
        # thresholds must lie in (least, greatest]: the tightest such range, fractional below
        "numeric": lambda item: (
            (10.0, 20.0)
            if item.goalposts is not None
            else (item.thresholds[0] - 0.5, item.thresholds[-1])
        ),
    }
    items = tuple(
        attrs.evolve(item, value_range=tight_items[item.kind](item))
        if item.kind in tight_items
        else item
        for item in definition.items
    )
    fact_ranges = {
        "population": (100_000, 200_000),
        "foreign_born_share": (5.0, 6.0),
        "nationalities": (50.5, 60.5),
        "children_share": (19.95, 20.05),
    }
    facts = tuple(
        attrs.evolve(fact, value_range=fact_ranges.get(fact.id, fact.value_range))
        for fact in definition.facts
    )
    return attrs.evolve(definition, items=items, facts=facts)


def _in_range(value, value_range):
    return value_range[0] <= value <= value_range[1]


def test_synthetic_answers_and_facts_are_drawn_inside_tight_ranges(icc, tmp_path):
    """With ranges narrower than the draws' support, every numeric answer and number fact of
    the sample is inside its range, and the sample written and read back passes the range
    checks of read_responses."""
    tight = _tight(icc)
    cities = synthetic_sample(tight, 400, seed=5, unknown_share=0.0)
    numeric = [item for item in tight.items if item.value_range is not None]
    drawn = {"population", "foreign_born_share", "nationalities", "children_share"}
    ranged_facts = [fact for fact in tight.facts if fact.id in drawn]
    assert len(numeric) >= 5 and len(ranged_facts) == 4
    for city in cities:
        for item in numeric:
            assert _in_range(city.answers[item.id], item.value_range), (city.id, item.id)
        for fact in ranged_facts:
            assert _in_range(city.facts[fact.id], fact.value_range), (city.id, fact.id)
    assert {city.facts["nationalities"] for city in cities} <= set(range(51, 61))
    icindex.write_wide_csv(tmp_path / "tight.csv", cities, tight)
    assert icindex.read_responses(tmp_path / "tight.csv", tight) == tuple(
        attrs.evolve(city, source=str(tmp_path / "tight.csv")) for city in cities
    )


def test_synthetic_block_draws_unknown_answers_inside_ranges_too(icc):
    """A block's arrays hold a value for every city, known or not: all inside the range."""
    tight = _tight(icc)
    block = synthetic_block(tight, 2, 0, rows=500)
    for item, drawn in zip(tight.items, block.answers, strict=True):
        if item.value_range is not None:
            assert drawn.min() >= item.value_range[0] and drawn.max() <= item.value_range[1]


def test_indicator_draws_are_cut_to_their_range():
    """An indicator normalised over 0-100 but allowed only 40-45 is drawn in 40-45."""
    index = icindex.Definition(
        "d",
        "D",
        "r",
        (icindex.Node("r", "R"),),
        (icindex.Item("x", "r", "indicator", "X", value_range=(40.0, 45.0)),),
    )
    cities = synthetic_sample(index, 300, seed=1, unknown_share=0.0)
    values = np.array([city.answers["x"] for city in cities])
    assert values.min() >= 40.0 and values.max() <= 45.0 and values.max() > values.min()


def test_synthetic_cities_draws_numeric_answers_inside_ranges(icc):
    """synthetic_cities (uniform draws for benchmarks) cuts each numeric span to its range."""
    tight = _tight(icc)
    encoded = icindex.synthetic_cities(tight, 2000, seed=4)
    for column, position in enumerate(encoded.layout.numeric.tolist()):
        low, high = tight.items[position].value_range
        values = encoded.values[:, column]
        assert values.min() >= low and values.max() <= high
