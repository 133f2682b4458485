"""COINr interop: ASEM scored as COINr scores it, named errors, and write-then-read round trips.

The oracle is COINr's own output for its ASEM example (``coinr_minmax_amean.csv`` in
``tests/data/coinr-asem/``, copied from ``shared/peers/``; see its README): raw indicators,
direction applied, min-max onto [0, 100], weighted arithmetic means at every level. It is compared,
unit by unit (matched on ``uCode``) and column by column, within 1e-9.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import attrs
import pytest

import icindex
from icindex import read_coinr, score_composite, write_coinr
from icindex._cli.main import main

ASEM = Path(__file__).resolve().parent / "data" / "coinr-asem"  # copied from shared/peers
IDATA, IMETA, COINR = (
    ASEM / name for name in ("asem_idata.csv", "asem_imeta.csv", "coinr_minmax_amean.csv")
)
TOLERANCE = 1e-9


def coinr_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["uCode"]: row for row in csv.DictReader(handle)}


def largest_difference(
    found: dict[str, dict[str, str]], expected: dict[str, dict[str, str]]
) -> float:
    """The largest absolute difference over every unit and column; NA must match NA exactly."""
    assert sorted(found) == sorted(expected)
    worst = 0.0
    for unit, row in expected.items():
        assert sorted(found[unit]) == sorted(row), unit
        for column, text in row.items():
            if column == "uCode":
                continue
            mine = found[unit][column]
            if text == "NA":
                assert mine in ("", "NA"), (unit, column, mine)
                continue
            worst = max(worst, abs(float(mine) - float(text)))
    return worst


@pytest.fixture(scope="module")
def asem() -> tuple[icindex.Definition, icindex.Dataset]:
    return read_coinr(IDATA, IMETA)


def test_asem_structure_is_read(asem):
    """51 units, 49 indicators, 8 pillars, 2 sub-indices and the index; groups and denominators."""
    definition, data = asem
    assert data.values.shape == (51, 49) and len(definition.items) == 49
    assert definition.root == "Index" and len(definition.nodes) == 11
    assert data.group_ids == ("GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group")
    assert data.fact_ids == ("Area", "Energy", "GDP", "Population", "Time")
    assert definition.item("Tariff").direction == -1 and definition.item("LPI").target == 4.11803135


def test_asem_minmax_amean_matches_coinr(asem):
    """Every indicator and aggregate of every unit equals COINr's within 1e-9."""
    definition, data = asem
    scores = score_composite(
        definition, data, normalise=icindex.Normalisation("minmax"), aggregate="amean"
    )
    expected = coinr_rows(COINR)
    found = {
        unit: {
            "uCode": unit,
            **{
                c: repr(scores.get(unit, c)) if not math.isnan(scores.get(unit, c)) else "NA"
                for c in row
                if c != "uCode"
            },
        }
        for unit, row in expected.items()
    }
    assert largest_difference(found, expected) < TOLERANCE


def test_cli_csv_reproduces_coinr_file(tmp_path):
    """`icindex score --coinr ... --format csv` writes COINr's columns and numbers within 1e-9."""
    out = tmp_path / "asem.csv"
    argv = ["score", "--coinr", str(IDATA), str(IMETA), "--normalise", "minmax", "--range", "0,100"]
    assert main([*argv, "--aggregate", "amean", "--format", "csv", "--out", str(out)]) == 0
    found = coinr_rows(out)
    assert next(iter(out.read_text().splitlines())).startswith("uCode,LPI,")
    assert largest_difference(found, coinr_rows(COINR)) < TOLERANCE


def test_write_then_read_round_trips(asem, tmp_path):
    """Writing ASEM back as iData/iMeta and reading it gives the same definition and data."""
    definition, data = asem
    write_coinr(definition, data, tmp_path / "idata.csv", tmp_path / "imeta.csv")
    again, again_data = read_coinr(tmp_path / "idata.csv", tmp_path / "imeta.csv")
    assert attrs.evolve(again, source=definition.source) == definition
    assert again_data == data


def write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


META = """
Level,iCode,iName,Direction,Weight,Parent,Type
1,a,Indicator A,1,1,P,Indicator
1,b,Indicator B,-1,2,P,Indicator
2,P,Pillar,1,1,NA,Aggregate
NA,region,Region,NA,NA,NA,Group
NA,pop,Population,NA,NA,NA,Denominator
"""
DATA = """
uCode,uName,region,pop,a,b
U1,Unit one,north,10,1,5
U2,Unit two,south,20,NA,3
U3,Unit three,north,NA,4,1
"""


