"""Loading and validating definitions: every problem is a DefinitionError naming file and key."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from tests.conftest import DATA, REPO

MAIN = """schema_version = 1
id = "t"
name = "T"
root = "index"
include = ["area.toml"]

[[nodes]]
id = "index"
name = "Index"
"""
AREA = """schema_version = 1

[[nodes]]
id = "area"
name = "Area"
parent = "index"

[[items]]
id = "office"
parent = "area"
kind = "yes_no"
question = "Is there an office?"

[[items]]
id = "level"
parent = "area"
kind = "choice"
question = "How far?"
options = [{ id = "low", label = "Low", points = 0 }, { id = "high", label = "High", points = 2 }]
"""


def write(folder: Path, main: str = MAIN, area: str = AREA) -> Path:
    (folder / "index.toml").write_text(main, encoding="utf-8")
    (folder / "area.toml").write_text(area, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> tuple[str, ...]:
    with pytest.raises(icindex.DefinitionError) as caught:
        icindex.load_definition(folder)
    return caught.value.problems


def test_a_valid_definition_loads(tmp_path):
    """The minimal definition loads with its nodes, items and options in file order."""
    definition = icindex.load_definition(write(tmp_path))
    assert [n.id for n in definition.nodes] == ["index", "area"]
    assert [i.id for i in definition.items] == ["office", "level"]
    assert definition.item("level").point_range == (0.0, 2.0)
    assert definition.item("office").option_ids == ("yes", "no")


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            'question = "How far?"',
            'question = "How far?"\nwieght = 2',
            "items['level']",
            "unknown key 'wieght'",
        ),
        ('id = "level"', 'id = "office"', "items['office'].id", "duplicate id (first at"),
        (
            'question = "How far?"',
            'question = "How far?"\nweight = -1',
            "items['level'].weight",
            "must be a number >= 0 (got -1)",
        ),
        ("points = 2", "points = nan", "options['high'].points", "must be a finite number"),
        ("points = 2", "points = 0", "items['level']", "best answer must earn more"),
        ('kind = "choice"', 'kind = "slider"', "items['level'].kind", "got 'slider'"),
        (
            'name = "Area"',
            'name = "Area"\nmethod = "median"',
            "nodes['area'].method",
            "got 'median'",
        ),
        (
            'name = "Area"',
            'name = "Area"\nmethod = "genmean"',
            "nodes['area'].p",
            "genmean needs a power p",
        ),
        (
            'parent = "area"\nkind = "yes_no"',
            'parent = "aera"\nkind = "yes_no"',
            "items['office'].parent",
            "names no node (got 'aera')",
        ),
        (
            'question = "Is there an office?"',
            'question = "Is there an office?"\nweight = 0',
            "nodes['area']",
            None,
        ),
        ('id = "low"', 'id = "unknown"', "options['unknown'].id", "is reserved"),
        ('question = "Is there an office?"', "", "items['office']", "missing key 'question'"),
    ],
)
def test_malformed_definition_names_file_and_key(tmp_path, old, new, where, message):
    """Each kind of mistake in an included file is reported with the file and the key path."""
    area = AREA.replace(old, new, 1)
    if "weight = 0" in new:  # both children at weight 0
        area = area.replace('question = "How far?"', 'question = "How far?"\nweight = 0')
        message = "weights of its children are all zero"
    problems = problems_of(write(tmp_path, area=area))
    assert any(
        str(tmp_path / "area.toml") in p and where in p and message in p for p in problems
    ), problems


def test_unordered_thresholds_and_wrong_points_length_are_both_reported(tmp_path):
    """A numeric item with unordered thresholds and too few points yields both problems at once."""
    area = (
        AREA
        + """
