"""Forged taps change nothing: callback data of every kind the bot sends, forged by participants, a
coordinator and a stranger on any message of their chats, with rounds in every status (draft, open,
closed with a summary drafted, approved and sent, and a sent round with nothing rated).

Each example is a batch of forged taps, each on a message that does not carry that data as a button.
After each batch: no unexpected error, the emulator refused nothing, nobody's answers, details or
pending changes moved, no summary or round changed status, and no digest of an unsent summary is in
anyone's chat.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import callbacks as cb
from bot.errors import words_for
from tests.conftest import MINI
from tests.e2e.test_any_update import Crowd, refusals, unhurried
from tests.e2e.test_summaries import IDEAS

pytestmark = pytest.mark.slow
EXAMPLES = 25  # about 25 forged taps each: some 600 taps, in 15 to 25 s
FIGURES = "Your answers beside everyone's"
SAMPLE = "One participant’s digest, as a sample"
ROUNDS = ["r1", "r2", "r3", "r4", "r5", "r6", "nosuch"]
RATED = """
  - id: {id}
    title: {title}
    theme: wellbeing
    groups: [workforce, lived]
    schedule:
      summary: {summary}
    questions:
      - id: size
        type: rating
        text: How big a problem is staff wellbeing?
        scale:
          labels: [Small, Medium, Big]
"""
UNRATED = """
  - id: r6
    title: Sent examples
    theme: wellbeing
    groups: [workforce, lived]
    schedule:
      summary: 2026-01-01 12:00
    questions:
      - id: ideas
        type: examples
        text: Tell us about a new way of working you have seen.
"""
EXTRA = (
    RATED.format(id="r3", title="Drafted ratings", summary="2099-01-01 12:00")
    + RATED.format(id="r4", title="Approved ratings", summary="2099-01-01 12:00")
    + RATED.format(id="r5", title="Sent ratings", summary="2026-01-01 12:00")
    + UNRATED
)

by_type = {
    "str": st.sampled_from(ROUNDS + ["opening", "drop", "approve", "now", "bogus", "0", "2", "not_sure", "cy"]),
    "int": st.sampled_from([0, 1, 2, 3, 4, 5, 7, 99]),
    "bool": st.sampled_from([0, 1]),
}


@st.composite
def forged_data(draw) -> str:
    """Data shaped as one of the bot's kinds (each field of its type, often not one the bot would send), or garbage."""
    kind = draw(st.sampled_from(sorted(cb.KINDS)))
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=70))
    parts = [kind, *(str(draw(by_type[str(f.type)])) for f in fields(cb.KINDS[kind]))]
    return "|".join(parts)


taps = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10_000), forged_data()), min_size=15, max_size=35)


@pytest.fixture
async def every_status(tmp_path, make_stack):
    """The stack on mini.yaml with rounds r3 to r6 added: r1 open, r2 draft, r3 closed with its summary
    drafted, r4 approved (it goes out in 2099), r5 and r6 sent; r6 rates nothing."""
    survey = tmp_path / "mini.yaml"
    survey.write_text(MINI.read_text() + EXTRA)
    return await make_stack(survey)


