"""``icindex uncertainty`` and ``icindex sensitivity``: the inputs of ``score``, plus factors.

Both read answers (``RESPONSES`` with ``--index``) or a COINr project (``--coinr IDATA IMETA``)
with the same options as ``score``; the factors come from ``--weights-noise``, ``--dirichlet``,
``--aggregate``, ``--missing-policies``, ``--normalisers`` and ``--leave-out``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._analysis.factors import (
    Aggregation,
    DirichletWeights,
    Factor,
    LeaveOneOut,
    MissingPolicy,
    Normaliser,
    WeightNoise,
)
from .._analysis.sensitivity import sensitivity
from .._engine.impute import GROUP_METHODS, IMPUTE_METHODS
from .._engine.plan import Plan, compile
from .._errors import ScoringError, UsageError
from .._files import parse_number, visible
from .._io.coinr import read_coinr
from .._io.responses import read_responses
from .._model.definition import NORMALISE_METHODS
from .._model.loader import load_definition
from . import composite, scale
from .arguments import add_format, nonnegative_int, positive_float, positive_int, positive_ints
from .output import write_text

__all__ = ["COMMANDS", "add_parsers", "check", "write_rows"]

ANALYSIS_FORMATS = ("csv", "json", "table")


def _noise(text: str) -> dict[int, float]:
    pairs: dict[int, float] = {}
    for part in text.split(","):
        level, _, width = part.partition("=")
        try:
            key, half_width = positive_int(level), parse_number(width)
        except (ValueError, argparse.ArgumentTypeError):
            raise argparse.ArgumentTypeError(
                f"expected LEVEL=F[,LEVEL=F], e.g. 2=0.25 (got {part!r})"
            ) from None
        if not 0.0 <= half_width <= 1.0:
            raise argparse.ArgumentTypeError(f"expected F from 0 to 1 in LEVEL=F (got {part!r})")
        pairs[key] = half_width
    return pairs


def _dirichlet(text: str) -> tuple[int, float]:
    level, _, concentration = text.partition(":")
    try:
        return positive_int(level), positive_float(concentration or "1")
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected LEVEL[:CONCENTRATION], a level >= 1 and C > 0, e.g. 2:5 (got {text!r})"
        ) from None


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"expected one or more distinct names separated by commas (got {text!r})"
        )
    return names


def add_factors(parser: argparse.ArgumentParser) -> None:
    """The factor options shared by ``uncertainty`` and ``sensitivity``."""
    group = parser.add_argument_group("uncertainty factors (docs/uncertainty.md)")
    add = group.add_argument
    add(
        "--weights-noise",
        type=_noise,
        metavar="LEVEL=F[,LEVEL=F]",
        help="each weight at LEVEL (1 = indicators/items) times U[1-F, 1+F]",
    )
    add(
        "--dirichlet",
        type=_dirichlet,
        metavar="LEVEL[:C]",
        help="weights at LEVEL drawn from a Dirichlet centred on them (concentration C)",
    )
    add(
        "--aggregate",
        type=_names,
        metavar="M1,M2,...",
        help="a choice of aggregators: amean, gmean, hmean, genmean:P (first is nominal)",
    )
    add(
        "--aggregate-levels",
        type=positive_ints,
        metavar="L[,L]",
        help="the levels whose nodes --aggregate changes (default: all)",
    )
    add(
        "--missing-policies",
        type=_names,
        metavar="P1,P2,...",
        help="answers: skip, zero; --coinr: skip, mean, median, group_mean:GROUP, ...",
    )
    add(
        "--normalisers",
        type=_names,
        metavar="N1,N2,...",
        help="--coinr: a choice of normalisers, e.g. minmax,zscore",
    )
    add(
        "--leave-out",
        type=positive_int,
        metavar="LEVEL",
        help="leave out one entry of LEVEL at a time",
    )
    add("--target", metavar="ID", help="the aggregate analysed (default: the index)")
    add("--seed", type=nonnegative_int, metavar="S", help="random seed (default: fresh entropy)")
    add_format(parser, ANALYSIS_FORMATS, "csv")


def _missing(choices: tuple[str, ...]) -> MissingPolicy:
    groups = {c.partition(":")[2] for c in choices if ":" in c}
    if len(groups) > 1:
        raise UsageError(f"--missing-policies: one group for all (got {sorted(groups)})")
    policies = tuple(c.partition(":")[0] for c in choices)
    return MissingPolicy(policies, group=groups.pop() if groups else None)


def factors_of(args: argparse.Namespace) -> list[Factor]:
    """The factors the options ask for, in a fixed order; UsageError if there are none."""
    factors: list[Factor] = []
    if args.weights_noise:
        factors.append(WeightNoise(args.weights_noise))
    if args.dirichlet:
        factors.append(DirichletWeights(args.dirichlet[0], args.dirichlet[1]))
    if args.aggregate:
        factors.append(Aggregation(args.aggregate, levels=args.aggregate_levels))
    if args.missing_policies:
        factors.append(_missing(args.missing_policies))
    if args.normalisers:
        factors.append(Normaliser(args.normalisers))
    if args.leave_out is not None:
        factors.append(LeaveOneOut(level=args.leave_out))
    if not factors:
        raise UsageError(
            "give one or more factors (--weights-noise, --dirichlet, "
            "--aggregate, --missing-policies, --normalisers, --leave-out)"
        )
    return factors


def check(args: argparse.Namespace) -> None:
    """UsageError for options that cannot work, before any file is read: the inputs' options
    (as ``score``'s), no factor, or factor choices that do not fit answers or ``--coinr``."""
    composite.check(args, aggregate=False)
    scale.check_backend(args)
    composite_index = args.coinr is not None
    kind = "composite indices" if composite_index else "questionnaires"
    if args.missing_policies:
        allowed = ("skip", *IMPUTE_METHODS[1:]) if composite_index else ("skip", "zero")
        for choice in args.missing_policies:
            method, _, group = choice.partition(":")
            if method not in allowed or (method in GROUP_METHODS) != bool(group):
                raise UsageError(
                    f"--missing-policies: for {kind}, choices are {list(allowed)} "
                    f"(group_mean and group_median as group_mean:GROUP) (got {choice!r})"
                )
    if args.normalisers and not composite_index:
        raise UsageError("--normalisers: normalisers are for composite indices (--coinr)")
    for method in args.normalisers or ():
        if method not in NORMALISE_METHODS:
            raise UsageError(f"--normalisers: expected {list(NORMALISE_METHODS)} (got {method!r})")
    if args.aggregate_levels and not args.aggregate:
        raise UsageError("--aggregate-levels: expected --aggregate with it")
    try:
        factors_of(args)
    except ScoringError as error:  # the factors check their own settings
        raise UsageError(str(error)) from None


def analysis_inputs(args: argparse.Namespace) -> tuple[Plan, Any]:
    """The base plan and the units, from answers or from ``--coinr``, as ``score`` reads them."""
    if args.coinr is None:
        composite.check_without_coinr(args, aggregate=False)
        definition = load_definition(args.index)
        cities = read_responses(args.responses, definition)
        return compile(definition, missing=args.missing, min_coverage=args.min_coverage), cities
    composite.check_coinr(args)
    definition, dataset = read_coinr(*args.coinr)
    impute, group = args.impute
    plan = compile(
        definition,
        normalise=composite.normalisation(args),
        impute=impute,
        impute_group=group,
        min_coverage=args.min_coverage,
        min_availability=args.min_availability,
        shift=args.shift,
    )
    return plan, dataset


def _cell(value: object, format: str) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None if format == "json" else ""
    return value if format == "json" or not isinstance(value, float) else repr(value)


def write_rows(rows: Sequence[dict[str, object]], format: str, out: Path | None) -> str:
    """Rows as CSV (floats with ``repr``, NaN empty), JSON (NaN null) or an aligned table."""
    columns = list(rows[0]) if rows else []
    if format == "json":
        data = [{k: _cell(v, format) for k, v in row.items()} for row in rows]
        text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    elif format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(row[c], format) for c in columns] for row in rows])
        text = buffer.getvalue()
    else:
        cells = [[_short(row[c]) for c in columns] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        lines = [[c.ljust(w) for c, w in zip(columns, widths, strict=True)]]
        lines += [[x.rjust(w) for x, w in zip(r, widths, strict=True)] for r in cells]
        text = "\n".join("  ".join(line).rstrip() for line in lines)
    text = text if text.endswith("\n") else text + "\n"
    if out is not None:
        write_text(out, text)
    return text


def _short(value: object) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.4g}"
    return visible(str(value))


