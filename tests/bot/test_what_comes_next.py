""" "What happens next" names only the reader's group's rounds, never a date gone by, and says when the
last round was the last: in the summary each person is sent, in /mydata and in the reply to a stray
message (one answer, carework_core.rounds.next_round, behind all three)."""

from __future__ import annotations

import json

import pytest

from bot.scheduler import announce_closed_rounds, reconcile
from bot.screens import render
from bot.screens.their_data_text import held_text
from bot.summaries.sending import send_summary
from bot.text.catalogue import ENGLISH
from botapi_emulator.html_markup import parse_html
from carework_core.bootstrap import Services
from carework_core.rounds.schedule import SendSummary
from tests.conftest import MINI, join

LAST = "That was the last round. Thank you for all you have given to this consultation."


@pytest.fixture
async def services(tmp_path, clock):
    """Mini, with round r2 (workforce only) planned to open on a day already gone by."""
    survey = tmp_path / "mini.yaml"
    survey.write_text(
        MINI.read_text().replace(
            "    groups: [workforce]\n", "    groups: [workforce]\n    schedule:\n      opens: 2026-01-01 09:00\n"
        )
    )
    built = await Services.open(tmp_path / "c.db", survey, clock)
    yield built
    await built.close()


async def summary_of_r1(services) -> dict[int, str]:
    """Sends r1's approved summary; returns the text each participant is sent, by participant id."""
    await services.rounds.close_round("r1", actor="t")
    await services.summaries.draft("r1", "t")
    await services.summaries.approve("r1", "t", now=True)
    await send_summary(services, SendSummary("r1", services.env.clock.now()))
    async with services.env.db.reading() as tx:
        rows = await tx.fetchall("SELECT participant_id, payload FROM outbox WHERE dedupe_key LIKE 'summary:%'")
    return {pid: parse_html(json.loads(payload)["text"]).text for pid, payload in rows}


async def test_a_summary_names_only_the_readers_next_round_and_no_past_date(services):
    worker, lived = await join(services, 1, "workforce"), await join(services, 2, "lived")
    await services.rounds.open_round("r1", actor="t")
    sent = await summary_of_r1(services)
    examples = "The research team reads every example and uses them in its report."  # no later round rates them
    assert sent[lived.id].endswith(f"What happens next\n{examples}\n{LAST}")  # r2 is not for their group
    assert sent[worker.id].endswith(
        f"What happens next\n{examples}\nNext comes round 2, Technology ratings. We will tell you when it opens."
    )  # its planned opening has passed: no date in the past


async def test_a_stray_message_after_the_groups_last_round_says_it_was_the_last(services):
    await join(services, 2, "lived")
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)  # invited
    await services.rounds.close_round("r1", actor="t")
    reply = render.nothing_waiting(ENGLISH, await services.answering.whereabouts(2))
    assert reply.text == f"Round 1 has closed, so it cannot take answers now. Thank you for your time. {LAST}"


async def test_mydata_says_what_comes_next_for_the_persons_group(services):
    await join(services, 1, "workforce")
    await services.rounds.open_round("r1", actor="t")
    await services.rounds.close_round("r1", actor="t")
    account = held_text(ENGLISH, await services.their_data.held(1))
    assert "What happens next: Next comes round 2, Technology ratings. We will tell you when it opens." in account


async def test_the_closing_notice_of_a_groups_last_round_says_it_was_the_last(services):
    worker, lived = await join(services, 1, "workforce"), await join(services, 2, "lived")
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    await services.rounds.close_round("r1", actor="t")
    await announce_closed_rounds(services)
    async with services.env.db.reading() as tx:
        rows = await tx.fetchall("SELECT participant_id, payload FROM outbox WHERE dedupe_key LIKE 'closed:%'")
    said = {pid: json.loads(payload)["text"] for pid, payload in rows}
    assert said[lived.id] == f"Round 1 has closed. Thank you for your time. {LAST}"
    assert said[worker.id] == (
        "Round 1 has closed. Thank you for your time. Next comes round 2, Technology ratings. "
        "We will tell you when it opens."
    )
