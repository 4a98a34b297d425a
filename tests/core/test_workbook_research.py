"""What the research team put in and what people said aloud, found again in the export: the synthesis'
evidence notes beside its items, and the recording of every spoken follow-up and Other named by its file."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from carework_core.answering.voice import VoiceNote, voice_files
from carework_core.bootstrap import Services
from carework_core.research.export import export_workbook
from tests.conftest import ROOT, join
from tests.core.test_synthesis import exported, fill

FOLLOWUPS = ROOT / "tests" / "fixtures" / "followups.yaml"


def csv_sheet(path, name: str) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def xlsx_sheet(path, title: str) -> list[dict]:
    rows = list(load_workbook(path)[title].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_the_synthesis_evidence_notes_are_in_the_items_sheet_of_both_exports(services, tmp_path):
    path, rows = await exported(services, tmp_path)
    ids = [r[0] for r in rows[1:]]
    fill(
        path,
        [["I1", "Rota apps", "", "", ids[0], "Two trusts report fewer gaps", 2, 3], ["I2", "Circles", "", "", ids[1]]],
    )
    await services.synthesis.import_items(path, "r2", actor="researcher")
    await export_workbook(services.env, tmp_path / "book.xlsx")
    await export_workbook(services.env, tmp_path / "book.zip", format="csv")
    for items in (xlsx_sheet(tmp_path / "book.xlsx", "Items"), csv_sheet(tmp_path / "book.zip", "items.csv")):
        assert [(i["item_id"], i["evidence_notes"] or "") for i in items] == [
            ("I1", "Two trusts report fewer gaps"),
            ("I2", ""),
        ]
    with zipfile.ZipFile(tmp_path / "book.zip") as archive:
        codebook = archive.read("codebook.csv").decode("utf-8-sig")
    assert "evidence_notes" in codebook


async def test_a_spoken_follow_up_and_spoken_other_words_name_their_recordings(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", FOLLOWUPS, clock)
    try:
        await join(services, 100)
        await services.rounds.open_round("r1", actor="test")
        a = services.answering
        await a.begin(100, "r1")
        await a.receive_text(100, "Buddy scheme", "m1")
        await a.receive_text(100, "", "m2", VoiceNote("f-where", "u-where", 7))  # Where is this happening?
        await a.receive_text(100, "It helps new starters", "m3")  # Who does it help?
        await a.receive_text(100, "", "m4", VoiceNote("f-evidence", "u-evidence", 9))  # What shows it works?
        await a.finish_question(100, "r1", 1)
        await a.tap(100, "r1", 2, "other", "q1")  # Something else: what is it?
        await a.receive_text(100, "", "m5", VoiceNote("f-other", "u-other", 4))
        await export_workbook(services.env, tmp_path / "book.xlsx")
        await export_workbook(services.env, tmp_path / "book.zip", format="csv")
        async with services.env.db.reading() as tx:
            downloaded = {v.file_name for v in await voice_files(tx, "r1")}  # as `carework voice-notes` saves them
    finally:
        await services.close()
    assert downloaded == {"P-0001_examples-where_1.ogg", "P-0001_examples-evidence_1.ogg", "P-0001_role-other_1.ogg"}
    for answers in (xlsx_sheet(tmp_path / "book.xlsx", "Answers"), csv_sheet(tmp_path / "book.zip", "answers.csv")):
        by_question = {row["question_id"]: row for row in answers}
        example, role = by_question["examples"], by_question["role"]
        assert example["followups"] == (
            "where: [voice note, 7 s]\nwho: It helps new starters\nevidence: [voice note, 9 s]"
        )
        assert example["followup_voice_files"] == (
            "where: P-0001_examples-where_1.ogg\nevidence: P-0001_examples-evidence_1.ogg"
        )
        assert role["other_words"] == "[voice note, 4 s]"
        assert role["followup_voice_files"] == "other: P-0001_role-other_1.ogg"


async def test_the_recording_of_a_changed_spoken_answer_is_named_beside_the_earlier_answer(services, tmp_path):
    await join(services, 100)
    await services.rounds.open_round("r1", actor="test")
    await services.answering.begin(100, "r1")
    await services.answering.receive_text(100, "", "m1", VoiceNote("f-1", "u-1", 12))
    listing = await services.review.listing(100)
    await services.review.change(100, "r1", listing.entries[0].answer_id)
    await services.answering.receive_text(100, "A rota app", "m2")
    await export_workbook(services.env, tmp_path / "book.xlsx")
    await export_workbook(services.env, tmp_path / "book.zip", format="csv")
    for earlier in (
        xlsx_sheet(tmp_path / "book.xlsx", "Earlier answers"),
        csv_sheet(tmp_path / "book.zip", "earlier_answers.csv"),
    ):
        assert [(e["answer"], e["voice_file"]) for e in earlier] == [("[voice note, 12 s]", "P-0001_examples_1.ogg")]