def small(tmp_path: Path, meta: str = META, data: str = DATA) -> tuple[Path, Path]:
    return write(tmp_path / "idata.csv", data), write(tmp_path / "imeta.csv", meta)


def test_small_project_is_read(tmp_path):
    """A hand-made project: its tree, groups, facts and values, NA missing."""
    definition, data = read_coinr(*small(tmp_path))
    assert [item.id for item in definition.items] == ["a", "b"] and definition.root == "P"
    assert definition.item("b").weight == 2.0 and definition.item("b").direction == -1
    assert data.unit_names == ("Unit one", "Unit two", "Unit three")
    assert data.group("region") == ("north", "south", "north")
    assert data.facts[:, 0].tolist()[:2] == [10.0, 20.0] and math.isnan(data.facts[2, 0])
    assert math.isnan(data.values[1, 0])


def test_small_project_scores_by_hand(tmp_path):
    """a: 1, -, 4 -> 0, -, 100; b (lower better): 5, 3, 1 -> 0, 50, 100; P = (a + 2b) / 3."""
    scores = score_composite(*read_coinr(*small(tmp_path)))
    assert scores.column("P").tolist() == [0.0, 50.0, 100.0]


def test_bad_direction_names_row_and_column(tmp_path):
    """A Direction of 2 is reported at its spreadsheet row (header = row 1) and column."""
    meta = META.replace("1,b,Indicator B,-1,2", "1,b,Indicator B,2,2")
    with pytest.raises(
        icindex.DefinitionError, match=r"row 3 \(iCode 'b'\), column 'Direction': must be 1 or -1"
    ):
        read_coinr(*small(tmp_path, meta=meta))


def test_every_imeta_problem_is_reported(tmp_path):
    """An unknown Type and a Parent naming nothing are both reported, each with its place."""
    meta = META.replace("1,a,Indicator A,1,1,P,Indicator", "1,a,Indicator A,1,1,Q,Indicator")
    meta = meta.replace(
        "NA,pop,Population,NA,NA,NA,Denominator", "NA,pop,Population,NA,NA,NA,Scaler"
    )
    with pytest.raises(icindex.DefinitionError) as caught:
        read_coinr(*small(tmp_path, meta=meta))
    problems = caught.value.problems
    assert any("row 6 (iCode 'pop'), column 'Type'" in p for p in problems)
    assert any("row 2 (iCode 'a'), column 'Parent': must name an Aggregate" in p for p in problems)


def test_unknown_imeta_column_is_an_error(tmp_path):
    """A column icindex cannot map is named, at the header row."""
    meta = "\n".join(line + ",x" for line in META.strip().splitlines())
    meta = meta.replace("Parent,Type,x", "Parent,Type,Source")
    with pytest.raises(icindex.DefinitionError, match=r"row 1 \(the header\), column 'Source'"):
        read_coinr(*small(tmp_path, meta=meta))


def test_parent_one_level_up(tmp_path):
    """An indicator whose parent is not exactly one level up is refused."""
    meta = META.replace("2,P,Pillar", "3,P,Pillar")
    with pytest.raises(
        icindex.DefinitionError, match=r"row 2 \(iCode 'a'\), column 'Parent': 'P' is at level 3"
    ):
        read_coinr(*small(tmp_path, meta=meta))


def test_text_in_indicator_column_names_row_unit_and_column(tmp_path):
    """A value that is not a number is reported with its row, its uCode and its column."""
    data = DATA.replace("U2,Unit two,south,20,NA,3", "U2,Unit two,south,20,many,3")
    with pytest.raises(
        icindex.ResponseError,
        match=r"row 3 \(uCode 'U2'\), column 'a': must be a number or NA \('many' is not a",
    ):
        read_coinr(*small(tmp_path, data=data))


def test_idata_column_missing_from_imeta(tmp_path):
    """An iData column iMeta does not describe is named."""
    data = DATA.replace("uCode,uName,region,pop,a,b", "uCode,uName,region,pop,a,c")
    with pytest.raises(icindex.ResponseError, match=r"column 'c': is no iCode of iMeta"):
        read_coinr(*small(tmp_path, data=data))


