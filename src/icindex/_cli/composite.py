"""The composite-index options of ``icindex score``: ``--coinr IDATA IMETA`` and its pipeline.

Kept apart from :mod:`icindex._cli` so that the ICC commands read as they did; ``_cli`` adds
these options to ``score`` and hands over when ``--coinr`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .._engine.impute import GROUP_METHODS, IMPUTE_METHODS
from .._engine.score import score_composite
from .._errors import UsageError
from .._files import parse_number
from .._io.coinr import read_coinr
from .._model.definition import (
    AGGREGATION_METHODS,
    NORMALISE_METHODS,
    NORMALISE_PARAMETERS,
    Normalisation,
)
from .._results.scores import Scores
from .arguments import ascending_pair, finite_float, positive_float, share

__all__ = [
    "COINR_FORMATS",
    "add_options",
    "check",
    "check_coinr",
    "check_without_coinr",
    "normalisation",
    "score_coinr",
]

# --format NAME -> the exporter used with --coinr, where COINr has a layout of its own.
COINR_FORMATS = {"csv": "coinr-csv"}

# Option (argparse dest) -> the normaliser parameters it sets.
_PARAMETER_OPTIONS = {
    "range": ("range",),
    "mean": ("mean",),
    "sd": ("sd",),
    "bounds": ("low", "high"),
    "no_truncate": ("truncate",),
    "cap": ("cap",),
}
_PIPELINE_OPTIONS = (*_PARAMETER_OPTIONS, "normalise", "aggregate", "impute", "shift")


def _aggregation(text: str) -> tuple[str, float | None]:
    method, _, power = text.partition(":")
    if method not in AGGREGATION_METHODS or (method == "genmean") != bool(power):
        raise argparse.ArgumentTypeError(
            f"expected amean, gmean, hmean or genmean:P (got {text!r})"
        )
    try:
        return method, parse_number(power) if power else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"genmean:P needs a number P (got {power!r})") from None


def _imputation(text: str) -> tuple[str, str | None]:
    method, _, group = text.partition(":")
    if method not in IMPUTE_METHODS or (method in GROUP_METHODS) != bool(group):
        raise argparse.ArgumentTypeError(
            f"expected none, mean, median, group_mean:GROUP or group_median:GROUP (got {text!r})"
        )
    return method, group or None


def add_options(parser: argparse.ArgumentParser, aggregate: bool = True) -> None:
    """Add ``--coinr`` and the normalisation, aggregation and imputation options (without
    ``--aggregate`` when ``aggregate`` is False: the analyses take a list of methods)."""
    group = parser.add_argument_group(
        "composite indices of numeric indicators (see docs/composite.md)"
    )
    add = group.add_argument
    add("--coinr", nargs=2, type=Path, metavar=("IDATA", "IMETA"), help="a COINr project's tables")
    add("--normalise", choices=NORMALISE_METHODS, help="normaliser (default: minmax)")
    add("--range", type=ascending_pair, metavar="LO,HI", help="output range (default 0,100)")
    add("--mean", type=finite_float, metavar="M", help="zscore: the mean (default 0)")
    add("--sd", type=positive_float, metavar="S", help="zscore: the standard deviation (default 1)")
    add(
        "--bounds",
        type=ascending_pair,
        metavar="LOW,HIGH",
        help="goalposts/fixed: bounds, raw scale",
    )
    add("--no-truncate", action="store_true", help="goalposts: keep values beyond the bounds")
    add("--cap", action="store_true", help="distance: values beyond the target score as it")
    if aggregate:
        add(
            "--aggregate",
            type=_aggregation,
            metavar="METHOD",
            help="amean, gmean, hmean, genmean:P",
        )
    add(
        "--impute",
        type=_imputation,
        default=("none", None),
        metavar="METHOD",
        help="none, mean, median, group_mean:GROUP, group_median:GROUP (default: none)",
    )
    add(
        "--min-availability",
        type=share,
        default=0.0,
        metavar="SHARE",
        help="a node with a smaller share of known children is n/a (COINr's dat_thresh)",
    )
    add(
        "--shift",
        type=finite_float,
        default=0.0,
        metavar="C",
        help="add C before aggregating, then -C",
    )


def _given(args: argparse.Namespace, dest: str) -> bool:
    value = getattr(args, dest)
    return value not in (None, False, 0.0, ("none", None))


def check_without_coinr(args: argparse.Namespace, aggregate: bool = True) -> None:
    """Without ``--coinr``: answers are needed, the composite options mean nothing
    (``--aggregate`` included unless ``aggregate`` is False: the analyses' factor), and
    ``--min-coverage`` needs ``--missing`` skip or bounds."""
    if not args.responses:
        raise UsageError("give RESPONSES (files or folders) or --coinr IDATA IMETA")
    options = [o for o in (*_PIPELINE_OPTIONS, "min_availability") if aggregate or o != "aggregate"]
    given = [dest for dest in options if hasattr(args, dest) and _given(args, dest)]
    if given:
        named = ", ".join("--" + dest.replace("_", "-") for dest in given)
        raise UsageError(f"{named}: these options need --coinr (composite indices)")
    if args.missing == "zero" and args.min_coverage > 0:
        raise UsageError(
            f"--min-coverage {args.min_coverage:g}: applies to --missing skip and bounds; "
            "zero scores every node"
        )


def check(args: argparse.Namespace, aggregate: bool = True) -> None:
    """The inputs' options, checked before any file is read: UsageError on a mistake.

    With ``--coinr`` as :func:`check_coinr` and the normaliser's settings usable; without,
    as :func:`check_without_coinr`.
    """
    if args.coinr is None:
        check_without_coinr(args, aggregate)
        return
    check_coinr(args)
    settings = normalisation(args)
    if settings is not None and settings.problems():
        raise UsageError(f"--normalise {settings.method}: {settings.problems()[0]}")


def normalisation(args: argparse.Namespace) -> Normalisation | None:
    """The global normaliser the options describe (None: each indicator's own, else minmax)."""
    method = args.normalise or "minmax"
    settings: dict[str, Any] = {}
    for dest, parameters in _PARAMETER_OPTIONS.items():
        if not _given(args, dest):
            continue
        unused = [p for p in parameters if p not in NORMALISE_PARAMETERS[method]]
        if unused:
            raise UsageError(f"--{dest.replace('_', '-')} does not apply to {method}")
        settings.update(zip(parameters, _values(dest, getattr(args, dest)), strict=True))
    if args.normalise is None and not settings:
        return None
    return Normalisation(method, **settings)


def _values(dest: str, value: Any) -> tuple[Any, ...]:
    if dest == "range":
        return (value,)
    if dest == "no_truncate":
        return (False,)
    return tuple(value) if isinstance(value, tuple) else (value,)


def check_coinr(args: argparse.Namespace) -> None:
    """With ``--coinr``: no answers, no ``--index``, no ``--missing`` other than skip."""
    if args.responses:
        raise UsageError("give RESPONSES or --coinr IDATA IMETA, not both")
    if args.index != "icc":
        raise UsageError("--index is for answers; --coinr brings its own definition")
    if args.missing != "skip":
        raise UsageError(
            f"--missing {args.missing} is for answers; --coinr skips unknown values "
            "(or imputes them: --impute)"
        )


def score_coinr(args: argparse.Namespace) -> Scores:
    """Read the COINr project named by ``--coinr`` and score it as the options say."""
    check_coinr(args)
    definition, dataset = read_coinr(*args.coinr)
    method, power = args.aggregate or (None, None)
    impute, group = args.impute
    scores = score_composite(
        definition,
        dataset,
        normalise=normalisation(args),
        aggregate=method,
        p=power,
        impute=impute,
        impute_group=group,
        min_coverage=args.min_coverage,
        min_availability=args.min_availability,
        shift=args.shift,
    )
    if scores.imputed is not None:
        filled = int(np.count_nonzero(scores.imputed))
        print(
            f"icindex: imputed {filled} of {dataset.values.size} indicator values ({impute}); "
            "flagged in the output",
            file=sys.stderr,
        )
    return scores
