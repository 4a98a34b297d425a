"""/export in Telegram: the team's researchers get the workbook as a file, and nobody waits while it is built."""

import io
import json
import threading

from openpyxl import load_workbook

from bot.screens import team_text
from bot.team.access import RESEARCHERS_ONLY
from carework_core.people.roles import RESEARCHER
from carework_core.research import sheets
from carework_core.storage.audit import audit_entries


def has_document(chat) -> bool:
    return any(m.from_bot and m.document for m in chat)


async def researcher(stack, name: str = "Rhea"):
    """Returns a team member who joined through a researcher link (`carework invite --researcher`)."""
    token = await stack.services.coordinators.create_invite(1, "cli", RESEARCHER)
    user = await stack.person(name)
    await user.send(f"/start {token}")
    assert (await user.wait_for_reply()).text.startswith("You have joined the consultation team.")
    return user


async def the_workbook(stack, chat):
    name = next(m.document for m in chat if m.from_bot and m.document)
    stored = stack.emulator.world.files.by_name(name)
    assert stored is not None and name.endswith(".xlsx")
    return load_workbook(io.BytesIO(stored.data))


async def test_a_researcher_gets_the_workbook_as_a_file_without_names_or_telegram_ids(stack):
    person = await stack.joined("Zephyrine")
    await stack.open_round("r1")
    await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await person.tap("Start")
    await person.wait_for_reply()
    await person.send("Peer support on night shifts")
    await person.wait_for_reply()
    rhea = await researcher(stack)
    await rhea.send("/export")
    chat = await rhea.wait_for(has_document, timeout=30)
    said = [m.text for m in chat if m.from_bot][-2:]
    assert said[0].startswith("Preparing the workbook") and said[1].endswith("1 answer from 1 person.")
    book = await the_workbook(stack, chat)
    assert [r[10] for r in book["Answers"].iter_rows(min_row=2, values_only=True)] == ["Peer support on night shifts"]
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    for secret in (str(person.user_id), "Zephyrine", str(rhea.user_id), "Rhea"):
        assert not [c for c in cells if secret in c], secret


async def test_a_participant_is_answered_while_a_workbook_is_being_built(stack, monkeypatch):
    """The export is held half-way in its worker thread until the participant has been answered.

    Were the export on the event loop (or awaited by the update it came in), the held export would
    hold the bot too, the participant would get no reply, and this test would time out.
    """
    held, release = threading.Event(), threading.Event()
    write = sheets.XlsxSheet.append

    def held_append(self, row):
        if not held.is_set():
            held.set()
            release.wait(timeout=20)
        write(self, row)

    monkeypatch.setattr(sheets.XlsxSheet, "append", held_append)
    person = await stack.joined("Ann")
    await stack.open_round("r1")
    await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    cora = await researcher(stack)
    await cora.send("/export")
    await cora.wait_for(lambda c: any(m.text.startswith("Preparing the workbook") for m in c))
    await person.tap("Start")
    first = await person.wait_for_reply()
    assert first.text and held.is_set() and not release.is_set()
    assert not has_document(await cora.chat())
    release.set()
    chat = await cora.wait_for(has_document, timeout=30)
    assert (await the_workbook(stack, chat)).sheetnames[0] == "About"


async def test_export_is_for_the_team_only(stack):
    person = await stack.joined("Ann")
    await person.send("/export")
    assert (await person.wait_for_reply()).text == "This command is for the consultation team."


async def test_an_unknown_round_is_refused_before_anything_is_promised_and_each_export_is_audited(stack):
    cora = await researcher(stack)
    await cora.send("/export nosuch")
    assert (await cora.wait_for_reply()).text == "there is no round 'nosuch' to export; rounds are r1, r2"
    await cora.send("/export r1")
    chat = await cora.wait_for(has_document, timeout=30)
    said = [m.text for m in chat if m.from_bot]
    assert said[1:3] == ["there is no round 'nosuch' to export; rounds are r1, r2", team_text.PREPARING]
    async with stack.services.env.db.reading() as tx:
        logged = [(a, b, c, json.loads(d)) for a, b, c, d in await audit_entries(tx) if b == "export"]
    assert len(logged) == 1
    actor, _, subject, detail = logged[0]
    assert (actor, subject, detail["format"]) == ("coordinator:1", "r1", "xlsx") and detail["file"].endswith(".xlsx")


async def test_a_coordinators_export_is_refused_kindly_and_works_once_the_settings_make_them_a_researcher(stack):
    cora = stack.coordinator
    await cora.send("/export")
    assert (await cora.wait_for_reply()).text == RESEARCHERS_ONLY
    assert str(cora.user_id) not in RESEARCHERS_ONLY and "Cora" not in RESEARCHERS_ONLY
    await stack.restart(researchers=[cora.user_id])  # CAREWORK_RESEARCHERS now names her
    await cora.send("/export")
    chat = await cora.wait_for(has_document, timeout=30)
    assert [m.text for m in chat if m.from_bot][-2] == team_text.PREPARING
    async with stack.services.env.db.reading() as tx:
        roles = [(a, b, c, json.loads(d)) for a, b, c, d in await audit_entries(tx) if "role" in b]
    assert roles == [
        ("settings", "grant_role", "coordinator:1", {"role": "coordinator", "by": "settings"}),
        ("settings", "change_role", "coordinator:1", {"from": "coordinator", "to": "researcher"}),
    ]