[[items]]
id = "count"
parent = "area"
kind = "numeric"
question = "How many?"
value_range = [0, inf]
thresholds = [5, 1]
points = [0, 1]
"""
    )
    problems = problems_of(write(tmp_path, area=area))
    assert any("thresholds: must be strictly ascending (got [5.0, 1.0])" in p for p in problems)
    assert any("points: must have one more entry than thresholds, 3 (got 2)" in p for p in problems)


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    """Three independent mistakes in two files give three problems."""
    main = MAIN.replace('name = "T"', 'name = "T"\ncolour = "red"')
    area = AREA.replace('kind = "yes_no"', 'kind = "yes-no"').replace("points = 2", "points = -2")
    problems = problems_of(write(tmp_path, main=main, area=area))
    assert len(problems) == 3
    assert "3 problems" in str(icindex.DefinitionError(list(problems)))


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (
            '[[groups]]\nid = "g"\nname = "G"\nmembers = ["nowhere"]\n',
            "names no node (got 'nowhere')",
        ),
        (
            '[[variants]]\nid = "v"\nname = "V"\nexclude = ["index"]\n',
            "below the root (got 'index')",
        ),
        (
            '[[variants]]\nid = "v"\nname = "V"\nexclude = ["office", "level"]\n',
            "leaves node 'area' with no weighted child",
        ),
        ('[[facts]]\nid = "pop"\nname = "P"\ntype = "float"\n', "type: must be one of"),
    ],
)
def test_dangling_references_in_main_file(tmp_path, addition, message):
    """Groups, variants and facts that name nothing or the wrong thing are reported."""
    problems = problems_of(write(tmp_path, main=MAIN + addition))
    assert any(str(tmp_path / "index.toml") in p and message in p for p in problems), problems


def test_cycle_in_parents_is_reported(tmp_path):
    """Two nodes that are each other's parent form a reported cycle."""
    area = AREA + '\n[[nodes]]\nid = "x"\nname = "X"\nparent = "y"\n'
    area += '\n[[nodes]]\nid = "y"\nname = "Y"\nparent = "x"\n'
    area += '\n[[items]]\nid = "q"\nparent = "x"\nkind = "yes_no"\nquestion = "Q?"\n'
    problems = problems_of(write(tmp_path, area=area))
    assert any("cycle" in p for p in problems), problems


def test_bad_toml_and_missing_files_are_definition_errors(tmp_path):
    """Unparseable TOML and a missing included file are reported with their paths."""
    write(tmp_path, area="this is = = not toml")
    assert any("area.toml: not valid TOML" in p for p in problems_of(tmp_path))
    (tmp_path / "area.toml").unlink()
    assert any("area.toml: file not found" in p for p in problems_of(tmp_path))


def test_wrong_schema_version_is_reported(tmp_path):
    """schema_version other than 1 is a problem naming the file."""
    problems = problems_of(
        write(tmp_path, main=MAIN.replace("schema_version = 1", "schema_version = 2"))
    )
    assert any("index.toml: schema_version: must be 1 (got 2)" in p for p in problems)


def test_unknown_name_is_a_definition_error():
    """A name that is neither a path nor a bundled definition lists the bundled ones."""
    with pytest.raises(icindex.DefinitionError, match="bundled: icc"):
        icindex.load_definition("no-such-index")


@pytest.mark.parametrize(
    "folder", sorted(p.parent for p in (REPO / "indicators").glob("*/index.toml")), ids=str
)
def test_every_bundled_definition_loads_and_validates(folder):
    """Every definition in indicators/ loads without a problem."""
    assert icindex.validate_paths([folder]) == {str(folder): ()}


def test_test_definitions_load():
    """The test fixture definition loads too."""
    assert icindex.load_definition(DATA / "tiny").id == "tiny"


def test_icc_has_the_public_structure(icc):
    """The ICC re-creation has 17 indicators, >= 85 items, >= 4 per indicator, lens and variants."""
    indicators = [n.id for n in icc.nodes if n.parent == icc.root]
    assert len(indicators) == 17
    assert len(icc.items) >= 85
    assert all(len(icc.items_under(i)) >= 4 for i in indicators)
    lens = next(g for g in icc.groups if g.id == "intercultural_lens")
    assert len(lens.members) == 6
    assert {v.id: v.exclude for v in icc.variants}["core"] == ("participation", "interaction")
    for required in (
        "welcoming_one_stop_service",
        "education_childcare_fees",
        "anti_discrimination_human_rights_decree",
    ):
        assert icc.item(required)


def test_icc_questions_are_unique_plain_sentences(icc):
    """Every ICC question is a distinct question ending with a question mark."""
    questions = [item.question for item in icc.items]
    assert len(set(questions)) == len(questions)
    assert all(q.strip().endswith("?") for q in questions)


def test_bundled_definitions_lists_icc():
    """bundled_definitions() names the ICC definition."""
    assert "icc" in icindex.bundled_definitions()


GARBAGE = ["-1", "nan", "inf", '"x"', "[]", "{}", "true", '"unknown"', "[1, 0]", "{ id = 1 }", "0"]


