"""``--backend dask [--scheduler ADDRESS]`` for ``icindex score`` and ``icindex uncertainty``.

The default backend, ``numpy``, runs in this process. ``dask`` scores answers as Dask arrays
chunked by rows (threads here, or the cluster at ``--scheduler``) and spreads an uncertainty
analysis's replications over a ``dask.distributed`` cluster (a local one started for the run
without ``--scheduler``). The output is the same, byte for byte (``docs/scale.md``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import attrs

from .._analysis.factors import Factor
from .._analysis.uncertainty import Uncertainty, uncertainty
from .._engine.encoding import encode
from .._engine.plan import Plan, compile
from .._engine.score import score
from .._errors import UsageError
from .._io.responses import CityResponse
from .._model.definition import Definition
from .._results.scores import Scores, city_details
from .._scale.dask_backend import encoded_to_dask, score_dask
from .._scale.dask_cluster import open_client, uncertainty_dask

__all__ = [
    "BACKENDS",
    "CHUNK_ROWS",
    "SCHEDULER_TIMEOUT",
    "add_backend_options",
    "check_backend",
    "score_with_backend",
    "uncertainty_with_backend",
]

BACKENDS = ("numpy", "dask")
#: Rows per Dask chunk when ``score`` runs on Dask (moved to multiples of the engine's chunk).
CHUNK_ROWS = 100_000
#: Seconds ``--scheduler`` has to answer.
SCHEDULER_TIMEOUT = 10.0


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--backend`` and ``--scheduler`` to a command's parser."""
    group = parser.add_argument_group("backend (docs/scale.md)")
    group.add_argument(
        "--backend",
        choices=BACKENDS,
        default="numpy",
        help="numpy (default): this process; dask: Dask (pip install 'icindex[dask]'), "
        "the same output",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --backend dask: a dask.distributed scheduler, e.g. tcp://host:8786, answering "
        f"within {SCHEDULER_TIMEOUT:g} s (default: score uses threads here, uncertainty a local "
        "cluster started for the run)",
    )


def check_backend(args: argparse.Namespace) -> None:
    """UsageError for ``--scheduler`` without ``--backend dask``, and for ``--backend dask``
    with ``--coinr`` (a composite index is normalised across all its units)."""
    backend = getattr(args, "backend", "numpy")
    if getattr(args, "scheduler", None) is not None and backend != "dask":
        raise UsageError(f"--scheduler: expected --backend dask with it (got {backend})")
    if backend == "dask" and args.command == "score" and args.coinr is not None:
        raise UsageError(
            "--backend dask: expected questionnaire answers (got --coinr: a composite index "
            "is normalised across all its units; score it without --backend dask)"
        )


def _backend(args: argparse.Namespace) -> str:
    backend: str = getattr(args, "backend", "numpy")
    return backend


def score_with_backend(
    args: argparse.Namespace, definition: Definition, cities: Sequence[CityResponse]
) -> Scores:
    """``icindex score``'s scores of answers, with ``args.backend``, ``missing``, ``min_coverage``.

    Examples
    --------
    >>> import argparse
    >>> from icindex import load_definition, synthetic_sample
    >>> icc = load_definition("icc")
    >>> args = argparse.Namespace(missing="skip", min_coverage=0.0, backend="dask")
    >>> cities = synthetic_sample(icc, 3, seed=1)
    >>> score_with_backend(args, icc, cities).export("csv") == score(icc, cities).export("csv")
    True
    """
    backend = _backend(args)
    plan = compile(definition, missing=args.missing, min_coverage=args.min_coverage)
    if backend == "numpy":
        return score(plan, cities)
    encoded = encode(definition, cities)
    lazy = score_dask(plan, *encoded_to_dask(encoded, CHUNK_ROWS), city_ids=encoded.city_ids)
    scheduler = getattr(args, "scheduler", None)
    if scheduler is None:
        scores = lazy.compute(scheduler="threads")
    else:
        with open_client(scheduler=scheduler, timeout=SCHEDULER_TIMEOUT) as client:
            scores = lazy.compute(scheduler=client)
    return attrs.evolve(scores, **city_details(cities, definition))


def uncertainty_with_backend(
    args: argparse.Namespace, plan: Plan, units: Any, factors: Sequence[Factor]
) -> Uncertainty:
    """``icindex uncertainty``'s analysis with ``args.backend`` (and ``reps``, ``seed``,
    ``target``, ``top``): the same result with either."""
    options: dict[str, Any] = {
        "reps": args.reps,
        "seed": args.seed,
        "target": args.target,
        "top": args.top,
    }
    if _backend(args) == "numpy":
        return uncertainty(plan, units, factors, **options)
    options["timeout"] = SCHEDULER_TIMEOUT
    return uncertainty_dask(plan, units, factors, scheduler=args.scheduler, **options)
