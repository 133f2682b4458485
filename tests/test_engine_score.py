"""The vectorised engine: golden cities worked by hand; properties against a scalar reference."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from tests import reference
from tests.conftest import DATA
from tests.strategies import cities, definitions

GOLDEN = DATA / "cities"


@pytest.fixture(scope="module")
def golden_cities(tiny: icindex.Definition) -> tuple[icindex.CityResponse, ...]:
    return icindex.read_responses([GOLDEN / "golden.toml", GOLDEN / "partial.toml"], tiny)


def test_golden_city_skip(tiny, golden_cities):
    """City "golden" (tests/data/cities/golden.toml) scores as worked by hand.

    Items: office yes -> 100; languages few -> 1/2 -> 50; events [tour] -> 1/3 -> 33.33;
    share 20 on goalposts [0, 50] -> 40; decree yes -> 2/2 -> 100; partners 7 -> band 2 of
    thresholds [1, 5, 10] -> 2 of 4 points -> 50.
    welcome (amean, weights 2,1,1,1) = (200 + 50 + 100/3 + 40) / 5 = 64.6667;
    rights (gmean, weights 1,3) = 100^(1/4) * 50^(3/4) = 59.4604;
    index (amean, weights 2,1) = (2 * 64.6667 + 59.4604) / 3 = 62.9312;
    the group "lens" combines the same nodes with the same weights, so equals the index;
    the variant "short" leaves out rights, so equals welcome.
    """
    scores = icindex.score(tiny, golden_cities, missing="skip")
    welcome = (200 + 50 + 100 / 3 + 40) / 5
    rights = 100**0.25 * 50**0.75
    index = (2 * welcome + rights) / 3
    expected = {
        "welcome_office": 100,
        "welcome_languages": 50,
        "welcome_events": 100 / 3,
        "welcome_share": 40,
        "rights_decree": 100,
        "rights_partners": 50,
        "welcome": welcome,
        "rights": rights,
        "index": index,
        "lens": index,
        "short": welcome,
    }
    for column, value in expected.items():
        assert scores.get("golden", column) == pytest.approx(value, rel=1e-12), column
    assert scores.coverage[0] == pytest.approx(np.ones(len(scores.ids)))


def test_golden_partial_city_every_policy(tiny, golden_cities):
    """City "partial" under skip, zero and bounds, worked by hand.

    Known: languages one -> 0, share 60 -> 100 (clipped), decree no -> 0; unknown: office,
    events, partners. skip: welcome = (0 + 100) / 2 = 50, rights = gmean(0) = 0,
    index = (2 * 50 + 0) / 3 = 33.33. Coverage: welcome 2/5, rights 1/4,
    index (2 * 0.4 + 0.25) / 3 = 0.35. zero (= lower): welcome = 100 / 5 = 20, rights 0,
    index 40 / 3. upper (unknowns 100): welcome = (200 + 0 + 100 + 100) / 5 = 80,
    rights = gmean(0, 100) = 0, index = 160 / 3.
    """
    skip = icindex.score(tiny, golden_cities, missing="skip")
    assert skip.get("partial", "welcome") == pytest.approx(50)
    assert skip.get("partial", "rights") == 0
    assert skip.get("partial", "index") == pytest.approx(100 / 3)
    row = skip.ids.index
    assert skip.coverage[1, row("welcome")] == pytest.approx(0.4)
    assert skip.coverage[1, row("rights")] == pytest.approx(0.25)
    assert skip.coverage[1, row("index")] == pytest.approx(0.35)
    zero = icindex.score(tiny, golden_cities, missing="zero")
    assert zero.get("partial", "welcome") == pytest.approx(20)
    assert zero.get("partial", "index") == pytest.approx(40 / 3)
    bounds = icindex.score(tiny, golden_cities, missing="bounds")
    assert bounds.lower[1, row("index")] == pytest.approx(40 / 3)
    assert bounds.upper[1, row("welcome")] == pytest.approx(80)
    assert bounds.upper[1, row("index")] == pytest.approx(160 / 3)
    np.testing.assert_array_equal(bounds.values, skip.values)


def test_min_coverage_drops_a_thin_node_and_renormalises(tiny, golden_cities):
    """With min_coverage 0.3, partial's rights (coverage 0.25) is n/a; the index is welcome's 50."""
    scores = icindex.score(tiny, golden_cities, missing="skip", min_coverage=0.3)
    assert math.isnan(scores.get("partial", "rights"))
    assert scores.get("partial", "index") == pytest.approx(50)
    assert scores.get("golden", "rights") == pytest.approx(100**0.25 * 50**0.75)


def test_nothing_known_is_nan_under_skip(tiny):
    """A city with no answers has NaN scores and zero coverage under skip, and 0 under zero."""
    empty = [icindex.CityResponse(id="empty", name="Empty")]
    skip = icindex.score(tiny, empty, missing="skip")
    assert math.isnan(skip.get("empty", "index"))
    assert skip.coverage[0].max() == 0
    assert icindex.score(tiny, empty, missing="zero").get("empty", "index") == 0


def _reference_matrix(definition, responses, **options):
    tree_ids = [entry.id for entry in definition.walk()]
    rows = [reference.score_city(definition, city, **options) for city in responses]
    values = np.array([[np.nan if s[i] is None else s[i] for i in tree_ids] for s, _ in rows])
    coverage = np.array([[c[i] for i in tree_ids] for _, c in rows])
    return tree_ids, values, coverage


@given(data=st.data())
def test_engine_equals_scalar_reference(data):
    """On random definitions and cities, every item and node equals the scalar reference."""
    definition = data.draw(definitions())
    responses = data.draw(cities(definition))
    missing = data.draw(st.sampled_from(["skip", "zero"]))
    min_coverage = data.draw(st.sampled_from([0.0, 0.3, 0.7])) if missing == "skip" else 0.0
    fill = 0.0 if missing == "zero" else None
    ids, expected, coverage = _reference_matrix(
        definition, responses, fill=fill, min_coverage=min_coverage
    )
    scores = icindex.score(definition, responses, missing=missing, min_coverage=min_coverage)
    columns = [scores.ids.index(i) for i in ids]
    np.testing.assert_allclose(scores.values[:, columns], expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scores.coverage[:, columns], coverage, rtol=1e-12, atol=1e-12)


@given(data=st.data())
def test_variant_equals_reference_with_exclusions(data):
    """A variant's score equals the reference scorer run with the excluded entries' weight 0."""
    definition = data.draw(definitions())
    if not definition.variants:
        return
    responses = data.draw(cities(definition))
    excluded = definition.variants[0].exclude
    scores = icindex.score(definition, responses, missing="skip")
    for row, city in enumerate(responses):
        values, _ = reference.score_city(definition, city, excluded=excluded)
        want = values[definition.root]
        got = scores.values[row, scores.ids.index("var")]
        assert (want is None and math.isnan(got)) or got == pytest.approx(want, abs=1e-9)


@given(data=st.data())
def test_every_score_is_between_0_and_100(data):
    """Every score of every policy lies in [0, 100] (or is NaN where nothing is known)."""
    definition = data.draw(definitions())
    responses = data.draw(cities(definition))
    scores = icindex.score(definition, responses, missing="bounds")
    for array in (scores.values, scores.lower, scores.upper):
        finite = array[~np.isnan(array)]
        assert np.all((finite >= -1e-9) & (finite <= 100 + 1e-9))
    assert np.all((scores.coverage >= 0) & (scores.coverage <= 1 + 1e-12))


@given(data=st.data())
def test_bounds_contain_zero_and_skip(data):
    """lower <= zero-policy and skip scores <= upper, everywhere skip is defined."""
    definition = data.draw(definitions())
    responses = data.draw(cities(definition))
    bounds = icindex.score(definition, responses, missing="bounds")
    zero = icindex.score(definition, responses, missing="zero")
    np.testing.assert_allclose(bounds.lower, zero.values, atol=1e-9)
    defined = ~np.isnan(bounds.values)
    assert np.all(bounds.lower[defined] <= bounds.values[defined] + 1e-9)
    assert np.all(bounds.values[defined] <= bounds.upper[defined] + 1e-9)
    both = ~np.isnan(bounds.lower)
    assert np.all(bounds.lower[both] <= bounds.upper[both] + 1e-9)


def _better(item: icindex.Item, answer):
    """An answer to ``item`` that earns at least as many points, or None if there is none."""
    if item.kind in ("yes_no", "choice"):
        current = dict((o.id, o.points) for o in item.options)[answer]
        better = [o.id for o in item.options if o.points > current]
        return better[0] if better else None
    if item.kind == "checklist":
        missing = [o for o in item.option_ids if o not in answer]
        return (
            tuple(o for o in item.option_ids if o in answer or o == missing[0]) if missing else None
        )
    if item.goalposts is not None:
        worst, best = item.goalposts
        return answer + (1.0 if best > worst else -1.0) * 7.5
    band = sum(1 for t in item.thresholds if answer >= t)
    starts = [item.thresholds[0] - 1.0, *item.thresholds]
    better = [starts[b] for b, p in enumerate(item.points) if p > item.points[band]]
    return better[0] if better else None


@given(data=st.data())
def test_a_better_answer_never_lowers_any_score(data):
    """Replacing one answer with one that earns more never lowers any score, in any policy."""
    definition = data.draw(definitions())
    city = data.draw(cities(definition, max_cities=1))[0]
    answered = [item for item in definition.items if item.id in city.answers]
    if not answered:
        return
    item = data.draw(st.sampled_from(answered))
    better = _better(item, city.answers[item.id])
    if better is None:
        return
    improved = icindex.CityResponse(id="c0", name="c", answers={**city.answers, item.id: better})
    for missing in ("skip", "zero", "bounds"):
        before = icindex.score(definition, [city], missing=missing)
        after = icindex.score(definition, [improved], missing=missing)
        pairs = [(before.values, after.values)]
        if missing == "bounds":
            pairs += [(before.lower, after.lower), (before.upper, after.upper)]
        for old, new in pairs:
            both = ~np.isnan(old) & ~np.isnan(new)
            assert np.all(new[both] >= old[both] - 1e-9), missing


@given(data=st.data())
def test_reordering_cities_reorders_results_only(data):
    """Scoring cities in another order permutes the rows and changes nothing else."""
    definition = data.draw(definitions())
    responses = data.draw(cities(definition))
    order = data.draw(st.permutations(range(len(responses))))
    first = icindex.score(definition, responses, missing="bounds")
    second = icindex.score(definition, [responses[i] for i in order], missing="bounds")
    assert second.city_ids.tolist() == [first.city_ids[i] for i in order]
    for name in ("values", "coverage", "lower", "upper"):
        # BLAS may round a row differently at another position: equal to the last bits.
        np.testing.assert_allclose(
            getattr(second, name), getattr(first, name)[list(order)], rtol=1e-12, atol=1e-12
        )


@given(chunk=st.integers(1, 7), seed=st.integers(0, 2**16))
def test_chunk_size_does_not_change_results(tiny, chunk, seed):
    """Scoring in chunks of any size gives the same scores as one chunk, up to rounding.

    (BLAS may sum a one-row product in another order, so the last bits can differ.)
    """
    encoded = icindex.synthetic_cities(tiny, 23, seed=seed, unknown_share=0.3)
    whole = icindex.score(tiny, encoded, missing="bounds")
    parts = icindex.score(tiny, encoded, missing="bounds", chunk_size=chunk)
    assert parts.city_ids.tolist() == whole.city_ids.tolist()
    for name in ("values", "coverage", "lower", "upper"):
        np.testing.assert_allclose(getattr(parts, name), getattr(whole, name), rtol=1e-12)


def test_icc_scores_synthetic_cities_in_range(icc):
    """The bundled definition scores 2,000 random cities with every score in 0-100."""
    scores = icindex.score(icc, icindex.synthetic_cities(icc, 2000, seed=3), missing="zero")
    assert scores.values.shape == (2000, len(scores.ids))
    assert np.nanmin(scores.values) >= 0 and np.nanmax(scores.values) <= 100


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"missing": "ignore"}, "missing: must be one of"),
        ({"min_coverage": 1.5}, "min_coverage: must be between 0 and 1"),
        ({"chunk_size": 0}, "chunk_size: must be >= 1"),
    ],
)
def test_bad_options_raise_scoring_error(tiny, golden_cities, options, message):
    """A bad option raises ScoringError naming the option and what it accepts."""
    with pytest.raises(icindex.ScoringError, match=message):
        icindex.score(tiny, golden_cities, **options)


def test_answers_encoded_for_another_definition_are_refused(tiny, icc):
    """Encoded answers scored against another definition raise ScoringError."""
    with pytest.raises(icindex.ScoringError, match="not made for definition 'tiny'"):
        icindex.score(tiny, icindex.synthetic_cities(icc, 3, seed=0))


@pytest.mark.parametrize(
    ("cities", "message"),
    [
        (
            "answers.csv",
            r"score: cities must be .*\(got str 'answers.csv'\): read the files "
            r"first with icindex.read_responses",
        ),
        (
            DATA / "cities",
            r"\(got PosixPath .*\): read the files first with",
        ),
        (
            icindex.Dataset(["A"], ("x",), [[1.0]]),
            r"\(got Dataset .*\): a Dataset holds indicator values; score it with "
            r"icindex.score_composite",
        ),
        (icindex.CityResponse(id="a", name="A"), r"give a list of cities, \[city\]"),
        ([icindex.CityResponse(id="a", name="A"), "b"], r"\(cities\[1\] is a str\)"),
        (None, r"score: cities must be a sequence of CityResponse .*\(got NoneType None\)"),
    ],
)
def test_score_misuse_is_a_usage_error_saying_what_to_call(tiny, cities, message):
    """Paths, a Dataset or a lone city given to score name the argument and what to do."""
    with pytest.raises(icindex.UsageError, match=message):
        icindex.score(tiny, cities)


def test_score_with_no_definition_is_a_usage_error(golden_cities):
    """A definition's name instead of the definition is refused, saying what to pass."""
    with pytest.raises(icindex.UsageError, match=r"score: definition must be a Definition"):
        icindex.score("icc", golden_cities)


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        (
            "idata.csv",
            r"score_composite: dataset must be a Dataset \(got str 'idata.csv'\): "
            r"read COINr's tables first with icindex.read_coinr",
        ),
        ([icindex.CityResponse(id="a", name="A")], r"answers are scored with icindex.score"),
    ],
)
def test_score_composite_misuse_is_a_usage_error(dataset, message):
    """score_composite given paths or cities names the argument and what to call."""
    index = icindex.Definition(
        "d", "D", "r", (icindex.Node("r", "R"),), (icindex.Item("x", "r", "indicator", "X"),)
    )
    with pytest.raises(icindex.UsageError, match=message):
        icindex.score_composite(index, dataset)
    with pytest.raises(icindex.UsageError, match=r"score_composite: definition must be"):
        icindex.score_composite(None, icindex.Dataset(["A"], ("x",), [[1.0]]))


def test_python_built_answer_outside_its_range_is_refused(tiny):
    """A CityResponse built in Python with a share of 120 % is refused when scored."""
    items = tuple(
        attrs.evolve(item, value_range=(0.0, 100.0)) if item.id == "welcome_share" else item
        for item in tiny.items
    )
    ranged = attrs.evolve(tiny, items=items)
    city = icindex.CityResponse(id="a", name="A", answers={"welcome_share": 120.0})
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.score(ranged, [city])
    assert str(caught.value).startswith(
        "<memory>: city 'a': item 'welcome_share': 120.0 is outside the range [0, 100]"
    )
    unranged = attrs.evolve(
        tiny, items=tuple(attrs.evolve(i, value_range=None) for i in tiny.items)
    )
    assert icindex.score(unranged, [city]).column("welcome_share").tolist() == [100.0]
