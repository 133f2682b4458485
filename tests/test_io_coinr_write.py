"""write_coinr: COINr's iData and iMeta with safe text, exact numbers, written atomically."""

from __future__ import annotations

import csv
from pathlib import Path

import attrs
import numpy as np
import pytest

import icindex
from icindex._io import coinr_write
from icindex._io.dataset import Dataset

META = """Level,iCode,iName,Direction,Weight,Parent,Type
1,a,Indicator A,1,1,P,Indicator
1,b,Indicator B,-1,2,P,Indicator
2,P,Pillar,1,1,NA,Aggregate
"""
DATA = """uCode,uName,a,b
U1,Unit one,1,5
U2,Unit two,NA,3
"""


@pytest.fixture
def project(tmp_path: Path) -> tuple[icindex.Definition, Dataset]:
    """A hand-made project whose first unit is renamed like a formula, with noisy values."""
    (tmp_path / "idata.csv").write_text(DATA, encoding="utf-8")
    (tmp_path / "imeta.csv").write_text(META, encoding="utf-8")
    definition, data = icindex.read_coinr(tmp_path / "idata.csv", tmp_path / "imeta.csv")
    values = np.array([[0.1 + 0.2, 5.0], [np.nan, 100 / 3]])
    return definition, attrs.evolve(data, unit_names=("=1+1", "Unit two"), values=values)


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_idata_text_is_spreadsheet_safe_and_numbers_are_exact(project, tmp_path):
    """uName '=1+1' is written "'=1+1"; 0.1 + 0.2 and 100/3 with every digit, NaN as NA."""
    icindex.write_coinr(*project, tmp_path / "i.csv", tmp_path / "m.csv")
    header, first, second = rows(tmp_path / "i.csv")
    assert header == ["uName", "uCode", "a", "b"]
    assert first == ["'=1+1", "U1", "0.30000000000000004", "5"]
    assert second == ["Unit two", "U2", "NA", "33.333333333333336"]


def test_written_tables_read_back_exactly(project, tmp_path):
    """read_coinr of the written tables gives names and numbers as they were."""
    icindex.write_coinr(*project, tmp_path / "i.csv", tmp_path / "m.csv")
    _, again = icindex.read_coinr(tmp_path / "i.csv", tmp_path / "m.csv")
    assert again.values[0, 0] == 0.1 + 0.2 and again.values[1, 1] == 100 / 3
    assert again.unit_names[1] == "Unit two"


def test_a_missing_folder_is_an_output_error(project, tmp_path):
    """An iData path in a missing folder is an OutputError naming the folder."""
    with pytest.raises(icindex.OutputError, match=r"folder .*nowhere.* does not exist"):
        icindex.write_coinr(*project, tmp_path / "nowhere" / "i.csv", tmp_path / "m.csv")


def test_failing_midway_leaves_the_old_file_and_no_temporary(project, tmp_path, monkeypatch):
    """A cell failing in iMeta's second row leaves the older iMeta, no temporary, no iData."""
    (tmp_path / "m.csv").write_text("older\n", encoding="utf-8")
    text = coinr_write._text
    calls = []

    def failing(value: object) -> str:
        calls.append(value)
        if len(calls) > 12:
            raise RuntimeError("disk gone")
        return text(value)

    monkeypatch.setattr(coinr_write, "_text", failing)
    with pytest.raises(RuntimeError, match="disk gone"):
        icindex.write_coinr(*project, tmp_path / "i.csv", tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_text(encoding="utf-8") == "older\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idata.csv", "imeta.csv", "m.csv"]


def test_an_indicator_value_range_is_refused_not_dropped(project, tmp_path):
    """iMeta has no column for a value range: writing one would lose it, so it is refused."""
    definition, dataset = project
    ranged = attrs.evolve(
        definition,
        items=tuple(attrs.evolve(item, value_range=(0.0, 10.0)) for item in definition.items),
    )
    with pytest.raises(icindex.DefinitionError, match=r"has no value range \(value_range is \[0"):
        icindex.write_coinr(ranged, dataset, tmp_path / "i.csv", tmp_path / "m.csv")
    assert not (tmp_path / "i.csv").exists() and not (tmp_path / "m.csv").exists()
