"""/mydata and /withdraw: a person sees what is held about them, and can leave taking it with them."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from carework_core.messaging.messages import OutboxStatus
from tests.conftest import MINI
from tests.e2e.conftest import held_on_disk

WORDS = "Lanterns on the night shift rota"
CHANGED = "Lamps on the late shift rota"
LONG = "A long account of the wellbeing walks we tried on every ward " * 35  # about 2,100 characters


async def answered_once(stack, name: str = "Ann"):
    """Returns a person who joined and typed one example in round 1."""
    person = await stack.joined(name)
    await stack.open_round("r1")
    await person.wait_for(lambda c: any(m.text.startswith("Round 1: Wellbeing") for m in c))
    await person.tap("Start")
    await person.wait_for_reply()
    await person.send(WORDS)
    await person.wait_for(lambda c: c[-1].text == "Saved. Thank you.")
    return person


async def withdrawn(person):
    await person.send("/withdraw")
    await person.wait_for_reply()
    await person.tap("Yes, withdraw")
    return await person.wait_for(lambda c: "You have withdrawn" in c[-1].text)


async def all_processed(stack, timeout: float = 15.0) -> None:
    """Waits until every stored update has been processed (and so has forgotten its content)."""
    deadline = time.monotonic() + timeout
    while (await stack.services.inbox.counts()).get("new"):
        assert time.monotonic() < deadline, "the bot never finished its updates"
        await asyncio.sleep(0.1)


async def all_sent(stack, timeout: float = 15.0) -> None:
    """Waits until every update has been processed and every message it queued has reached Telegram."""
    await all_processed(stack, timeout)
    deadline = time.monotonic() + timeout
    while (await stack.services.outbox.counts()).get(OutboxStatus.PENDING):
        assert time.monotonic() < deadline, "the outbox never emptied"
        await asyncio.sleep(0.05)


def vacuumed_bytes(stack) -> bytes:
    """Vacuums the database, empties its WAL, and returns the bytes of both files."""
    path = stack.folder / "carework.db"
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM")
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        conn.close()
    wal = path.with_name("carework.db-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_mydata_shows_my_group_consents_and_answers_and_nobody_elses(stack):
    ann = await answered_once(stack)
    bea = await stack.joined("Bea", group="lived")
    await bea.send("/mydata")
    theirs = await bea.wait_for_reply()
    assert "People with lived experience of care" in theirs.text and WORDS not in theirs.text
    await ann.send("/mydata")
    mine = await ann.wait_for(lambda c: c[-1].text.startswith("What we hold about you"))
    text = mine[-1].text
    assert "Your code: P-0001" in text and "Your group: Social care workforce" in text
    assert "I have read what this is about. Yes" in text and "My words may be quoted anonymously. Yes" in text
    assert f"Wellbeing examples: Tell us about a new way of working you have seen.\n  {WORDS}" in text
    # Withdrawing deletes their answers here (on_withdraw: delete): it says so, not "take your data with you".
    assert text.endswith("To see this again, send /mydata. To leave and have all your answers deleted, send /withdraw.")


async def test_mydata_and_withdrawing_in_quick_succession_wait_out_telegrams_flood_control(telegram_paced):
    stack = telegram_paced
    ann = await answered_once(stack)
    for _ in range(6):  # more than Telegram's burst for one chat: the last ones must wait their turn
        await ann.send("/mydata")
    chat = await ann.wait_for(lambda c: sum(m.text.startswith("What we hold about you") for m in c) == 6, timeout=20)
    await ann.send("/withdraw")
    await ann.wait_for(lambda c: c[-1].buttons == [["Yes, withdraw"], ["No, stay"]])
    await ann.tap("Yes, withdraw")
    chat = await ann.wait_for(lambda c: "You have withdrawn" in c[-1].text, timeout=20)
    assert not any("went wrong" in m.text for m in chat if m.from_bot)


async def test_mydata_longer_than_a_message_comes_as_a_text_file(stack):
    ann = await answered_once(stack)
    for _ in range(2):
        await ann.tap("Add another example")
        await ann.wait_for(lambda c: c[-1].text.endswith("Type your next example in one message."))
        await ann.send(LONG)
        await ann.wait_for(lambda c: c[-1].text == "Saved. Thank you." or c[-1].text.startswith("Question 2"))
    await ann.send("/mydata")
    chat = await ann.wait_for(lambda c: any(m.from_bot and m.document for m in c))
    name = next(m.document for m in chat if m.from_bot and m.document)
    stored = stack.emulator.world.files.by_name(name).data.decode()
    assert name.endswith(".txt") and stored.startswith("What we hold about you") and stored.count(LONG.strip()) == 2


async def test_withdrawing_deletes_my_answers_and_my_telegram_id_from_the_database_file(stack):
    ann = await answered_once(stack)
    await ann.send("/review")  # a changed answer: its earlier words are kept in history until now
    await ann.wait_for_reply()
    await ann.tap("Change 1")
    await ann.wait_for_reply()
    await ann.send(CHANGED)
    await ann.wait_for(lambda c: c[-2].text == "Changed. Thank you.")
    bea = await stack.joined("Bea")
    await ann.send("/withdraw")
    asked = await ann.wait_for_reply()
    assert "All your answers will be deleted." in asked.text and asked.buttons == [["Yes, withdraw"], ["No, stay"]]
    await ann.tap("Yes, withdraw")
    chat = await ann.wait_for(lambda c: "You have withdrawn" in c[-1].text)
    assert "ask the research team for a new invite link" in chat[-1].text and chat[-1].buttons == []
    await all_processed(stack)
    assert await stack.answers() == []
    assert await stack.services.onboarding.participant(ann.user_id) is None
    assert await stack.services.onboarding.participant(bea.user_id) is not None
    on_disk = vacuumed_bytes(stack)
    assert WORDS.encode() not in on_disk and CHANGED.encode() not in on_disk
    assert not held_on_disk(on_disk, ann.user_id)


async def test_saying_no_keeps_everything(stack):
    ann = await answered_once(stack)
    await ann.send("/withdraw")
    await ann.wait_for_reply()
    await ann.tap("No, stay")
    chat = await ann.wait_for(lambda c: "You are still taking part" in c[-1].text)
    assert chat[-1].buttons == []
    assert await stack.answers() == [("P-0001", "examples", WORDS)]
    assert await stack.services.onboarding.participant(ann.user_id) is not None


async def test_a_withdrawn_person_who_writes_again_is_told_how_to_rejoin(stack):
    ann = await answered_once(stack)
    await withdrawn(ann)
    await ann.send("Hello again")
    reply = await ann.wait_for(lambda c: c[-1].text.startswith("To take part you need an invite link"))
    assert "ask them for one" in reply[-1].text
    await ann.send("/mydata")
    again = await ann.wait_for(lambda c: len([m for m in c if m.text.startswith("To take part")]) == 2)
    assert "What we hold" not in again[-1].text


@pytest.fixture
async def anonymising(tmp_path, make_stack):
    survey = tmp_path / "anonymise.yaml"
    survey.write_text(MINI.read_text() + "\non_withdraw: anonymise\n")
    return await make_stack(survey, folder=tmp_path / "run")


async def test_anonymise_keeps_answers_under_the_code_with_no_link_to_the_person(anonymising):
    ann = await answered_once(anonymising)
    await ann.send("/mydata")
    mine = await ann.wait_for(lambda c: c[-1].text.startswith("What we hold about you"))
    assert mine[-1].text.endswith(
        "To leave, send /withdraw. Your answers would stay for the research, under a code that no longer links to you."
    )
    await ann.send("/withdraw")
    asked = await ann.wait_for_reply()
    assert "kept for the research under a code" in asked.text
    chat = await withdrawn(ann)
    assert "kept under a code that no longer links to you" in chat[-1].text
    await all_processed(anonymising)
    assert await anonymising.answers() == [("P-0001", "examples", WORDS)]
    assert await anonymising.services.onboarding.participant(ann.user_id) is None
    assert not held_on_disk(vacuumed_bytes(anonymising), ann.user_id)