@given(data=st.data())
def test_mangled_definitions_raise_only_definition_errors(tmp_path_factory, data):
    """Replacing any value in the files, or dropping a line, loads or raises DefinitionError."""
    folder = tmp_path_factory.mktemp("fuzz")
    texts = {"index.toml": MAIN, "area.toml": AREA}
    name = data.draw(st.sampled_from(sorted(texts)))
    lines = texts[name].splitlines()
    row = data.draw(st.integers(0, len(lines) - 1))
    if data.draw(st.booleans()) and "=" in lines[row]:
        key = lines[row].split("=", 1)[0]
        lines[row] = f"{key}= {data.draw(st.sampled_from(GARBAGE))}"
    else:
        del lines[row]
    texts[name] = "\n".join(lines) + "\n"
    write(folder, texts["index.toml"], texts["area.toml"])
    try:
        icindex.load_definition(folder)
    except icindex.DefinitionError as error:
        assert all(": " in problem for problem in error.problems)


def test_unknown_item_or_node_id_is_a_named_key_error(tiny):
    """Looking up an id the definition lacks raises UnknownIdError, a KeyError and IcindexError."""
    with pytest.raises(icindex.UnknownIdError, match="no item 'nowhere' in definition 'tiny'"):
        tiny.item("nowhere")
    with pytest.raises(KeyError):
        tiny.node("nowhere")
    assert str(icindex.UnknownIdError("plain")) == "plain"


def test_a_byte_order_mark_is_skipped(tmp_path):
    """A main file saved by Notepad (UTF-8 with a byte-order mark) loads as without one."""
    write(tmp_path)
    main = tmp_path / "index.toml"
    main.write_bytes(b"\xef\xbb\xbf" + main.read_bytes())
    assert icindex.load_definition(tmp_path).id == "t"


def test_deep_nesting_is_a_definition_error(tmp_path):
    """10,000 nested brackets are a DefinitionError naming the file, never a RecursionError."""
    write(tmp_path, area=AREA + "x = " + "[" * 10_000 + "]" * 10_000 + "\n")
    problems = problems_of(tmp_path)
    assert any(str(tmp_path / "area.toml") in p and "nested deeper than" in p for p in problems)


def test_a_huge_file_is_refused(tmp_path):
    """A main file over 32 MiB is refused by size (the file is sparse: nothing is written)."""
    main = tmp_path / "huge.toml"
    with main.open("wb") as handle:
        handle.truncate(32 * 2**20 + 1)
    assert any("larger than 32 MiB" in p for p in problems_of(main))


def test_a_device_is_refused_without_reading(tmp_path):
    """/dev/zero as the main file is refused as not a regular file (reading it would not end)."""
    assert problems_of(Path("/dev/zero")) == (
        "/dev/zero: not a regular file (a folder, device or pipe)",
    )


RULE = "must be a relative path to a regular file inside the definition's folder, named once"


