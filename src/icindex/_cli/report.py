"""``icindex report``: one city's report against a sample, as HTML or Markdown.

``icindex report CITY [--city ID] [--index NAME|PATH] [--sample RESPONSES...]
[--missing zero|skip] --out report.html|report.md``: CITY is a TOML or CSV file (``--city``
picks one city when it holds several); the sample is read from ``--sample`` and the city added
to it unless it is there already (same id and round); without ``--sample`` the sample is the
cities of CITY alone, and the report says so.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._errors import UsageError
from .._io.responses import CityResponse, read_responses
from .._model.definition import Definition
from .._model.loader import bundled_definitions, load_definition
from .._report.advice import advise
from .._report.document import build_report
from .._report.html import render_html
from .._report.markdown import render_markdown
from .._report.progress import progress, read_mapping
from .._report.sample import Sample
from .arguments import positive_int
from .cities import pick_city
from .output import shown, write_text

__all__ = ["add_parser", "check", "run"]

#: The file suffix of ``--out`` -> the format written.
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown"}
#: The missing-answer policies a report offers (a sample is scored once, so not ``bounds``).
REPORT_MISSING = ("zero", "skip")


def add_parser(commands: Any) -> None:
    """Add the ``report`` command to the ``icindex`` sub-commands ``commands``."""
    parser = commands.add_parser("report", help="one city's report against a sample (HTML/MD)")
    parser.description = (
        "Write one city's report: its index and groups against the sample and peer means, "
        "indicator charts, ranks, strengths and weaknesses, good-practice cities, the evidence "
        "for each answer and the unknown items (docs/compare-and-report.md)."
    )
    parser.add_argument("city", metavar="CITY", type=Path, help="the city's TOML or CSV file")
    parser.add_argument(
        "--city", dest="city_id", metavar="ID", help="the city, if CITY holds several"
    )
    parser.add_argument(
        "--index",
        default="icc",
        metavar="NAME|PATH",
        help=f"definition: a bundled name ({', '.join(bundled_definitions())}) or a path "
        "(folder with index.toml, or a TOML file); default: icc",
    )
    parser.add_argument(
        "--sample",
        nargs="+",
        type=Path,
        metavar="RESPONSES",
        help="the cities to compare with: TOML/CSV files or folders (default: CITY's cities)",
    )
    parser.add_argument(
        "--missing",
        choices=REPORT_MISSING,
        default="zero",
        help="how unknown answers count (default: zero, as in the ICC questionnaire)",
    )
    parser.add_argument(
        "--top",
        type=positive_int,
        default=10,
        metavar="K",
        help="advice: the K best changes (default 10)",
    )
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="FILE",
        help="the city's answers in an earlier round (its progress is reported)",
    )
    parser.add_argument(
        "--previous-index",
        metavar="NAME|PATH",
        help="the earlier round's definition, if another version (needs --mapping)",
    )
    parser.add_argument(
        "--mapping", type=Path, metavar="FILE", help="earlier item ids -> later ones (TOML [items])"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="report.html (one self-contained page) or report.md (charts as SVG files beside it)",
    )


def check(args: argparse.Namespace) -> None:
    """UsageError for an ``--out`` that is neither HTML nor Markdown, and for ``--mapping`` or
    ``--previous-index`` without ``--previous`` (or ``--previous-index`` without ``--mapping``)."""
    out: Path = args.out
    if out.suffix.lower() not in FORMATS:
        raise UsageError(
            f"--out {out}: expected a file ending in {', '.join(FORMATS)} (got {out.suffix!r})"
        )
    for dest in ("previous_index", "mapping"):
        if getattr(args, dest) is not None and args.previous is None:
            raise UsageError(f"--{dest.replace('_', '-')}: expected --previous FILE with it")
    if args.previous_index is not None and args.mapping is None:
        raise UsageError("--previous-index: expected --mapping FILE with it (earlier item ids)")


def run(args: argparse.Namespace) -> int:
    """Write the report ``args`` ask for (checked by :func:`check`); return the exit status."""
    check(args)
    out: Path = args.out
    written = FORMATS[out.suffix.lower()]
    definition = load_definition(args.index)
    own = read_responses(args.city, definition)
    city = pick_city(own, args.city_id, args.city)
    cities, note = _sample(definition, city, own, args.sample, args.city)
    sample = Sample.of(definition, cities, missing=args.missing)
    rows = sample.peers(city.id)
    peers = [cities[r] for r in rows.tolist()] if rows.size else cities
    advice = advise(
        definition, city, missing=args.missing, sample=[c for c in peers if c is not city]
    )
    report = build_report(
        definition,
        city,
        sample,
        advice=advice.top(args.top) if advice.rows else advice,
        progress=_progress(args, definition, city),
        sample_note=note,
    )
    text = render_html(report) if written == "html" else render_markdown(report, out.parent)
    write_text(out, text)
    cities_word = "city" if len(sample) == 1 else "cities"
    print(shown(f"{out}: report on {city.name} against a sample of {len(sample)} {cities_word}"))
    return 0


def _progress(args: argparse.Namespace, definition: Definition, city: CityResponse) -> Any:
    """The city's progress since ``--previous`` (another round of it), or None."""
    if args.previous is None:
        return None
    earlier = load_definition(args.previous_index) if args.previous_index else definition
    before = pick_city(read_responses(args.previous, earlier), city.id, args.previous)
    mapping = read_mapping(args.mapping) if args.mapping is not None else None
    return progress(
        definition, before, city, before_definition=earlier, mapping=mapping, missing=args.missing
    )


def _sample(
    definition: Definition,
    city: CityResponse,
    own: tuple[CityResponse, ...],
    paths: list[Path] | None,
    city_path: Path,
) -> tuple[list[CityResponse], str]:
    """The sample's cities (the city among them) and what the report says about them."""
    if not paths:
        return list(own), f"No sample was given: the sample is the cities of {city_path} alone."
    cities = list(read_responses(paths, definition))
    if any(c.id == city.id and c.round == city.round for c in cities):
        return cities, ""
    # A city is not its own peer: another round of it in the sample is left out.
    others = [c for c in cities if c.id != city.id]
    note = "" if len(others) == len(cities) else f"{city.id}'s other rounds are left out."
    return [*others, city], note
