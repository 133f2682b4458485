"""The city report: sections in order, numbers equal compare(), escaped text, unknown items,
the synthetic banner, a well-formed self-contained page, Markdown, and a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import attrs
import pytest

import icindex
from icindex import CityResponse, Definition, Fact, Group, Item, Node, Option
from icindex._model.definition import PeerBand
from icindex._report.charts import INSTALL_NOTE
from icindex._report.content import TITLES
from icindex._report.document import build_report
from icindex._report.html import render_html
from icindex._report.markdown import render_markdown
from tests.conftest import REPO

pytest.importorskip("matplotlib")

YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))
ALWAYS = [t for k, t in TITLES.items() if k not in ("progress", "advice")]
EVIL = '<script>alert("x")</script> & Co'


# -- a small checker of the page's structure ------------------------------------------------


class Page(HTMLParser):
    """Checks tags balance and collects headings, tables, svgs and any remote reference."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.h1: list[str] = []
        self.h2: list[str] = []
        self.tables: list[dict[str, object]] = []
        self.svgs: list[dict[str, object]] = []
        self.text: list[str] = []
        self.remote: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for key in ("src", "href", "xlink:href", "action", "poster"):
            if re.match(r"\s*(https?:)?//", found.get(key) or ""):
                self.remote.append(f"{tag} {key}={found[key]}")
        if re.search(r"url\(\s*['\"]?(https?:)?//", found.get("style") or ""):
            self.remote.append(f"{tag} style")
        if tag in ("script", "link", "iframe", "object", "embed", "img"):
            self.remote.append(f"<{tag}> element")
        if tag == "table":
            self.tables.append({"caption": "", "th": 0, "scopes": set(), "rows": []})
        if tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["scopes"].add(found.get("scope"))
        if tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        if tag == "svg":
            self.svgs.append({"attrs": found, "title": False})
        if tag == "title" and "svg" in self.stack:
            self.svgs[-1]["title"] = True
        if tag in ("h1", "h2", "caption", "th", "td"):
            self._heading = []
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in self.VOID or "svg" in self.stack:
            self.handle_starttag(tag, attrs)
            if tag not in self.VOID:
                self.stack.pop()
        else:
            self.problems.append(f"<{tag}/> self-closed outside svg")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag in ("h1", "h2", "caption", "th", "td") and self._heading is not None:
            text = " ".join("".join(self._heading).split())
            if tag in ("h1", "h2"):
                getattr(self, tag).append(text)
            elif tag == "caption":
                self.tables[-1]["caption"] = text
            elif self.tables and self.tables[-1]["rows"]:
                self.tables[-1]["rows"][-1].append(text)
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self.stack and self.stack[-1] == "style" and re.search(r"@import|url\(", data):
            self.remote.append("style sheet with @import or url()")


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def check(page: str) -> Page:
    """Assert the page is well formed and self-contained; return what was parsed."""
    parsed = parse(page)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in page and re.search(r"<title>[^<]+</title>", page)
    assert parsed.problems == [] and parsed.stack == []
    assert len(parsed.h1) == 1 and parsed.h2
    assert parsed.remote == []
    for table in parsed.tables:
        assert table["caption"] and table["th"] > 0 and table["scopes"] <= {"col", "row"}
    for svg in parsed.svgs:
        assert svg["attrs"].get("role") == "img" and svg["attrs"].get("aria-label")
        assert svg["title"]
    return parsed


