"""Texts Telegram measures in UTF-16 units (an emoji counts as two): announcements and /mydata that
fit by characters but not by Telegram's count are refused in one line or sent another way, never lost."""

from __future__ import annotations

import asyncio

from tests.bot.test_cli import carework
from tests.bot.test_cli_coordinators import _in_db, _invited
from tests.conftest import MINI
from tests.e2e.test_coordinators import ask

EMOJI = "😀"  # one character, two UTF-16 units


async def test_an_announcement_of_2048_emoji_is_refused_in_one_line_and_a_shorter_one_still_goes(stack):
    alice = await stack.joined("Alice")
    cora = stack.coordinator
    await ask(cora, "/announce workforce")
    refused = await ask(cora, EMOJI * 2048)  # 2,048 characters, 4,096 units: Telegram's whole message
    assert refused == (
        "this announcement is 4,096 Telegram characters (an emoji counts as two); one message takes at most "
        "4,000 here, so please shorten it or send it in parts"
    )
    preview = await ask(cora, EMOJI * 1999)
    assert preview.startswith("This goes to 1 person (workforce):")
    await cora.tap("Send")
    await cora.wait_for(lambda chat: chat[-1].text == "Announcement queued for 1 person.")
    await alice.wait_for(lambda chat: chat[-1].text == EMOJI * 1999)


async def test_mydata_longer_than_one_message_in_telegrams_count_comes_as_a_file(stack):
    alice = await stack.joined("Alice")
    await stack.open_round("r1")
    await alice.wait_for(lambda chat: any(m.text.startswith("Round 1") for m in chat))
    await alice.tap("Start")
    await alice.wait_for(lambda chat: chat[-1].text.startswith("Question 1 of 4"))
    await alice.send(EMOJI * 2000)  # 2,000 characters: the account is under 4,096 of them, over in units
    await alice.wait_for(lambda chat: chat[-1].text == "Saved. Thank you.")
    await alice.send("/mydata")
    done = await alice.wait_for(lambda chat: any(m.document for m in chat if m.from_bot))
    assert any("It is long, so it is in this file." in m.text for m in done if m.from_bot)


def test_a_cli_announcement_over_telegrams_count_is_refused_and_nothing_is_queued(tmp_path):
    survey = tmp_path / "mini.yaml"
    survey.write_text(MINI.read_text())
    asyncio.run(_invited(tmp_path / "c.db", survey))
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey)}
    before = _in_db(env, lambda s: s.outbox.counts())
    refused = carework("announce", "all", "--text", EMOJI * 2100, "--yes", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: this announcement is 4,200 Telegram characters (an emoji counts as two); one message takes at "
        "most 4,000 here, so please shorten it or send it in parts"
    )
    assert _in_db(env, lambda s: s.outbox.counts()) == before