async def statuses_everywhere(stack) -> Crowd:
    """Three participants answer r3 to r6, which close; a coordinator drafts, approves and sends summaries."""
    unhurried(stack)
    cora = stack.coordinator
    ann, bob, cai = await stack.joined("Ann"), await stack.joined("Bob"), await stack.joined("Cai", group="lived")
    await stack.services.answering.load_items("ideas", IDEAS)
    answering = stack.services.answering
    for rnd in ("r3", "r4", "r5", "r6"):
        await stack.open_round(rnd)
        for n, user in enumerate((ann, bob, cai)):
            await answering.begin(user.user_id, rnd)
            if rnd == "r6":
                await answering.receive_text(user.user_id, f"Buddy scheme {n}", f"m{rnd}{n}")
            else:
                await answering.tap(user.user_id, rnd, 1, str(n + 1), f"t{rnd}{n}")
        await stack.services.rounds.close_round(rnd, actor="test")
    await stack.bot.reconcile_now()
    for rnd in ("r4", "r5", "r6"):
        await stack.services.summaries.approve(rnd, "test")
    await stack.bot.reconcile_now()
    await ann.wait_for(lambda c: any(FIGURES in m.text for m in c))
    await stack.open_round("r1")
    await ann.tap("Start", message_id=(await ann.wait_for(lambda c: c[-1].buttons == [["Start"]]))[-1].message_id)
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    for who, command in ((ann, "/review"), (ann, "/consent"), (bob, "/withdraw"), (cora, "/summary r3")):
        await who.send(command)
        await who.wait_for_reply()
    await cora.send("/remind r1")
    await cora.wait_for_reply()
    stranger, sentinel = await stack.person("Sid"), await stack.person("Zed")
    await stranger.send("/start")
    await stranger.wait_for_reply()
    return Crowd(stack, [ann, bob, cai, cora, stranger], None, None, sentinel)


def kept(stack) -> tuple:
    """What a forged tap must not move: answers, details, history, changes asked for, statuses, consents, plans."""
    conn = sqlite3.connect(stack.folder / "carework.db")
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT id, participant_id, question_id, value, source FROM answers ORDER BY id",
                "SELECT answer_id, field, value FROM answer_details ORDER BY answer_id, field",
                "SELECT COUNT(*) FROM answer_history",
                "SELECT * FROM pending_changes",
                "SELECT round_id, status FROM rounds ORDER BY round_id",
                "SELECT round_id, status FROM summaries ORDER BY round_id",
                "SELECT participant_id, round_id, question_id FROM progress ORDER BY 1, 2, 3",
                "SELECT participant_id, statement_id, agreed FROM consents ORDER BY 1, 2",
                "SELECT id, status, language FROM participants ORDER BY id",
                "SELECT round_id, kind, number, at FROM plan_changes ORDER BY id",
            )
        )
    finally:
        conn.close()


def buttons_of(stack, user_id: int, message_id: int) -> set[str]:
    """The callback data of a message's buttons as the person's app shows them now."""
    message = stack.emulator.world.chats[user_id].messages[message_id]
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {b.get("callback_data") for row in rows for b in row}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=taps)
async def test_forged_taps_of_every_kind_change_and_show_nothing(every_status, caplog, batch):
    stack = every_status
    crowd = await gathered(stack, caplog)
    crowd.errors.clear()
    caplog.clear()
    before, refused_before = kept(stack), refusals(stack)
    for who, pick, data in batch:
        person = crowd.people[who]
        messages = [m for m in await person.chat() if m.from_bot]
        target = messages[pick % len(messages)].message_id
        if data not in buttons_of(stack, person.user_id, target):  # the same data as a real button is a real tap
            await person.tap_data(data, message_id=target)
    await crowd.settle()
    assert crowd.errors == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert refusals(stack) == refused_before, stack.emulator.stats()["refusal_descriptions"]
    assert kept(stack) == before
    for person in crowd.people:  # Cora's /summary shows her a sample digest of a draft: that is hers to see
        digests = [m.text for m in await person.chat() if FIGURES in m.text and not m.text.startswith(SAMPLE)]
        assert all("Sent ratings" in text for text in digests), digests  # only r5's summary went out with figures


async def gathered(stack, caplog) -> Crowd:
    """Returns the test's crowd, made on the first batch, with unexpected errors captured."""
    if getattr(stack, "crowd", None) is None:
        caplog.set_level(logging.ERROR)
        crowd = await statuses_everywhere(stack)

        async def unexpected(update, context) -> None:
            if words_for(context.error) == "oops":
                crowd.errors.append(context.error)

        stack.bot.app.add_error_handler(unexpected)
        stack.crowd = crowd
    return stack.crowd