@pytest.mark.parametrize(
    ("include", "found"),
    [
        ("../outside.toml", "it leads outside"),
        ("/etc/passwd", "an absolute path"),
        ("/dev/zero", "an absolute path"),
        ("escape.toml", "it leads outside"),
        ("zero.toml", "it leads outside"),
        ("sub", "not a regular file"),
        ("", "not a regular file"),
        ("index.toml", "the main file 'index.toml' itself: an include cycle"),
        ("./sub/../index.toml", "the main file 'index.toml' itself: an include cycle"),
        ("area.toml", "a repeated include, already include[0]"),
        ("./area.toml", "a repeated include, already include[0]"),
        ("inside.toml", "a repeated include, already include[0]"),
    ],
)
def test_includes_stay_inside_the_folder(tmp_path, include, found):
    """An include outside the folder, absolute, not a file, the main file or repeated is refused.

    ``escape.toml`` and ``zero.toml`` are symbolic links to a file outside and to /dev/zero;
    ``inside.toml`` links to area.toml, so it repeats it.
    """
    folder = tmp_path / "def"
    folder.mkdir()
    (tmp_path / "outside.toml").write_text(AREA, encoding="utf-8")
    (folder / "escape.toml").symlink_to(tmp_path / "outside.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    (folder / "inside.toml").symlink_to("area.toml")
    (folder / "sub").mkdir()
    main = MAIN.replace('include = ["area.toml"]', f'include = ["area.toml", "{include}"]')
    problems = problems_of(write(folder, main=main))
    expected = f"{folder / 'index.toml'}: include[1]: {RULE} (got {include!r}: {found}"
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_an_included_file_cannot_include(tmp_path):
    """Includes do not nest: an included file naming itself is reported as an include cycle."""
    area = AREA.replace("schema_version = 1", 'schema_version = 1\ninclude = ["area.toml"]')
    problems = problems_of(write(tmp_path, area=area))
    assert problems == (
        f"{tmp_path / 'area.toml'}: include: only the main file 'index.toml' includes files, "
        "includes do not nest ('area.toml' is this file itself, an include cycle)",
    )


def test_a_symlink_inside_the_folder_is_followed(tmp_path):
    """A symbolic link to a file inside the folder is an ordinary include."""
    write(tmp_path)
    (tmp_path / "area.toml").rename(tmp_path / "real.toml")
    (tmp_path / "area.toml").symlink_to("real.toml")
    assert [i.id for i in icindex.load_definition(tmp_path).items] == ["office", "level"]


@pytest.mark.parametrize("argument", [None, "", 3, b"icc", ["icc"]])
def test_load_definition_of_no_path_is_a_usage_error(argument):
    """None, "", a number, bytes or a list name no definition: UsageError saying what works."""
    with pytest.raises(
        icindex.UsageError, match=r"load_definition\(name_or_path\): expected a bundled"
    ):
        icindex.load_definition(argument)
    with pytest.raises(TypeError):
        icindex.load_definition(argument)


NUMERIC = """
[[items]]
id = "count"
parent = "area"
kind = "numeric"
question = "How many?"
thresholds = [1, 5]
points = [0, 1, 2]
"""
FACT = '\n[[facts]]\nid = "pop"\nname = "Population"\ntype = "integer"\n'


def load_with(tmp_path: Path, item: str = "", fact: str = "") -> icindex.Definition:
    return icindex.load_definition(write(tmp_path, main=MAIN + fact, area=AREA + item))


def test_value_ranges_are_read_with_open_ends(tmp_path):
    """[0, inf] and [-inf, inf] are read as floats; an indicator may give one or not."""
    item = NUMERIC + "value_range = [0, inf]\n"
    item += '\n[[items]]\nid = "rate"\nparent = "area"\nkind = "indicator"\nname = "Rate"\n'
    item += "value_range = [-inf, inf]\n"
    item += '\n[[items]]\nid = "plain"\nparent = "area"\nkind = "indicator"\nname = "Plain"\n'
    definition = load_with(tmp_path, item, FACT + "value_range = [0, 1e7]\n")
    assert definition.item("count").value_range == (0.0, math.inf)
    assert definition.item("rate").value_range == (-math.inf, math.inf)
    assert definition.item("plain").value_range is None
    assert definition.facts[0].value_range == (0.0, 1e7)
    assert definition.item("office").value_range is None


def test_numeric_items_and_facts_need_a_value_range(tmp_path):
    """A numeric item and an integer fact without value_range are both reported, with examples."""
    with pytest.raises(icindex.DefinitionError) as caught:
        load_with(tmp_path, NUMERIC, FACT)
    problems = caught.value.problems
    assert len(problems) == 2
    assert "facts['pop']: missing key 'value_range': a fact of type 'integer' needs" in problems[0]
    assert "items['count']: missing key 'value_range': a numeric item needs" in problems[1]
    assert all("[0, inf] for a count" in problem for problem in problems)


@pytest.mark.parametrize(
    ("item", "fact", "where", "message"),
    [
        (NUMERIC + "value_range = [5, 1]\n", "", "items['count'].value_range", "least < greatest"),
        (NUMERIC + "value_range = [0, 0]\n", "", "items['count'].value_range", "least < greatest"),
        (NUMERIC + "value_range = [0, nan]\n", "", "items['count'].value_range", "never nan"),
        (NUMERIC + "value_range = [0]\n", "", "items['count'].value_range", "two numbers"),
        (NUMERIC + 'value_range = ["0", 9]\n', "", "items['count'].value_range", "two numbers"),
        (NUMERIC + "value_range = [true, 9]\n", "", "items['count'].value_range", "two numbers"),
        (NUMERIC + "value_range = 9\n", "", "items['count'].value_range", "two numbers"),
        (NUMERIC + "value_range = [1, 9]\n", "", "items['count'].thresholds", "got [1.0]"),
        (NUMERIC + "value_range = [0, 4]\n", "", "items['count'].thresholds", "got [5.0]"),
        (
            'value_range = [0, 1]\n',
            "",
            "items['level']",
            "unknown key 'value_range'",
        ),
        ("", '\n[[facts]]\nid = "j"\nname = "J"\ntype = "text"\nvalue_range = [0, 1]\n',
         "facts['j'].value_range", "only integer and number facts have one (type is 'text')"),
        ("", FACT + "value_range = [inf, inf]\n", "facts['pop'].value_range", "least < greatest"),
    ],
)  # fmt: skip
def test_bad_value_ranges_name_file_and_key(tmp_path, item, fact, where, message):
    """A range that is not two ordered numbers, thresholds outside it, a range on a kind or
    type without one: each names the file and key path."""
    with pytest.raises(icindex.DefinitionError) as caught:
        load_with(tmp_path, item, fact)
    assert any(f"{where}" in p and message in p for p in caught.value.problems), caught.value


def test_goalposts_may_lie_outside_the_range(tmp_path):
    """Goalposts [0, 150] with value_range [0, 100] load: values are clipped to the goalposts."""
    item = NUMERIC.replace("thresholds = [1, 5]\npoints = [0, 1, 2]", "goalposts = [0, 150]")
    definition = load_with(tmp_path, item + "value_range = [0, 100]\n")
    assert definition.item("count").goalposts == (0.0, 150.0)


def test_icc_gives_every_numeric_item_and_fact_a_range(icc):
    """Every numeric item and integer or number fact of the ICC has a range; shares are 0-100."""
    ranges = {item.id: item.value_range for item in icc.items if item.kind == "numeric"}
    ranges |= {fact.id: fact.value_range for fact in icc.facts if fact.type != "text"}
    assert None not in ranges.values() and len(ranges) == 12 + 8
    assert ranges["population"] == ranges["international_sister_cities"] == (0.0, math.inf)
    assert ranges["foreign_born_share"] == ranges["welcoming_reach"] == (0.0, 100.0)
    # A ratio of employment rates in percent: foreign residents may be employed more often.
    assert ranges["business_employment_gap"] == (0.0, math.inf)


def chain_folder(folder: Path, depth: int) -> Path:
    """A ``depth``-node chain: node k holds yes/no item qk and node k+1; the last a numeric item.

    Two cities: c1 answers q1 yes and "last" 5, c2 answers q2 no and "last" 7.
    """
    lines = ['schema_version = 1\nid = "chain"\nname = "Chain"\nroot = "n0"\n']
    lines.append('[[nodes]]\nid = "n0"\nname = "N0"\n')
    for k in range(1, depth):
        lines.append(f'[[nodes]]\nid = "n{k}"\nname = "N{k}"\nparent = "n{k - 1}"\n')
        lines.append(
            f'[[items]]\nid = "q{k}"\nparent = "n{k - 1}"\nkind = "yes_no"\nquestion = "Q?"\n'
        )
    lines.append(
        f'[[items]]\nid = "last"\nparent = "n{depth - 1}"\nkind = "numeric"\nquestion = "N?"\n'
        "value_range = [0, inf]\ngoalposts = [0, 10]\n"
    )
    (folder / "index.toml").write_text("\n".join(lines), encoding="utf-8")
    for city, answers in (("c1", 'q1 = "yes"\nlast = 5'), ("c2", 'q2 = "no"\nlast = 7')):
        (folder / f"{city}.toml").write_text(
            f'schema_version = 1\nindex = "chain"\n[city]\nid = "{city}"\nname = "{city}"\n'
            f"[answers]\n{answers}\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize("depth", [500, 10_000])
def test_a_deep_chain_validates_and_scores_from_the_command_line(tmp_path, capsys, depth):
    """`icindex validate` and `icindex score --missing bounds` work on a 500- and 10,000-node
    chain. By hand, with bounds: the deepest node n{depth-1} holds only "last", 5 of
    goalposts [0, 10] for c1 (50) and 7 for c2 (70), so its score is exact for both."""
    from icindex._cli.main import main

    folder = chain_folder(tmp_path, depth)
    assert main(["validate", str(folder)]) == 0
    capsys.readouterr()
    cities = [str(folder / "c1.toml"), str(folder / "c2.toml")]
    argv = ["score", *cities, "--index", str(folder), "--missing", "bounds", "--format", "csv"]
    assert main(argv) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    found = [(row["city_id"], float(row[f"n{depth - 1}"])) for row in rows]
    assert found == [("c1", 50.0), ("c2", 70.0)]


@pytest.mark.parametrize("depth", [500, 10_000])
def test_a_deep_chain_compiles_and_runs_the_analyses(tmp_path, depth):
    """compile(), score(), uncertainty() and sensitivity() take a deep chain (no recursion)."""
    folder = chain_folder(tmp_path, depth)
    definition = icindex.load_definition(folder)
    cities = icindex.read_responses([folder / "c1.toml", folder / "c2.toml"], definition)
    plan = icindex.compile(definition, missing="bounds")
    scores = icindex.score(plan, cities)
    deepest = scores.column(f"n{depth - 1}")
    assert deepest.tolist() == [50.0, 70.0]
    noise = [icindex.WeightNoise({1: 0.2})]
    assert icindex.uncertainty(definition, cities, noise, reps=2, seed=1) is not None
    assert icindex.sensitivity(definition, cities, noise, n_base=2, n_boot=2, seed=1) is not None
