"""Every fenced code block in README.md and docs/*.md runs.

- ```python blocks run in order, one namespace per page (later blocks use earlier names), in a
  scratch folder holding the files the pages name (:func:`page_folder`).
- ```toml blocks are parsed; a definition (it has ``root``) is loaded from a folder of the
  page's blocks that start with a ``# name.toml`` comment (index.toml and its includes); a
  city's answers (``[answers]``) are read against the definition they name (``index``).
- ```csv blocks starting ``city_id`` are read as responses of the ICC definition.
- ```bash, ```sh and ```console lines starting ``icindex `` (or ``$ icindex ``) run through
  ``icindex._cli.main.main`` in the page's folder and must exit 0.

A block that cannot run by design is preceded by ``<!-- not run: reason -->`` on its page; it
is not collected, and :func:`test_not_run_markers_give_a_reason` checks that each such marker
gives its reason and that they stay few.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest

import icindex
from icindex._cli.main import main
from tests.conftest import DATA, REPO

PAGES = ["README.md", *sorted(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md"))]
RUNNABLE = {"python", "toml", "csv", "bash", "sh", "console"}
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
NOT_RUN = re.compile(r"<!--\s*not run:\s*(.+?)\s*-->\s*$")


@attrs.frozen
class Block:
    """One fenced block: its page, first line, language, text and not-run reason."""

    page: str
    line: int
    language: str
    text: str
    not_run: str | None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}-{self.language}"


def blocks_of(page: str) -> list[Block]:
    """The runnable blocks of a page, in order, with the reason of a preceding not-run marker."""
    text = (REPO / page).read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language = match.group(1).lower()
        if language not in RUNNABLE:
            continue
        before = text[: match.start()].rstrip().splitlines()
        marker = NOT_RUN.search(before[-1]) if before else None
        line = text[: match.start()].count("\n") + 1
        found.append(Block(page, line, language, match.group(2), marker and marker.group(1)))
    return found


BLOCKS = [block for page in PAGES for block in blocks_of(page)]

#: The blocks that run; the others are marked ``<!-- not run: reason -->`` on their page.
RUN = [block for block in BLOCKS if block.not_run is None]

SMALL_DEFINITION = """\
schema_version = 1
id = "small"
name = "A small index"
root = "index"

[[nodes]]
id = "index"
name = "Small index"

[[items]]
id = "office"
parent = "index"
kind = "yes_no"
question = "Is there a one-stop office for newcomers?"
"""


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the pages name, built once: the examples, the ASEM tables, answers.csv
    (the example cities, wide), big.csv and long.csv (synthetic cities), ansan-2020.toml and
    ansan-2024.toml, path/to/my-index (a copy of ICC) and path/to/small.toml."""
    folder = tmp_path_factory.mktemp("docs template")
    shutil.copytree(REPO / "examples", folder / "examples")
    for name in ("asem_idata.csv", "asem_imeta.csv"):
        shutil.copy(DATA / "coinr-asem" / name, folder / name)
    icc = icindex.load_definition("icc")
    examples = icindex.read_responses(REPO / "examples" / "cities", icc)
    icindex.write_wide_csv(folder / "answers.csv", examples, icc)
    icindex.write_wide_csv(folder / "big.csv", icindex.synthetic_sample(icc, 2500, seed=5), icc)
    others = icindex.synthetic_sample(icc, 30, seed=6)
    icindex.write_long_csv(
        folder / "long.csv", [attrs.evolve(c, id=f"long-{c.id}") for c in others]
    )
    ansan = (REPO / "examples" / "cities" / "ansan.toml").read_text(encoding="utf-8")
    (folder / "ansan-2020.toml").write_text(ansan, encoding="utf-8")
    (folder / "ansan-2024.toml").write_text(ansan.replace('"2020"', '"2024"'), encoding="utf-8")
    shutil.copytree(REPO / "indicators" / "icc", folder / "path" / "to" / "my-index")
    (folder / "path" / "to" / "small.toml").write_text(SMALL_DEFINITION, encoding="utf-8")
    return folder


_PAGE_STATE: dict[str, dict[str, Any]] = {}


