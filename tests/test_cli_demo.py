"""`icindex demo`: coverage and bounds lead, every line fits 80 columns."""

from __future__ import annotations

import re

from icindex._cli.main import main
from icindex._files import terminal_width as width

CELL = re.compile(r"(\d+)%\s+(\d+\.\d|n/a) \[(\d+\.\d)–(\d+\.\d)\]$")


def test_demo_leads_with_coverage_and_bounds(capsys):
    """Each example city's first line: coverage, then score [lowest–highest], lo <= score <= hi."""
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines.index("city                     coverage  index [lowest–highest]")
    assert any("coverage" in line and "answered" in line for line in lines[:header])
    for name, line in zip(("Ansan", "Gwangjin-gu", "Sejong"), lines[header + 1 :], strict=False):
        assert line.startswith(name)
        coverage, score, low, high = CELL.search(line).groups()
        assert 0 <= int(coverage) <= 100 and float(low) <= float(score) <= float(high)
    assert any(line.startswith("Low coverage makes a score uncertain.") for line in lines)


def test_demo_fits_80_columns(capsys):
    """No line of the demo is wider than 80 terminal columns (Korean characters count 2)."""
    assert main(["demo"]) == 0
    assert max(width(line) for line in capsys.readouterr().out.splitlines()) <= 80


def test_demo_names_the_synthetic_sample(capsys):
    """The sample the example cities are ranked in is labelled SYNTHETIC."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC sample of 140 cities" in out and "rank" in out


def test_width_counts_wide_characters_twice():
    """Hangul syllables take two columns, Latin letters one."""
    assert width("Ansan (안산시)") == 8 + 6