def add_parsers(commands: Any, inputs: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``uncertainty`` and ``sensitivity``; ``inputs`` adds the options ``score`` reads."""
    run = commands.add_parser("uncertainty", help="how ranks move under uncertain choices")
    run.description = (
        "Re-score the units under random draws of the factors (weights, aggregators, missing "
        "policies, normalisers, left-out entries); one row per unit: nominal rank and the "
        "mean, median, 5 % and 95 % quantile of its rank, then scores and top-k odds."
    )
    inputs(run)
    add_factors(run)
    run.add_argument(
        "--reps", type=positive_int, default=1000, metavar="N", help="replications (1000)"
    )
    run.add_argument(
        "--top",
        type=positive_ints,
        default=(1, 3, 10),
        metavar="K[,K]",
        help="report the probability of a rank <= K (default 1,3,10)",
    )
    run.add_argument(
        "--parameters",
        type=Path,
        metavar="FILE",
        help="also write every replication's choices and weights to FILE (CSV)",
    )
    run.add_argument("--plot", type=Path, metavar="FILE", help="rank bands (PNG/SVG, matplotlib)")
    scale.add_backend_options(run)

    sens = commands.add_parser("sensitivity", help="Sobol indices of the factors")
    sens.description = (
        "Sobol' first-order (S1) and total (ST) indices of each factor for the mean absolute "
        "rank shift, with bootstrap confidence intervals (docs/uncertainty.md)."
    )
    inputs(sens)
    add_factors(sens)
    sens.add_argument(
        "--base-samples",
        type=positive_int,
        default=1024,
        metavar="N",
        help="base samples N; N * (factors + 2) re-scorings (default 1024)",
    )
    sens.add_argument(
        "--boot",
        type=positive_int,
        default=1000,
        metavar="B",
        help="bootstrap resamples (default 1000)",
    )
    sens.add_argument(
        "--per-unit",
        action="store_true",
        help="indices of each unit's score: rows unit,factor,S1,S1_conf,ST,ST_conf",
    )
    sens.add_argument("--plot", type=Path, metavar="FILE", help="S1/ST bars (PNG/SVG)")


def _uncertainty(args: argparse.Namespace) -> int:
    plan, units = analysis_inputs(args)
    result = scale.uncertainty_with_backend(args, plan, units, factors_of(args))
    _emit(write_rows(result.rows(), args.format, args.out), args.out)
    if args.parameters is not None:
        write_rows(result.parameters(), "csv", args.parameters)
    if args.plot is not None:
        from .._analysis.plots import plot_uncertainty

        plot_uncertainty(result).savefig(args.plot)
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    plan, units = analysis_inputs(args)
    result = sensitivity(
        plan,
        units,
        factors_of(args),
        n_base=args.base_samples,
        seed=args.seed,
        n_boot=args.boot,
        target=args.target,
    )
    rows = result.scores.rows() if args.per_unit else result.rows()
    if args.per_unit:
        rows = [{"unit": row.pop("output"), **row} for row in rows]
    _emit(write_rows(rows, args.format, args.out), args.out)
    if args.plot is not None:
        from .._analysis.plots import plot_sensitivity

        plot_sensitivity(result).savefig(args.plot)
    return 0


def _emit(text: str, out: Path | None) -> None:
    """``text`` to standard output, unless :func:`write_rows` wrote it to ``out``."""
    if out is None:
        sys.stdout.write(text)


COMMANDS = {"uncertainty": _uncertainty, "sensitivity": _sensitivity}