def test_repeated_unit_code(tmp_path):
    """A uCode used twice is named at its row."""
    data = DATA.replace("U3,Unit three", "U1,Unit three")
    with pytest.raises(icindex.ResponseError, match=r"row 4 \(uCode 'U1'\), column 'uCode'"):
        read_coinr(*small(tmp_path, data=data))


def test_small_project_round_trips(tmp_path):
    """write_coinr then read_coinr gives back the same definition and dataset."""
    definition, data = read_coinr(*small(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    write_coinr(definition, data, out / "idata.csv", out / "imeta.csv")
    again, again_data = read_coinr(out / "idata.csv", out / "imeta.csv")
    assert attrs.evolve(again, source=definition.source) == definition and again_data == data


def test_writer_refuses_what_coinr_cannot_record(tmp_path):
    """A geometric-mean node cannot be written to iMeta: the error names the node."""
    definition, data = read_coinr(*small(tmp_path))
    gmean = attrs.evolve(definition, nodes=(attrs.evolve(definition.nodes[0], method="gmean"),))
    with pytest.raises(
        icindex.DefinitionError, match=r"node 'P': COINr's iMeta has no aggregation method"
    ):
        write_coinr(gmean, data, tmp_path / "i.csv", tmp_path / "m.csv")


def test_missing_file_is_named(tmp_path):
    """A table that cannot be read is an icindex error naming the file."""
    idata, _ = small(tmp_path)
    with pytest.raises(icindex.DefinitionError, match=r"nothing\.csv: cannot be read"):
        read_coinr(idata, tmp_path / "nothing.csv")


def test_aggregate_without_weighted_children_names_its_row(tmp_path):
    """An Aggregate whose children all weigh zero is reported at its row, by the tree checker."""
    meta = META.replace("1,a,Indicator A,1,1,P", "1,a,Indicator A,1,0,P")
    meta = meta.replace("1,b,Indicator B,-1,2,P", "1,b,Indicator B,-1,0,P")
    with pytest.raises(
        icindex.DefinitionError,
        match=r"row 4 \(iCode 'P'\), column 'iCode': an Aggregate needs a child of positive weight",
    ):
        read_coinr(*small(tmp_path, meta=meta))


@pytest.mark.parametrize(
    ("table", "old", "new", "column", "positions"),
    [
        ("data", "uCode,uName,region,pop,a,b", "uCode,uName,region,pop,a,a", "a", "5 and 6"),
        ("data", "uCode,uName,region,pop,a,b", "uCode,uName,region,uCode,a,b", "uCode", "1 and 4"),
        ("meta", "Direction,Weight,Parent", "Direction,Weight,Weight", "Weight", "5 and 6"),
    ],
)
def test_a_column_named_twice_is_an_error(tmp_path, table, old, new, column, positions):
    """A repeated column names the file, the column and both positions; no copy silently wins."""
    data, meta = (
        (DATA.replace(old, new), META) if table == "data" else (DATA, META.replace(old, new))
    )
    error = icindex.ResponseError if table == "data" else icindex.DefinitionError
    with pytest.raises(error) as caught:
        read_coinr(*small(tmp_path, meta=meta, data=data))
    message = str(caught.value)
    assert f"i{table}.csv: line 1 (the header): column {column!r} is named twice" in message
    assert f"columns {positions}" in message


def test_a_row_with_an_extra_cell_names_its_line(tmp_path):
    """A row with more cells than the header is refused at its line, not cut short."""
    data = DATA.replace("U2,Unit two,south,20,NA,3", "U2,Unit two,south,20,NA,3,9")
    with pytest.raises(icindex.ResponseError, match=r"idata\.csv: line 3: has 7 cells, the header"):
        read_coinr(*small(tmp_path, data=data))


def test_numbers_follow_the_one_grammar(tmp_path):
    """A decimal comma is refused with the hint to write a dot; ' 2.5e0 ' is read as 2.5."""
    bad = DATA.replace("U1,Unit one,north,10,1,5", 'U1,Unit one,north,10,"1,5",5')
    with pytest.raises(
        icindex.ResponseError, match=r"column 'a': .*write decimals with a dot \(1\.5\)"
    ):
        read_coinr(*small(tmp_path, data=bad))
    good = DATA.replace("U1,Unit one,north,10,1,5", "U1,Unit one,north,10, 2.5e0 ,5")
    assert read_coinr(*small(tmp_path, data=good))[1].values[0, 0] == 2.5


def test_a_byte_order_mark_is_skipped_and_latin1_is_named(tmp_path):
    """A UTF-8 BOM (Excel's 'CSV UTF-8') reads as without; latin-1 bytes name line and column
    (the byte after "U2,Unit tw" is the 11th character)."""
    idata, imeta = small(tmp_path)
    imeta.write_bytes(b"\xef\xbb\xbf" + imeta.read_bytes())
    assert [item.id for item in read_coinr(idata, imeta)[0].items] == ["a", "b"]
    idata.write_bytes(DATA.strip().replace("Unit two", "Unit tw\xf6").encode("latin-1"))
    with pytest.raises(icindex.ResponseError, match=r"idata\.csv: line 3, column 11: byte 0xf6"):
        read_coinr(idata, imeta)


def test_spreadsheet_safe_text_is_read_back(tmp_path):
    """A name written as '=SUM(1) (the writer's guard against formulas) reads as =SUM(1)."""
    data = DATA.replace("U1,Unit one", "U1,'=SUM(1)").replace("north,10,1", "'-north,10,1", 1)
    _, dataset = read_coinr(*small(tmp_path, data=data))
    assert dataset.unit_names[0] == "=SUM(1)" and dataset.group("region")[0] == "-north"


def test_a_device_is_refused_without_reading(tmp_path):
    """/dev/zero as iMeta is refused as not a regular file (it would never end)."""
    idata, _ = small(tmp_path)
    with pytest.raises(icindex.DefinitionError, match="/dev/zero: not a regular file"):
        read_coinr(idata, "/dev/zero")


def test_coinr_facts_and_indicators_have_no_value_range(tmp_path):
    """iMeta holds no ranges: every fact and indicator read from COINr has value_range None."""
    definition, _ = read_coinr(*small(tmp_path))
    assert {fact.id: fact.value_range for fact in definition.facts} == {
        "region": None,
        "pop": None,
    }
    assert [item.value_range for item in definition.items] == [None, None]


@pytest.mark.parametrize("depth", [500, 10_000])
def test_a_deep_chain_is_read_from_imeta(tmp_path, depth):
    """An iMeta chain of 500 or 10,000 Aggregates over two indicators is read without recursion
    and scores as the small project: the chain passes P's scores up unchanged (one child each)."""
    rows = ["Level,iCode,iName,Direction,Weight,Parent,Type"]
    rows += ["1,a,Indicator A,1,1,n1,Indicator", "1,b,Indicator B,-1,2,n1,Indicator"]
    rows += [f"{k + 1},n{k},N{k},1,1,n{k + 1},Aggregate" for k in range(1, depth)]
    rows += [f"{depth + 1},n{depth},N{depth},1,1,NA,Aggregate"]
    rows += ["NA,region,Region,NA,NA,NA,Group", "NA,pop,Population,NA,NA,NA,Denominator"]
    definition, data = read_coinr(*small(tmp_path, meta="\n".join(rows)))
    assert definition.root == f"n{depth}" and len(definition.nodes) == depth
    scores = score_composite(definition, data)
    assert scores.column(f"n{depth}").tolist() == [0.0, 50.0, 100.0]


def test_a_deep_chain_goes_to_coinr_and_back(tmp_path):
    """A 10,000-node chain written to iData/iMeta reads back with the same nodes, items and
    scores (0, 50, 100 as in the small project)."""
    depth = 10_000
    nodes = (
        icindex.Node("n0", "N0"),
        *(icindex.Node(f"n{k}", f"N{k}", f"n{k - 1}") for k in range(1, depth)),
    )
    _, data = read_coinr(*small(tmp_path))
    items = (
        icindex.Item("a", f"n{depth - 1}", "indicator", "Indicator A"),
        icindex.Item("b", f"n{depth - 1}", "indicator", "Indicator B", weight=2.0, direction=-1),
    )
    chain = icindex.Definition("n0", "N0", "n0", nodes, items)
    out = tmp_path / "out"
    out.mkdir()
    write_coinr(chain, data, out / "idata.csv", out / "imeta.csv")
    again, again_data = read_coinr(out / "idata.csv", out / "imeta.csv")
    assert set(again.nodes) == set(chain.nodes) and again.items == chain.items
    assert again_data == data
    assert score_composite(again, again_data).column("n0").tolist() == [0.0, 50.0, 100.0]