def table(parsed: Page, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption contains ``caption``."""
    (found,) = [t for t in parsed.tables if caption in t["caption"]]
    return found["rows"][1:]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(icc):
    return icindex.read_responses(REPO / "examples" / "cities", icc)


@pytest.fixture(scope="module")
def ansan(icc, examples):
    return build_report(icc, examples[0], icindex.Sample.of(icc, examples))


@pytest.fixture(scope="module")
def ansan_page(ansan):
    return render_html(ansan)


@pytest.fixture(scope="module")
def hand() -> Definition:
    """Root r over p (p1, p2 impact) and q (q1); a group g of p and q; peers by population."""
    items = (
        Item("p1", "p", "yes_no", "Is P1 done?", options=YES_NO),
        Item("p2", "p", "yes_no", "Is P2 done?", options=YES_NO, role="impact"),
        Item("q1", "q", "yes_no", "Is Q1 done?", options=YES_NO),
    )
    nodes = (Node("r", "Hand index"), Node("p", "Pea", "r"), Node("q", "Queue", "r"))
    return Definition(
        "hand", "Hand", "r", nodes, items, facts=(Fact("pop", "Population", "integer"),),
        groups=(Group("g", "Lens", ("p", "q")),), peer_bands=(PeerBand("size", "pop", (100.0,)),),
    )  # fmt: skip


def hand_cities(round_: str = "2024") -> list[CityResponse]:
    """A (a name with a script tag, quotes with markup) answers p1 and p2; B and C all three."""
    return [
        CityResponse("A", EVIL, round=round_, facts={"pop": 50},
                     answers={"p1": "yes", "p2": "no"},
                     evidence={"p1": 'The "plan" <b>exists</b> & works', "pop": "Census <2020>"}),
        CityResponse("B", "Bee", round=round_, facts={"pop": 60},
                     answers={"p1": "yes", "p2": "yes", "q1": "yes"}),
        CityResponse("C", "Sea", round=round_, facts={"pop": 500},
                     answers={"p1": "no", "p2": "no", "q1": "no"}),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def hand_report(hand):
    cities = hand_cities()
    return build_report(hand, cities[0], icindex.Sample.of(hand, cities))


@attrs.frozen
class AdviceRow:
    item: str
    question: str
    indicator: str
    status: str
    current: object
    best: object
    gain: float
    peers: tuple[str, ...]


@attrs.frozen
class Advice:
    rows: tuple[AdviceRow, ...]
    combined: tuple[float, ...]
    note: str


@attrs.frozen
class Progress:
    before_round: str
    after_round: str
    rows: tuple[dict[str, object], ...]
    not_comparable: tuple[str, ...]


# -- content -----------------------------------------------------------------------------------


def test_sections_appear_in_order_on_the_icc(ansan_page, ansan):
    """The ICC report has one h1 (the city's name) and every section, in order."""
    parsed = check(ansan_page)
    assert parsed.h1 == ["Ansan (안산시)"] and parsed.h2 == ALWAYS
    assert len(parsed.svgs) == 2


def test_progress_and_advice_appear_in_their_places_when_given(hand, hand_report):
    """Given advice and progress, their sections take their places and show their rows."""
    advice = Advice(
        (AdviceRow("q1", "Is Q1 done?", "q", "unknown", None, "yes", 33.3, ("B",)),
         AdviceRow("p2", "Is P2 done?", "p", "no", "no", "yes", 16.7, ())),
        (33.3, 50.0), "Gains <assume> the rest stays.",
    )  # fmt: skip
    progress = Progress("2023", "2024", ({"column": "r", "before": 10.0, "after": 25.0,
                                          "change": 15.0},), ("q1",))  # fmt: skip
    report = attrs.evolve(hand_report, advice=advice, progress=progress)
    parsed = check(render_html(report))
    assert parsed.h2 == list(TITLES.values())
    rows = table(parsed, "add most")
    assert rows[0][2:4] == ["not reported", "unknown"] and rows[1][2:4] == ["no", "No"]
    assert rows[0][5:] == ["+33.3", "+33.3", "Bee"]
    assert rows[1][5:] == ["+16.7", "+50.0", "none in the sample"]
    assert table(parsed, "Scores in round")[0] == ["Hand index", "10.0", "25.0", "+15.0"]
    assert "Gains &lt;assume&gt; the rest stays." in render_html(report)


def test_rank_table_numbers_equal_compare(ansan_page, examples):
    """Every row of the rank table shows compare()'s score, coverage, ranks, percentile, gaps."""
    result = icindex.compare(icindex.Sample.of(icindex.load_definition("icc"), examples), "ansan")
    rows = table(parse(ansan_page), "on every aggregate")
    assert len(rows) == len(result.rows)

    def close(cell: str, value: object, scale: float = 1.0, digits: int = 1) -> None:
        """``cell`` shows ``scale * value`` rounded to ``digits`` decimals (n/a: NaN)."""
        if cell == "n/a":
            assert value != value  # NaN
        else:
            assert cell.rstrip(" %") == f"{scale * value:.{digits}f}"

    for cells, row in zip(rows, result.rows, strict=True):
        close(cells[2], row["score"])
        close(cells[3], row["coverage"], 100.0, 0)
        assert cells[4] == f"{row['rank']:.0f} of {row['of']}"
        close(cells[5], row["peer_rank"], digits=0)
        close(cells[6], row["percentile"], digits=0)
        for cell, key in zip(cells[7:9], ("gap_sample", "gap_peers"), strict=True):
            assert cell == ("n/a" if row[key] != row[key] else f"{row[key]:+.1f}")
        close(cells[9], row["input"])
        close(cells[10], row["impact"])


def test_peer_ranks_and_means_show_when_there_is_a_peer_group(hand_report):
    """A is in the small-population group with B: peer rank 2 of 2 and the peer mean shown."""
    parsed = parse(render_html(hand_report))
    index = table(parsed, "on every aggregate")[0]
    assert index[0] == "Hand index" and index[5] == "2 of 2"
    overview = table(parsed, "index and its groups")
    assert [row[0] for row in overview] == ["Hand index", "Lens"]
    assert overview[0][5] == "62.5"  # A 25 (p 50, q 0), B 100


def test_text_from_files_is_escaped(hand_report):
    """A city name with a script tag and evidence with markup appear as text, never as tags."""
    page = render_html(hand_report)
    assert "<script" not in page and "<b>exists" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    parsed = check(page)
    assert parsed.h1 == [EVIL]
    (quote,) = [row[3] for row in table(parsed, "answers and the evidence")
                if row[0] == "Is P1 done?"]  # fmt: skip
    assert quote == 'The "plan" <b>exists</b> & works'
    assert table(parsed, "Facts")[0] == ["Population", "50", "Census <2020>"]


def test_unknown_items_are_the_items_not_answered(ansan_page, ansan, icc):
    """The unknown list holds exactly the definition's items minus the answered ones."""
    listed = re.findall(r"<li><code>([^<]+)</code>", ansan_page.split('id="unknown"')[1])
    answered = set(ansan.city.answers)
    assert sorted(listed) == sorted(i.id for i in icc.items if i.id not in answered)
    assert f"{len(listed)} of {len(icc.items)} items are unknown" in ansan_page


def test_unknown_items_are_grouped_by_indicator(hand_report):
    """A left q1 unknown: it is listed under its indicator, Queue (1 of 1)."""
    assert hand_report.unknown == (("q", ("q1",)),)
    assert "<h3>Queue (1 of 1)</h3>" in render_html(hand_report)


@pytest.mark.parametrize("round_", ["synthetic", "2024"])
def test_synthetic_banner_appears_only_for_synthetic_rounds(hand, round_):
    """The banner saying the sample is made up shows iff the sample's rounds are synthetic."""
    cities = hand_cities(round_)
    page = render_html(build_report(hand, cities[0], icindex.Sample.of(hand, cities)))
    assert ("Synthetic sample." in page) == (round_ == "synthetic")
    assert ('class="banner"' in page) == (round_ == "synthetic")


def test_good_practice_names_better_cities_with_full_coverage(hand_report):
    """On Queue, B (full coverage, 100) beats A: it is named, not just its id."""
    rows = table(parse(render_html(hand_report)), "Good-practice")
    assert ["Queue", "0.0", "Bee (100.0)"] in rows


def test_report_refuses_a_sample_of_another_definition_or_round(hand, icc, examples):
    """A sample scored with another definition, or holding another round, is a ScoringError."""
    cities = hand_cities()
    with pytest.raises(icindex.ScoringError, match="definition 'hand'"):
        build_report(hand, cities[0], icindex.Sample.of(icc, examples))
    later = attrs.evolve(cities[0], round="2030")
    with pytest.raises(icindex.ScoringError, match="round '2024', expected"):
        build_report(hand, later, icindex.Sample.of(hand, cities))


# -- without matplotlib, Markdown ---------------------------------------------------------------


def test_without_matplotlib_the_page_has_tables_and_says_how_to_get_charts(ansan, monkeypatch):
    """When matplotlib cannot be imported, no svg is drawn; the note and the numbers remain."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    page = render_html(ansan)
    parsed = check(page)
    assert parsed.svgs == [] and "pip install &#x27;icindex[report]&#x27;" in page
    assert parsed.h2 == ALWAYS
    assert len(table(parsed, "score on each indicator")) == len(ansan.sample.indicators)
    assert INSTALL_NOTE.split(":")[0] in render_markdown(ansan)


def test_markdown_has_the_same_headings_and_escapes(hand_report, ansan, tmp_path):
    """Markdown: the same h1 and h2s as the page; names and quotes escaped; charts as files."""
    for report in (hand_report, ansan):
        text = render_markdown(report, tmp_path)
        parsed = parse(render_html(report))
        assert re.findall(r"^# (.+)$", text, re.M) == [_md(h) for h in parsed.h1]
        assert re.findall(r"^## (.+)$", text, re.M) == parsed.h2
    text = render_markdown(hand_report)
    assert "<script" not in text and "&lt;b&gt;exists&lt;/b&gt;" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "A-indicators-bars.svg", "A-indicators-radar.svg",
        "ansan-indicators-bars.svg", "ansan-indicators-radar.svg",
    ]  # fmt: skip
    assert "![Bar chart" in render_markdown(ansan, tmp_path)


def _md(text: str) -> str:
    from icindex._report.markdown import _text

    return _text(text)


# -- a real browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
# Chromium logs every console message of a page to stderr as `...:INFO:CONSOLE:2] "..."` (older
# builds: `CONSOLE(2)`), uncaught exceptions included; the level is INFO even for
# console.error, so "ERROR:CONSOLE" alone would miss them.
CONSOLE = re.compile(r":CONSOLE[:(]\d+")


def browse(page, folder, name):
    """Load ``page`` in headless Chromium: (screenshot, dumped DOM, stderr)."""
    path, shot = folder / f"{name}.html", folder / f"{name}.png"
    path.write_text(page, encoding="utf-8")
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={folder / f'profile-{name}'}",
        "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1200,3000",
        "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return shot, done.stdout, done.stderr


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH (CI installs it)")
def test_the_report_loads_in_chromium_without_console_errors(ansan_page, tmp_path):
    """Chromium renders the page (a real screenshot), keeps both charts, and logs nothing; a
    page with a script error shows the log is read right."""
    _, _, stderr = browse(
        "<!DOCTYPE html><html lang='en'><script>missing();</script></html>", tmp_path, "control"
    )
    assert CONSOLE.search(stderr) and "Uncaught" in stderr
    shot, dom, stderr = browse(ansan_page, tmp_path, "ansan")
    assert shot.stat().st_size > 20_000
    assert dom.count('role="img"') == 2 and "</svg>" in dom and "Ansan (안산시)" in dom
    assert not CONSOLE.search(stderr) and "Uncaught" not in stderr
