"""`icindex score --coinr`: options, output layout, and one-line errors with exit status 1."""

from __future__ import annotations

import csv
import io
import statistics

import pytest

from icindex._cli.main import main
from tests.cli import usage_error
from tests.test_io_coinr import META, small

DATA = """
uCode,uName,region,pop,a,b
U1,Unit one,north,10,1,5
U2,Unit two,south,20,NA,3
U3,Unit three,north,NA,4,1
U4,Unit four,south,5,2,0
"""


def run(capsys, tmp_path, *options: str, data: str = DATA) -> tuple[int, str, str]:
    idata, imeta = small(tmp_path, META, data)
    status = main(["score", "--coinr", str(idata), str(imeta), *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def table(text: str) -> dict[str, dict[str, str]]:
    return {row["uCode"]: row for row in csv.DictReader(io.StringIO(text))}


def test_csv_has_ucode_then_indicators_and_aggregates(capsys, tmp_path):
    """The csv layout: uCode first, then every normalised indicator and every aggregate."""
    status, out, _ = run(capsys, tmp_path, "--format", "csv")
    assert status == 0
    assert out.splitlines()[0] == "uCode,a,b,P"
    assert table(out)["U1"]["a"] == "0" and table(out)["U2"]["a"] == ""


def test_zscore_options_set_mean_and_sd(capsys, tmp_path):
    """--normalise zscore --mean 50 --sd 10: each indicator's known values have that mean and sd."""
    status, out, _ = run(
        capsys, tmp_path, "--normalise", "zscore", "--mean", "50", "--sd", "10", "--format", "csv"
    )
    values = [float(row["b"]) for row in table(out).values()]
    assert status == 0
    assert statistics.mean(values) == pytest.approx(50) and statistics.stdev(
        values
    ) == pytest.approx(10)


def test_range_option(capsys, tmp_path):
    """--range 1,11 on b (5, 3, 1, 0, lower is better): fractions 0, 2/5, 4/5, 1 -> 1, 5, 9, 11."""
    _, out, _ = run(capsys, tmp_path, "--range", "1,11", "--format", "csv")
    assert [float(row["b"]) for row in table(out).values()] == [1.0, 5.0, 9.0, 11.0]


def test_impute_flags_and_reports(capsys, tmp_path):
    """--impute mean fills U2's a, adds flag columns and says on stderr how many it filled."""
    status, out, err = run(capsys, tmp_path, "--impute", "mean", "--format", "csv")
    assert status == 0 and "imputed 1 of 8 indicator values (mean)" in err
    assert table(out)["U2"]["a:imputed"] == "1" and table(out)["U1"]["a:imputed"] == "0"


def test_group_imputation_names_its_group(capsys, tmp_path):
    """--impute group_mean:region fills U2's a from the other south unit, U4 (a = 2)."""
    status, out, _ = run(
        capsys, tmp_path, "--impute", "group_mean:region", "--normalise", "none", "--format", "csv"
    )
    assert status == 0 and table(out)["U2"]["a"] == "2"


def test_geometric_mean_of_zero_is_one_line_exit_one(capsys, tmp_path):
    """--aggregate gmean over a min-max 0 fails with one line naming the node."""
    status, out, err = run(capsys, tmp_path, "--aggregate", "gmean")
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "node 'P' aggregates with gmean" in err


def test_shift_makes_the_geometric_mean_possible(capsys, tmp_path):
    """--aggregate gmean --shift 1 scores every unit."""
    status, out, _ = run(
        capsys, tmp_path, "--aggregate", "gmean", "--shift", "1", "--format", "csv"
    )
    assert status == 0 and all(row["P"] for row in table(out).values())


def test_genmean_power_is_parsed(capsys, tmp_path):
    """--aggregate genmean:2 is accepted; genmean without a power is a usage error (exit 2)."""
    assert run(capsys, tmp_path, "--aggregate", "genmean:2")[0] == 0
    with pytest.raises(SystemExit) as caught:
        run(capsys, tmp_path, "--aggregate", "genmean")
    assert caught.value.code == 2


def test_option_for_another_normaliser_is_a_usage_error(capsys, tmp_path):
    """--mean applies to zscore only: with the default minmax it is a usage error (exit 2)."""
    message = usage_error(capsys, ["score", "--coinr", "i.csv", "m.csv", "--mean", "3"])
    assert message == "--mean does not apply to minmax"


def test_neither_responses_nor_coinr(capsys):
    """`score` with nothing to score is a usage error saying what to give."""
    message = usage_error(capsys, ["score"])
    assert message == "give RESPONSES (files or folders) or --coinr IDATA IMETA"


def test_composite_options_need_coinr(capsys, tmp_path):
    """--normalise without --coinr is refused (exit 2) rather than ignored."""
    message = usage_error(capsys, ["score", str(tmp_path / "x.toml"), "--normalise", "zscore"])
    assert message == "--normalise: these options need --coinr (composite indices)"


def test_unreadable_project_is_one_line(capsys, tmp_path):
    """A COINr table that does not exist is one line naming the file."""
    assert main(["score", "--coinr", str(tmp_path / "no.csv"), str(tmp_path / "none.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.csv: cannot be read" in err


def test_index_option_does_not_mix_with_coinr(capsys, tmp_path):
    """--index names a definition for answers; with --coinr it is a usage error, not ignored."""
    message = usage_error(capsys, ["score", "--coinr", "i.csv", "m.csv", "--index", "other"])
    assert message == "--index is for answers; --coinr brings its own definition"
