"""`icindex report`: the format by suffix, the sample, the city picked from a file of several."""

from __future__ import annotations

import argparse

import pytest

import icindex
from icindex._cli import report
from tests.conftest import DATA, REPO

CITIES = REPO / "examples" / "cities"
TINY = str(DATA / "tiny")


def run(argv: list[str]) -> int:
    """Parse ``argv`` with the report command alone (as main.py registers it) and run it."""
    parser = argparse.ArgumentParser(prog="icindex")
    report.add_parser(parser.add_subparsers(dest="command", required=True))
    return report.run(parser.parse_args(argv))


def test_html_report_against_a_sample(tmp_path, capsys):
    """A .html --out is one page comparing the city with the sample's three cities."""
    out = tmp_path / "ansan.html"
    assert (
        run(["report", str(CITIES / "ansan.toml"), "--sample", str(CITIES), "--out", str(out)]) == 0
    )
    page = out.read_text(encoding="utf-8")
    assert "<h1>Ansan (안산시)</h1>" in page and "3 cities (Ansan" in page
    assert "against a sample of 3 cities" in capsys.readouterr().out


def test_markdown_report_without_a_sample_says_the_sample_is_the_city(tmp_path):
    """A .md --out is Markdown; without --sample the report says the city is its own sample."""
    out = tmp_path / "ansan.md"
    assert run(["report", str(CITIES / "ansan.toml"), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Ansan") and "No sample was given" in text
    assert (tmp_path / "ansan-indicators-bars.svg").is_file()


def test_the_city_is_added_to_a_sample_without_it(tmp_path):
    """A sample that lacks the city gets it: Ansan against Sejong is a sample of two."""
    out = tmp_path / "a.html"
    args = [str(CITIES / "ansan.toml"), "--sample", str(CITIES / "sejong.toml"), "--out", str(out)]
    assert run(["report", *args]) == 0
    assert "2 cities (Sejong" in out.read_text(encoding="utf-8")


def test_city_picks_one_of_several_and_is_required_then(tmp_path, icc):
    """From a CSV of two cities --city picks one; without it the error lists the ids."""
    cities = icindex.read_responses(CITIES, icc)[:2]
    both = tmp_path / "two.csv"
    icindex.write_long_csv(both, cities)
    out = tmp_path / "r.html"
    with pytest.raises(icindex.ResponseError, match=r"pick one with --city ID: ansan"):
        run(["report", str(both), "--out", str(out)])
    with pytest.raises(icindex.ResponseError, match=r"no city 'nowhere'"):
        run(["report", str(both), "--city", "nowhere", "--out", str(out)])
    assert run(["report", str(both), "--city", cities[1].id, "--out", str(out)]) == 0
    assert f"<h1>{cities[1].name}</h1>" in out.read_text(encoding="utf-8")


def test_out_must_be_html_or_markdown(tmp_path):
    """Another suffix is a UsageError naming the suffixes accepted."""
    with pytest.raises(icindex.UsageError, match=r"expected a file ending in .html, .htm, .md"):
        run(["report", str(CITIES / "ansan.toml"), "--out", str(tmp_path / "r.pdf")])


def test_index_and_missing_reach_the_sample(tmp_path):
    """--index picks the definition and --missing the policy the report states."""
    out = tmp_path / "g.md"
    golden = str(DATA / "cities" / "golden.toml")
    assert run(["report", golden, "--index", TINY, "--missing", "skip", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "A tiny index, id tiny" in text and "missing answers: skip" in text


def test_previous_round_and_advice_reach_the_report(tmp_path):
    """--previous adds a Progress section whose index change is progress()'s; the advice
    section lists the top changes, each gain as advise() gives it."""
    icc = icindex.load_definition("icc")
    now = icindex.read_responses(CITIES / "ansan.toml", icc)[0]
    then = icindex.CityResponse(
        "ansan", "Ansan", round="2016", answers={"commitment_dedicated_unit": "yes"}
    )
    earlier = tmp_path / "ansan-2016.csv"
    icindex.write_long_csv(earlier, [then])
    out = tmp_path / "r.md"
    assert run(["report", str(CITIES / "ansan.toml"), "--previous", str(earlier),
                "--top", "3", "--out", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "## Progress" in text and "## Advice" in text
    change = icindex.progress(icc, then, now).rows[0]["change"]
    assert f"{change:+.1f}" in text
    best = icindex.advise(icc, now).rows[0]
    assert best.question in text and f"{best.gain:+.1f}" in text


def test_the_documented_python_example_runs(tmp_path, monkeypatch):
    """The Python block of docs/compare-and-report.md's report section writes both files."""
    text = (REPO / "docs" / "compare-and-report.md").read_text(encoding="utf-8")
    section = text.split("## The city report", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    block = block.replace('"examples/cities"', repr(str(CITIES)))
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "docs/compare-and-report.md", "exec"), {})
    assert (tmp_path / "ansan.html").stat().st_size > 10_000
    assert list(tmp_path.glob("*-indicators-bars.svg"))


def test_a_synthetic_city_against_the_synthetic_sample_has_peers(tmp_path):
    """In the synthetic sample every city has a peer group: its report names the group, ranks
    the city among its peers (as compare() does) and carries the synthetic banner."""
    icc = icindex.load_definition("icc")
    cities = icindex.synthetic_sample(icc, 60, seed=4)
    sample_file = tmp_path / "sample.csv"
    icindex.write_wide_csv(sample_file, cities, icc)
    out = tmp_path / "r.html"
    assert run(["report", str(sample_file), "--city", "syn-007", "--sample", str(sample_file),
                "--out", str(out)]) == 0  # fmt: skip
    page = out.read_text(encoding="utf-8")
    sample = icindex.Sample.of(icc, icindex.read_responses(sample_file, icc))
    index = icindex.compare(sample, "syn-007").rows[0]
    group = sample.peer_groups[sample.row("syn-007")]
    assert group and group in page and "Synthetic sample." in page
    assert f"{index['peer_rank']:.0f} of {index['peers']}" in page


def test_the_summary_line_shows_the_name_escaped(tmp_path, capsys):
    """The one line `report` prints shows control characters in the city's name as escapes."""
    text = (CITIES / "ansan.toml").read_text(encoding="utf-8")
    evil = tmp_path / "evil.toml"
    evil.write_text(text.replace('name = "Ansan', 'name = "\\u001b[31mAnsan', 1), encoding="utf-8")
    out = tmp_path / "r.md"
    assert run(["report", str(evil), "--out", str(out)]) == 0
    assert (
        capsys.readouterr().out
        == f"{out}: report on \\x1b[31mAnsan (안산시) against a sample of 1 city\n"
    )
