"""/report in Telegram: a researcher gets the research team's report as an HTML file, audited like /export."""

import json

from bot.screens import team_text
from bot.team.access import RESEARCHERS_ONLY
from carework_core.storage.audit import audit_entries
from tests.e2e.test_export import has_document, researcher


async def test_a_researcher_gets_the_report_as_a_file_and_it_is_audited(stack):
    person = await stack.joined("Zephyrine")
    await stack.open_round("r1")
    await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    cora = await researcher(stack)
    await cora.send("/report nosuch")
    assert (await cora.wait_for_reply()).text == "there is no round 'nosuch' to export; rounds are r1, r2"
    await cora.send("/report r1")
    chat = await cora.wait_for(
        lambda c: has_document(c) and any(m.text == team_text.PREPARING_REPORT for m in c), timeout=30
    )
    said = [m.text for m in chat if m.from_bot]
    assert said.count(team_text.PREPARING_REPORT) == 1 and team_text.reported(("r1",)) in said
    name = next(m.document for m in chat if m.from_bot and m.document)
    page = stack.emulator.world.files.by_name(name).data.decode()
    assert name.endswith(".html") and page.startswith("<!DOCTYPE html>") and "Who took part" in page
    assert "Zephyrine" not in page and str(person.user_id) not in page
    async with stack.services.env.db.reading() as tx:
        logged = [(a, b, c, json.loads(d)) for a, b, c, d in await audit_entries(tx) if b == "report"]
    ((actor, _, subject, detail),) = logged
    assert (actor, subject, detail["format"], detail["file"]) == ("coordinator:1", "r1", "html", name)


async def test_report_is_for_the_teams_researchers_only(stack):
    person = await stack.joined("Ann")
    await person.send("/report")
    assert (await person.wait_for_reply()).text == "This command is for the consultation team."
    await stack.coordinator.send("/report")
    assert (await stack.coordinator.wait_for_reply()).text == RESEARCHERS_ONLY