@pytest.fixture
def page_folder(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The scratch folder and Python namespace of the page of the running block."""

    def state(page: str) -> dict[str, Any]:
        if page not in _PAGE_STATE:
            folder = tmp_path_factory.mktemp(page.replace("/", "_"))
            shutil.copytree(template, folder, dirs_exist_ok=True)
            _PAGE_STATE[page] = {"folder": folder, "namespace": {}, "done": set()}
        return _PAGE_STATE[page]

    return state


def _run_python(block: Block, state: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the page's earlier Python blocks not yet run, then this one, in the page's folder."""
    monkeypatch.chdir(state["folder"])
    monkeypatch.setenv("MPLBACKEND", "Agg")
    earlier = [b for b in BLOCKS if b.page == block.page and b.language == "python"]
    for previous in earlier[: earlier.index(block)]:
        if previous.id not in state["done"] and not previous.not_run:
            _exec(previous, state)
    _exec(block, state)


def _exec(block: Block, state: dict[str, Any]) -> None:
    state["done"].add(block.id)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block.text, block.id, "exec"), state["namespace"])


def _commands(block: Block) -> list[str]:
    """The block's ``icindex`` command lines, continuation lines joined, comments removed."""
    text = block.text.replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        line = line.strip().removeprefix("$ ")
        if line.startswith("icindex "):
            commands.append(line)
    return commands


def _run_command(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Run one command line: ``| ...`` is dropped, ``> file`` receives standard output."""
    words = shlex.split(line, comments=True)
    if "|" in words:
        words = words[: words.index("|")]
    target = None
    if ">" in words:
        target = words[words.index(">") + 1]
        words = words[: words.index(">")]
    capsys.readouterr()
    try:
        status = main(words[1:])
    except SystemExit as exited:  # argparse's own actions (--version, --help) exit
        status = exited.code if isinstance(exited.code, int) else 1
    out, err = capsys.readouterr()
    assert status == 0, f"{line!r} exited {status}: {err.strip()}"
    if target is not None:
        Path(target).write_text(out, encoding="utf-8")


def _run_toml(block: Block, folder: Path) -> None:
    """Parse the block; load a definition or read a city's answers when it is one."""
    raw = tomllib.loads(block.text)
    first = block.text.lstrip().splitlines()[0] if block.text.strip() else ""
    named = re.fullmatch(r"#\s*([\w.-]+\.toml)\s*", first)
    if "root" in raw:
        definition_folder = folder / f"definition-{block.line}"
        definition_folder.mkdir(exist_ok=True)
        for other in blocks_of(block.page):
            other_first = other.text.lstrip().splitlines()[0] if other.text.strip() else ""
            other_name = re.fullmatch(r"#\s*([\w.-]+\.toml)\s*", other_first)
            if other.language == "toml" and other_name:
                (definition_folder / other_name.group(1)).write_text(other.text, encoding="utf-8")
        main_file = definition_folder / (named.group(1) if named else "index.toml")
        if not named:
            main_file.write_text(block.text, encoding="utf-8")
        icindex.load_definition(main_file)
    elif "answers" in raw:
        city = folder / f"city-{block.line}.toml"
        city.write_text(block.text, encoding="utf-8")
        (read,) = icindex.read_responses(city, icindex.load_definition(raw.get("index", "icc")))
        assert read.id == raw["city"]["id"]


@pytest.mark.parametrize("block", RUN, ids=[b.id for b in RUN])
def test_docs_block_runs(block, page_folder, monkeypatch, capsys):
    """The block runs as its page says (see the module docstring for what runs means)."""
    state = page_folder(block.page)
    if block.language == "python":
        _run_python(block, state, monkeypatch)
    elif block.language == "toml":
        _run_toml(block, state["folder"])
    elif block.language == "csv":
        path = state["folder"] / f"block-{block.line}.csv"
        path.write_text(block.text, encoding="utf-8")
        if block.text.startswith("city_id"):
            icindex.read_responses(path, icindex.load_definition("icc"))
    else:
        monkeypatch.chdir(state["folder"])
        for line in _commands(block):
            _run_command(line, capsys)


def test_not_run_markers_give_a_reason():
    """Every ``<!-- not run: -->`` marker says why, and few blocks are exempt (each reason is
    about something a test machine lacks: 7.7 GiB of output, a Dask cluster, a file another
    test writes)."""
    marked = [b for b in BLOCKS if b.not_run is not None]
    assert all(b.not_run.strip() for b in marked)
    assert len(marked) <= len(BLOCKS) // 10, [b.id for b in marked]
