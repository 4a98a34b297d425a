"""`carework items import` through the real CLI process, on real .xlsx and .csv files."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

from openpyxl import Workbook, load_workbook

from tests.bot.test_cli import carework
from tests.conftest import MINI, ROOT

CYMRAEG = ROOT / "tests" / "fixtures" / "cymraeg.yaml"
HEADER = ["id", "title", "description", "theme", "kind", "evidence", "score_evidence", "score_newness"]


def workbook(path, rows, sheet="Sheet", first=None):
    """Writes a plain workbook: the item list on `sheet`, after an unrelated first sheet when `first` names one."""
    book = Workbook()
    if first:
        book.active.title = first
        book.active.append(["not", "items"])
        items = book.create_sheet(sheet)
    else:
        items = book.active
        items.title = sheet
    for row in rows:
        items.append(row)
    book.save(path)
    return path


def stored(db, item_set="ideas"):
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT item_id, text, description, theme, kind, notes, titles, descriptions, notes_languages"
            " FROM items WHERE item_set = ? ORDER BY position",
            (item_set,),
        ).fetchall()


def test_a_workbook_is_loaded_into_the_rounds_item_set_and_audited(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    path = workbook(
        tmp_path / "items.xlsx",
        [
            HEADER,
            ["I1", "Shift swaps in an app", "Workers swap shifts on their phones.", "tech", "innovation", "Two trusts"],
            ["I2", "Peer circles", "", "Wellbeing", "solution", "", 2, 3],
        ],
        sheet="Items",
        first="Notes",
    )
    loaded = carework("items", "import", str(path), "--into", "r2", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "loaded 2 items from items.xlsx into ideas for round r2"
    assert stored(tmp_path / "c.db") == [
        ("I1", "Shift swaps in an app", "Workers swap shifts on their phones.", "tech", "innovation", "Two trusts")
        + (None, None, None),
        ("I2", "Peer circles", "", "wellbeing", "solution", "", None, None, None),
    ]
    with sqlite3.connect(tmp_path / "c.db") as con:
        scores = con.execute("SELECT item_id, criterion_id, score FROM item_scores ORDER BY 1, 2").fetchall()
        audit = con.execute("SELECT actor, action, subject, detail FROM audit_log").fetchall()
    assert scores == [("I2", "evidence", 2), ("I2", "newness", 3)]
    assert [a[:3] for a in audit] == [("cli", "items_import", "r2")]
    assert json.loads(audit[0][3]) == {"file": "items.xlsx", "items": 2, "item_sets": ["ideas"]}


def test_every_problem_is_named_by_sheet_and_cell_and_nothing_is_loaded(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    good = workbook(tmp_path / "good.xlsx", [HEADER, ["I9", "Kept until a good list comes"]])
    assert carework("items", "import", str(good), "--into", "r2", env=env).returncode == 0
    path = workbook(
        tmp_path / "items.xlsx",
        [
            [*HEADER, "title_cy", "notes"],
            ["I1", "Fine"],
            ["I1", "x" * 130],
            ["bad id!", "", "", "space", "Big idea"],
            ["I4", "Scored", "", "", "", "", 4, "a lot"],
        ],
        sheet="items",
    )
    refused = carework("items", "import", str(path), "--into", "r2", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "error: items.xlsx: 10 problems, nothing was loaded:",
        "items.xlsx: sheet items, cell I1: title_cy names no further language of this consultation (it speaks en "
        "only); delete the column, or add cy to the definition's languages",
        "items.xlsx: sheet items, cell J1: unknown column 'notes'; the columns are id, title, description, theme, "
        "kind, evidence (see the README)",
        "items.xlsx: sheet items, cell A3: id I1 is used twice (also at sheet items, cell A2); give each item its "
        "own id",
        "items.xlsx: sheet items, cell B3: the title is 130 characters long; at most 120 fit on a card",
        "items.xlsx: sheet items, cell A4: id 'bad id!' is not usable: letters, digits, - and _ only, at most 32, "
        "starting with a letter or digit",
        "items.xlsx: sheet items, cell D4: unknown theme 'space'; use one of: wellbeing, tech",
        "items.xlsx: sheet items, cell E4: kind 'Big idea': lower-case letters, digits, - and _",
        "items.xlsx: sheet items, cell B4: the title is empty; write what participants will read",
        "items.xlsx: sheet items, cell G5: score '4' for evidence is off its scale: a whole number from 1 to 3, "
        "or empty",
        "items.xlsx: sheet items, cell H5: score 'a lot' for newness is off its scale: a whole number from 1 to 3, "
        "or empty",
    ]
    assert [r[:2] for r in stored(tmp_path / "c.db")] == [("I9", "Kept until a good list comes")]


def test_a_csv_file_names_line_and_column(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    path = tmp_path / "items.csv"
    path.write_text('id,title,description\nI1,Rota apps,"Apps that\nswap shifts"\n\nI2,,\n', encoding="utf-8-sig")
    refused = carework("items", "import", str(path), "--into", "r2", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: items.csv: line 5, column title: the title is empty; write what participants will read; "
        "nothing was loaded"
    )
    path.write_text("id;title\nI1;Rota apps\nI2;Peer circles\n", encoding="utf-8")  # as Excel saves it in Wales
    loaded = carework("items", "import", str(path), "--into", "r2", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert [r[:2] for r in stored(tmp_path / "c.db")] == [("I1", "Rota apps"), ("I2", "Peer circles")]


def test_texts_in_each_language_of_the_definition(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(CYMRAEG)}
    assert carework("init", env=env).returncode == 0
    header = ["id", "title", "title_cy", "description", "description_cy", "evidence", "evidence_cy"]
    path = workbook(
        tmp_path / "items.xlsx",
        [
            header,
            ["I1", "Rota apps", "Apiau rota", "Swap shifts", "Cyfnewid sifftiau", "One trust", "Un ymddiriedolaeth"],
        ],
    )
    loaded = carework("items", "import", str(path), "--into", "r3", env=env)
    assert loaded.returncode == 0, loaded.stderr
    ((_, title, description, _, _, notes, titles, descriptions, notes_languages),) = stored(tmp_path / "c.db")
    assert (title, description, notes) == ("Rota apps", "Swap shifts", "One trust")
    assert json.loads(titles) == {"en": "Rota apps", "cy": "Apiau rota"}
    assert json.loads(descriptions) == {"en": "Swap shifts", "cy": "Cyfnewid sifftiau"}
    assert json.loads(notes_languages) == {"en": "One trust", "cy": "Un ymddiriedolaeth"}
    first = workbook(tmp_path / "first.xlsx", [["id", "title", "title_en"], ["I1", "Rota apps", "Rota apps"]])
    refused = carework("items", "import", str(first), "--into", "r3", env=env)
    assert (
        refused.returncode == 1
        and (
            "sheet Sheet, cell C1: title_en: the title in en, the consultation's first language, goes in the title column"
        )
        in refused.stderr
    )


def test_a_wrong_round_a_missing_file_and_an_opened_round_are_refused(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    path = workbook(tmp_path / "items.xlsx", [["id", "title"], ["I1", "Rota apps"]])
    unknown = carework("items", "import", str(path), "--into", "r9", env=env)
    assert unknown.returncode == 1 and "no round 'r9' in the definition; rounds are: r1, r2" in unknown.stderr
    examples = carework("items", "import", str(path), "--into", "r1", env=env)
    assert examples.returncode == 1 and "round r1 has no item_rating question" in examples.stderr
    missing = carework("items", "import", str(tmp_path / "none.xlsx"), "--into", "r2", env=env)
    assert missing.returncode == 1 and missing.stderr.strip() == "error: none.xlsx: no such file; nothing was loaded"
    text = tmp_path / "items.txt"
    text.write_text("id,title\n")
    other = carework("items", "import", str(text), "--into", "r2", env=env)
    assert other.returncode == 1 and "give an .xlsx workbook or a .csv file" in other.stderr
    (tmp_path / "folder.csv").mkdir()
    folder = carework("items", "import", str(tmp_path / "folder.csv"), "--into", "r2", env=env)
    assert (
        folder.returncode == 1
        and folder.stderr.strip() == "error: folder.csv: cannot be read: Is a directory; nothing was loaded"
    )
    assert carework("items", "import", str(path), "--into", "r2", env=env).returncode == 0
    assert carework("round", "open", "r2", env=env).returncode == 0
    locked = carework("items", "import", str(path), "--into", "r2", env=env)
    assert locked.returncode == 1 and locked.stderr.strip() == (
        "error: the items of round r2 are locked: it has opened and people rate them; nothing was loaded "
        "(to rate other items, add a round with a new item_set)"
    )


def test_validate_names_file_and_line_of_an_item_set_problem(tmp_path):
    survey = tmp_path / "with-items.yaml"
    survey.write_text(
        MINI.read_text(encoding="utf-8")
        + "item_sets:\n  ideas:\n    - id: I1\n      title: Rota apps\n    - id: I1\n      title: Peer circles\n",
        encoding="utf-8",
    )
    line = len(survey.read_text().splitlines()) - 1
    result = carework("validate", str(survey))
    assert result.returncode == 1
    assert result.stdout.strip() == (
        f"{survey}:{line}: item_sets.ideas[1].id: item id I1 is used twice in ideas; give each item its own id"
    )


def test_the_exports_items_sheet_has_kinds_and_every_language_and_goes_back_in_as_it_is(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(CYMRAEG)}
    assert carework("init", env=env).returncode == 0
    further = ["title_cy", "description_cy", "evidence_cy"]
    path = workbook(
        tmp_path / "items.xlsx",
        [
            ["id", "title", "description", "theme", "kind", "evidence", *further, "score_evidence"],
            ["I1", "Shift swaps", "Swaps on a phone.", "wellbeing", "innovation", "Two trusts"]
            + ["Cyfnewid shifftiau", "Cyfnewid ar ffôn.", "Dwy ymddiriedolaeth", 2],
            ["I2", "Peer circles", "", "", "solution", "", "Cylchoedd cymheiriaid"],
        ],
    )
    assert carework("items", "import", str(path), "--into", "r3", env=env).returncode == 0
    before = stored(tmp_path / "c.db")

    out = tmp_path / "export.xlsx"
    assert carework("export", str(out), env=env).returncode == 0, "export"
    book = load_workbook(out)
    rows = [list(r) for r in book["Items"].iter_rows(values_only=True)]
    assert rows[0][1:4] + rows[0][6:] == ["item_id", "kind", "text", "description", "theme", "evidence_notes"] + [
        *further,
        "score_evidence",
    ]
    assert rows[1][1:4] + rows[1][6:] == ["I1", "innovation", "Shift swaps", "Swaps on a phone.", "wellbeing"] + [
        "Two trusts",
        "Cyfnewid shifftiau",
        "Cyfnewid ar ffôn.",
        "Dwy ymddiriedolaeth",
        2,
    ]
    assert rows[2][2] == "solution" and rows[2][6:] == [
        None,
        None,
        None,
        "Cylchoedd cymheiriaid",
        None,
        None,
        None,
    ]  # empty stays empty

    zipped = tmp_path / "export.zip"
    assert carework("export", str(zipped), "--format", "csv", env=env).returncode == 0
    with zipfile.ZipFile(zipped) as z:
        lines = list(csv.reader(io.TextIOWrapper(z.open("items.csv"), encoding="utf-8-sig")))
    assert lines[0] == [str(v) for v in rows[0]]
    assert lines[1][2] == "innovation"
    assert lines[1][-4:] == ["Cyfnewid shifftiau", "Cyfnewid ar ffôn.", "Dwy ymddiriedolaeth", "2"]

    # The sheet goes back in as it is; an edit made in it is what is loaded.
    assert carework("items", "import", str(out), "--into", "r3", env=env).returncode == 0
    assert stored(tmp_path / "c.db") == before
    book["Items"].cell(row=2, column=rows[0].index("description_cy") + 1).value = "Cyfnewid ar y ffôn."
    book.save(out)
    again = carework("items", "import", str(out), "--into", "r3", env=env)
    assert again.returncode == 0, again.stderr
    assert json.loads(stored(tmp_path / "c.db")[0][7]) == {"en": "Swaps on a phone.", "cy": "Cyfnewid ar y ffôn."}


def test_a_further_languages_title_is_required_and_its_description_falls_back(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(CYMRAEG)}
    assert carework("init", env=env).returncode == 0
    header = ["id", "title", "title_cy", "description", "description_cy"]
    rows = [header, ["I1", "Rota apps", "", "Swap shifts", ""], ["I2", "Peer circles", "Cylchoedd", "Meet", ""]]
    refused = carework("items", "import", str(workbook(tmp_path / "items.xlsx", rows)), "--into", "r3", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: items.xlsx: sheet Sheet, cell C2: title_cy is empty; write the title as people who read cy will "
        "see it; nothing was loaded"
    )
    rows[1][2] = "Apiau rota"
    loaded = carework("items", "import", str(workbook(tmp_path / "items.xlsx", rows)), "--into", "r3", env=env)
    assert loaded.returncode == 0, loaded.stderr
    first, second = stored(tmp_path / "c.db")
    assert json.loads(first[6]) == {"en": "Rota apps", "cy": "Apiau rota"}
    assert first[7] is None or json.loads(first[7]).get("cy") in (None, "Swap shifts")  # the empty cell falls back
