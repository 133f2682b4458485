"""Fuzzing definition folders: index.toml and its includes, mutated, loaded whole.

Property: whatever the bytes of any one file of a definition folder, or the names in its
``include`` list, :func:`icindex.load_definition` returns a Definition or raises an
:class:`icindex.IcindexError` naming the folder's file (tests/fuzzing.py). Seeds: the golden
``tests/data/tiny`` and the bundled ICC definition.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from tests.conftest import DATA, REPO
from tests.fuzzing import fuzz_settings, must_contain
from tests.strategies import mutated

SEED_FOLDERS = {"tiny": DATA / "tiny", "icc": REPO / "indicators" / "icc"}
SEED_FILES = [
    (name, path.name, path.read_bytes())
    for name, folder in SEED_FOLDERS.items()
    for path in sorted(folder.glob("*.toml"))
]
# Mutate tiny's three files and a few of ICC's (index.toml among them) more often than the rest.
WEIGHTED = [seed for seed in SEED_FILES if seed[0] == "tiny" or seed[1] in ("index.toml",
            "welcoming.toml", "commitment.toml")]  # fmt: skip


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Copies of the seed folders (restored before each example)."""
    root = tmp_path_factory.mktemp("fuzz definitions")
    return {
        name: Path(shutil.copytree(source, root / name)) for name, source in SEED_FOLDERS.items()
    }


def _restored(folders: dict[str, Path], name: str) -> Path:
    folder = folders[name]
    for path in SEED_FOLDERS[name].glob("*.toml"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@fuzz_settings(60)
@given(st.sampled_from(WEIGHTED).flatmap(lambda s: st.tuples(st.just(s), mutated(s[2]))))
def test_mutated_definition_file_loads_or_is_refused_naming_the_folder(folders, seed_and_data):
    """One mutated file of tiny or ICC: the folder loads, or an IcindexError names its file."""
    (name, file_name, _), data = seed_and_data
    folder = _restored(folders, name)
    (folder / file_name).write_bytes(data)
    must_contain(lambda: icindex.load_definition(folder), folder)


@fuzz_settings(15)
@given(st.sampled_from(SEED_FILES).flatmap(lambda s: st.tuples(st.just(s), mutated(s[2]))))
def test_any_mutated_icc_or_tiny_file_loads_or_is_refused(folders, seed_and_data):
    """Any one file of either seed, mutated: loads or an IcindexError names the folder."""
    (name, file_name, _), data = seed_and_data
    folder = _restored(folders, name)
    (folder / file_name).write_bytes(data)
    must_contain(lambda: icindex.load_definition(folder), folder)


INCLUDE_NAMES = st.sampled_from(
    ["welcome.toml", "rights.toml", "index.toml", "missing.toml", ".", "", "sub/../welcome.toml",
     "../tiny/welcome.toml", "a" * 300, "welcome.toml ", "WELCOME.TOML", "welcome.toml\\u0000",
     "\\u001b[2J", "안산.toml", "=1+1.toml"]
)  # fmt: skip
INCLUDE_VALUES = st.one_of(
    st.lists(INCLUDE_NAMES, max_size=4).map(lambda ns: "[" + ", ".join(f'"{n}"' for n in ns) + "]"),
    st.sampled_from(['"welcome.toml"', "[1]", "{ a = 1 }", "[[]]", "true", '[["welcome.toml"]]']),
)  # fmt: skip


@fuzz_settings(40)
@given(INCLUDE_VALUES)
def test_any_include_list_loads_or_is_refused_naming_the_folder(folders, include):
    """Structure-aware: tiny's include list replaced by any list (self, parent, missing, folder,
    empty, NUL, escape codes, wrong types): loads or an IcindexError names the folder."""
    folder = _restored(folders, "tiny")
    main = folder / "index.toml"
    main.write_text(re.sub(r"include = .*", lambda _: f"include = {include}", main.read_text()))
    must_contain(lambda: icindex.load_definition(folder), folder)


@fuzz_settings(30)
@given(st.binary(max_size=300))
def test_random_bytes_as_index_toml_are_refused_naming_the_file(folders, data):
    """Random bytes as index.toml: an IcindexError naming it (or, rarely, a definition)."""
    folder = _restored(folders, "tiny")
    (folder / "index.toml").write_bytes(data)
    must_contain(lambda: icindex.load_definition(folder), folder / "index.toml")


# Known escapes, fixed on other branches: keep the test, the lead removes the mark on merge.


def test_deeply_nested_definition_is_refused_naming_the_file(tmp_path):
    """10,000 nested brackets in index.toml give a DefinitionError naming it."""
    (tmp_path / "index.toml").write_bytes(b"schema_version = 1\nx = " + b"[" * 10_000)
    with pytest.raises(icindex.DefinitionError, match=r"index\.toml"):
        icindex.load_definition(tmp_path)


def test_definition_with_byte_order_marks_loads(tmp_path):
    """Definition files saved with a UTF-8 byte-order mark load as without it."""
    for path in (DATA / "tiny").glob("*.toml"):
        (tmp_path / path.name).write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    loaded = icindex.load_definition(tmp_path)
    assert loaded.source == str(tmp_path / "index.toml")
    plain = icindex.load_definition(DATA / "tiny")
    assert attrs.evolve(loaded, source=plain.source) == plain


@pytest.mark.parametrize("include", ["../outside.toml", "/ABS/outside.toml"])
def test_include_outside_the_folder_is_refused(tmp_path, include):
    """An include naming a file outside the definition's folder is a DefinitionError."""
    folder = Path(shutil.copytree(DATA / "tiny", tmp_path / "tiny"))
    shutil.copy(DATA / "tiny" / "welcome.toml", tmp_path / "outside.toml")
    include = include.replace("/ABS", str(tmp_path))
    main = folder / "index.toml"
    text = main.read_text().replace('"welcome.toml"', f'"{include}"')
    main.write_text(text)
    with pytest.raises(icindex.DefinitionError, match="outside"):
        icindex.load_definition(folder)


def test_include_name_with_nul_is_refused_naming_the_file(tmp_path):
    """An include name holding a NUL character is a DefinitionError naming index.toml."""
    folder = Path(shutil.copytree(DATA / "tiny", tmp_path / "tiny"))
    main = folder / "index.toml"
    main.write_text(main.read_text().replace('"welcome.toml"', '"welcome.toml\\u0000"'))
    with pytest.raises(icindex.DefinitionError, match=r"index\.toml"):
        icindex.load_definition(folder)


def test_integer_over_python_digit_limit_in_a_definition_is_refused(tmp_path):
    """A 5,000-digit weight is a DefinitionError naming the file, not tomllib's ValueError."""
    folder = Path(shutil.copytree(DATA / "tiny", tmp_path / "tiny"))
    path = folder / "welcome.toml"
    path.write_text(path.read_text().replace("weight = 2", "weight = " + "9" * 5000, 1))
    with pytest.raises(icindex.DefinitionError, match=r"welcome\.toml"):
        icindex.load_definition(folder)


def test_integer_past_float_range_in_a_definition_is_refused(tmp_path):
    """A 400-digit weight (past float's range) is a DefinitionError naming the file and key."""
    folder = Path(shutil.copytree(DATA / "tiny", tmp_path / "tiny"))
    path = folder / "welcome.toml"
    path.write_text(path.read_text().replace("weight = 2", "weight = " + "9" * 400, 1))
    with pytest.raises(icindex.DefinitionError, match=r"welcome\.toml.*weight"):
        icindex.load_definition(folder)
