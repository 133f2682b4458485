"""`icindex uncertainty` and `icindex sensitivity`: columns, agreement with the API, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

import icindex
from icindex._cli.main import main
from tests.cli import usage_error

ASEM = Path(__file__).resolve().parent / "data" / "coinr-asem"
COINR = ["--coinr", str(ASEM / "asem_idata.csv"), str(ASEM / "asem_imeta.csv")]
CITIES = str(Path(__file__).resolve().parents[1] / "examples" / "cities")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_uncertainty_csv_starts_with_the_documented_columns(capsys):
    """One row per unit; the first columns are unit and the five rank columns."""
    status = main(
        ["uncertainty", *COINR, "--range", "1,100", "--weights-noise", "2=0.25",
         "--aggregate", "amean,gmean", "--reps", "50", "--seed", "3", "--format", "csv"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    header = out.splitlines()[0].split(",")
    assert header[:6] == [
        "unit",
        "nominal_rank",
        "mean_rank",
        "median_rank",
        "q05_rank",
        "q95_rank",
    ]
    assert len(rows(out)) == 51


def test_uncertainty_output_equals_the_python_api(capsys, tmp_path):
    """The CLI's mean ranks are the API's for the same inputs, factors and seed."""
    out = tmp_path / "u.csv"
    main(
        ["uncertainty", *COINR, "--range", "1,100", "--weights-noise", "2=0.25,3=0.1",
         "--aggregate", "amean,gmean", "--reps", "40", "--seed", "8", "--out", str(out)]
    )  # fmt: skip
    definition, data = icindex.read_coinr(ASEM / "asem_idata.csv", ASEM / "asem_imeta.csv")
    plan = icindex.compile(definition, normalise=icindex.Normalisation("minmax", range=(1, 100)))
    factors = [icindex.WeightNoise({2: 0.25, 3: 0.1}), icindex.Aggregation(("amean", "gmean"))]
    result = icindex.uncertainty(plan, data, factors, reps=40, seed=8)
    written = {row["unit"]: float(row["mean_rank"]) for row in rows(out.read_text())}
    expected = dict(zip(result.unit_ids.tolist(), result.summary()["mean_rank"], strict=True))
    assert written == pytest.approx(expected, rel=1e-15)


def test_uncertainty_writes_every_replications_parameters(capsys, tmp_path):
    """--parameters: one row per replication, its aggregator and every weight."""
    parameters = tmp_path / "p.csv"
    status = main(
        ["uncertainty", CITIES, "--weights-noise", "2=0.5", "--aggregate", "amean,hmean",
         "--aggregate-levels", "3", "--reps", "25", "--seed", "1",
         "--parameters", str(parameters)]
    )  # fmt: skip
    assert status == 0
    table = rows(parameters.read_text())
    assert len(table) == 25
    assert {row["aggregation"] for row in table} <= {"amean", "hmean"}
    assert 0.5 <= float(table[0]["weight:education"]) <= 1.5


def test_sensitivity_writes_one_row_per_factor(capsys):
    """factor,S1,S1_conf,ST,ST_conf for the rank shift, one row per factor."""
    status = main(
        ["sensitivity", *COINR, "--range", "1,100", "--weights-noise", "2=0.25",
         "--aggregate", "amean,gmean", "--base-samples", "128", "--boot", "50", "--seed", "2"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "factor,S1,S1_conf,ST,ST_conf"
    table = rows(out)
    assert [row["factor"] for row in table] == ["weights", "aggregation"]
    assert all(np.isfinite(float(row["ST"])) for row in table)


def test_sensitivity_per_unit_names_each_unit(capsys):
    """--per-unit: rows unit,factor,S1,S1_conf,ST,ST_conf for every unit and factor."""
    status = main(
        ["sensitivity", CITIES, "--weights-noise", "2=0.25", "--leave-out", "2",
         "--base-samples", "64", "--boot", "20", "--seed", "2", "--per-unit"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[0] == "unit,factor,S1,S1_conf,ST,ST_conf"
    assert len(rows(out)) == 3 * 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([*COINR, "--aggregate", "amean,gmean"], "gmean, which needs children > 0"),
        ([CITIES, "--weights-noise", "7=0.1"], "level 7"),
    ],
)
def test_mistakes_in_the_inputs_print_one_line_and_exit_1(capsys, options, message):
    """An analysis the data cannot take prints one error line naming the problem, exit 1."""
    # 64 replications: the gmean choice is drawn in all but 2**-64 of seeds.
    status = main(["uncertainty", *options, "--reps", "64", "--seed", "1"])
    err = capsys.readouterr().err
    assert status == 1 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([CITIES], "give one or more factors"),
        ([CITIES, "--normalisers", "minmax,zscore"], "composite indices (--coinr)"),
        ([*COINR, "--missing-policies", "skip,zero"], "choices are"),
        ([CITIES, "--missing-policies", "skip,mean"], "for questionnaires, choices are"),
        ([*COINR, "--normalisers", "minmax,cube"], "--normalisers: expected"),
        ([CITIES, "--aggregate", "amean,median"], "expected amean, gmean, hmean or genmean:P"),
        ([CITIES, "--aggregate-levels", "2", "--leave-out", "2"], "expected --aggregate"),
        ([CITIES, "--leave-out", "0"], "expected a whole number >= 1"),
        ([CITIES, "--leave-out", "2", "--reps", "0"], "expected a whole number >= 1"),
        ([CITIES, "--leave-out", "2", "--seed", "-1"], "expected a whole number >= 0"),
        ([CITIES, "--leave-out", "2", "--top", "1,0"], "whole numbers >= 1"),
        ([CITIES, "--weights-noise", "2=1.5"], "F from 0 to 1"),
        ([CITIES, "--dirichlet", "2:0"], "C > 0"),
        ([CITIES, "--leave-out", "2", "--min-coverage", "2"], "a share from 0 to 1"),
        ([CITIES, "--leave-out", "2", "--scheduler", "tcp://x:1"], "--backend dask"),
    ],
)
def test_option_mistakes_are_usage_errors(capsys, options, message):
    """Options that cannot work (values or combinations) exit 2 before any file is read."""
    assert message in usage_error(capsys, ["uncertainty", *options])


def test_sensitivity_options_are_checked_too(capsys):
    """`sensitivity` refuses a bad --base-samples and a missing factor with exit 2."""
    assert "whole number >= 1" in usage_error(
        capsys, ["sensitivity", CITIES, "--leave-out", "2", "--base-samples", "0"]
    )
    assert "give one or more factors" in usage_error(capsys, ["sensitivity", CITIES])


def test_a_bad_noise_option_is_a_usage_error(capsys):
    """--weights-noise needs LEVEL=F pairs; anything else exits 2 (argparse)."""
    with pytest.raises(SystemExit) as stop:
        main(["uncertainty", CITIES, "--weights-noise", "two=0.1"])
    assert stop.value.code == 2 and "LEVEL=F" in capsys.readouterr().err
