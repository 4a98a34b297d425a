import asyncio
import re
import zipfile
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from carework_core.answering.service import Item
from carework_core.bootstrap import Services
from carework_core.clock import ManualClock
from carework_core.research.export import ANSWER_COLUMNS, export_workbook
from tests.conftest import MINI, join

NASTY = ["=1+1", "+44 7700 900123", "-5", "@SUM(A1)", "\tindented", "\rreturn", '=HYPERLINK("http://x")']


async def answer_examples(services, user, texts):
    await services.answering.begin(user, "r1")
    for n, text in enumerate(texts):
        await services.answering.receive_text(user, text, f"m{user}-{n}")


async def test_export_has_a_row_per_answer_with_codes_not_ids(services, tmp_path):
    await join(services, 777001)
    await services.rounds.open_round("r1", actor="t")
    await answer_examples(services, 777001, ["one", "two"])
    out = tmp_path / "out.xlsx"
    counts = await export_workbook(services.env, out)
    assert counts == {"answers": 2, "participants": 1}
    sheet = load_workbook(out)["Answers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ANSWER_COLUMNS
    assert rows[1][:7] == (
        "P-0001",
        "Social care workforce",
        "r1",
        "Wellbeing examples",
        "Wellbeing",
        "examples",
        "Tell us about a new way of working you have seen.",
    )
    assert rows[1][10] == "one" and rows[2][10] == "two"
    everything = repr(list(load_workbook(out)["Participants"].values)) + repr(rows)
    assert "777001" not in everything


async def test_formula_like_text_stays_text(services, tmp_path):
    await join(services, 5)
    await services.rounds.open_round("r1", actor="t")
    for n in range(0, len(NASTY), 3):  # three examples per participant round
        user = 1000 + n
        await join(services, user)
        await answer_examples(services, user, NASTY[n : n + 3])
    out = tmp_path / "out.xlsx"
    await export_workbook(services.env, out)
    sheet = load_workbook(out)["Answers"]
    cells = [row[10] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [text.replace("\r", "\n") for text in NASTY]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)


async def test_control_characters_are_removed_but_emoji_and_symbols_kept(services, tmp_path):
    await join(services, 6)
    await services.rounds.open_round("r1", actor="t")
    await answer_examples(services, 6, ["bell\x07 and\x00 null", "café 👩🏽‍⚕️ <b> & é"])
    out = tmp_path / "out.xlsx"
    await export_workbook(services.env, out)
    values = [r[10] for r in load_workbook(out)["Answers"].iter_rows(min_row=2, values_only=True)]
    assert values == ["bell and null", "café 👩🏽‍⚕️ <b> & é"]


async def test_ratings_show_labels_and_codes(services, tmp_path):
    await join(services, 8)
    await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r2", actor="t")
    await services.answering.begin(8, "r2")
    await services.answering.tap(8, "r2", 1, "manager", "q1")
    await services.answering.tap(8, "r2", 2, "not_sure", "q2", (0, 0))
    await services.answering.tap(8, "r2", 2, "3", "q3", (0, 1))
    out = tmp_path / "out.xlsx"
    await export_workbook(services.env, out)
    rows = [r for r in load_workbook(out)["Answers"].iter_rows(min_row=2, values_only=True)]
    assert [(r[7], r[8], r[9], r[10], r[12]) for r in rows] == [
        (None, None, None, "Manager", "manager"),
        ("i1", "Rota apps", "Evidence", "Not sure", "not_sure"),
        ("i1", "Rota apps", "Newness", "Very new", "3"),
    ]


ERROR_LOOKALIKES = [
    "#N/A",
    "#REF!",
    "#DIV/0!",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#VALUE!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "\x01=1+1",
    "\x07@SUM(A1)",
]


def sheet_cell_types(path, column: str = "K") -> list[str | None]:
    """Returns the t= attribute of each data cell of a column, read from the sheet's XML itself."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        titles = [s.get("name") for s in book.findall(".//m:sheet", ns)]
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{titles.index('Answers') + 1}.xml"))
    cells = root.findall(".//m:c", ns)
    assert not root.findall(".//m:f", ns), "the sheet holds a formula"
    return [c.get("t") for c in cells if c.get("r", "").startswith(column) and c.get("r") != f"{column}1"]


async def test_error_codes_and_hidden_formulas_are_written_as_text(services, tmp_path):
    await services.rounds.open_round("r1", actor="t")
    for n in range(0, len(ERROR_LOOKALIKES), 3):
        await join(services, 2000 + n)
        await answer_examples(services, 2000 + n, ERROR_LOOKALIKES[n : n + 3])
    out = tmp_path / "out.xlsx"
    await export_workbook(services.env, out)
    cells = [row[10] for row in load_workbook(out)["Answers"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [t.lstrip("\x01\x07") for t in ERROR_LOOKALIKES]
    assert [c.data_type for c in cells] == ["s"] * len(ERROR_LOOKALIKES)
    assert [c.quotePrefix for c in cells[-2:]] == [True, True]
    assert set(sheet_cell_types(out)) <= {"inlineStr", "s"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.builds(
        str.__add__, st.sampled_from(["", "=", "\x01=", "\x0b+", "#N/A", "#REF!", "#SPILL!"]), st.text(max_size=60)
    ).filter(bool)
)
def test_any_text_comes_back_as_the_same_text(tmp_path, text):
    async def export_one() -> tuple:
        services = await Services.open(":memory:", MINI, ManualClock())
        try:
            await join(services, 1)
            await services.rounds.open_round("r1", actor="t")
            await answer_examples(services, 1, [text])
            out = tmp_path / "one.xlsx"
            await export_workbook(services.env, out)
            cell = next(load_workbook(out)["Answers"].iter_rows(min_row=2))[10]
            return cell.value, cell.data_type, sheet_cell_types(out)
        finally:
            await services.close()

    value, data_type, types = asyncio.run(export_one())
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text).replace("\r\n", "\n").replace("\r", "\n")
    assert (value or "") == kept
    if kept:
        assert data_type == "s" and types[0] in ("inlineStr", "s")


SIZE_SCALE = "        scale:\n          labels: [Small, Medium, Big]\n          not_sure: true\n      - id: where"
LATER_EDITS = {
    "reversed": SIZE_SCALE.replace("[Small, Medium, Big]", "[Big, Medium, Small]"),
    "shortened": SIZE_SCALE.replace("[Small, Medium, Big]", "[Small, Big]"),
    "retyped": SIZE_SCALE.replace(
        "        scale:\n          labels: [Small, Medium, Big]\n          not_sure: true\n", ""
    ),
}


async def test_the_export_shows_what_people_saw_whatever_the_definition_says_later(services, tmp_path):
    await join(services, 9)
    await services.rounds.open_round("r1", actor="t")
    a = services.answering
    await a.begin(9, "r1")
    await a.receive_text(9, "An example", "m1")
    await a.finish_question(9, "r1", 1)
    await a.finish_question(9, "r1", 2, skip=True)
    await a.tap(9, "r1", 3, "3", "q1")
    await a.tap(9, "r1", 4, "1", "q2")
    for name, scale in LATER_EDITS.items():
        survey = tmp_path / f"{name}.yaml"
        text = MINI.read_text().replace(SIZE_SCALE, scale)
        survey.write_text(text.replace("type: rating\n", "type: text\n") if name == "retyped" else text)
        later = await Services.open(tmp_path / "carework.db", survey, ManualClock())
        try:
            out = tmp_path / f"{name}.xlsx"
            await export_workbook(later.env, out)
        finally:
            await later.close()
        rows = list(load_workbook(out)["Answers"].iter_rows(min_row=2, values_only=True))
        assert [(r[5], r[10], r[12]) for r in rows[1:]] == [("size", "Big", "3"), ("where", "Care home", "res")], name
