"""Hostile texts typed by people: too long for one message, wide in UTF-16, full of markup."""

from __future__ import annotations

import pytest

from rehearsal.participant import app_pieces
from tests.e2e.test_followups import SURVEY, says, skip_follow_ups, start_round

WORDS = "Care workers need time between visits, fair pay & rotas <planned> ahead. "


@pytest.fixture
async def fstack(make_stack):
    """The real bot with follow-ups about each example; Telegram refuses nothing it sends."""
    return await make_stack(SURVEY)


@pytest.mark.parametrize("repeats", [70, 125])  # about 5,000 and 9,000 characters: two and three pieces
async def test_a_text_the_app_sent_in_pieces_is_kept_whole_as_one_answer(fstack, repeats):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    pasted = (WORDS * repeats).strip()
    pieces = app_pieces(pasted)
    assert len(pieces) == 2 + (repeats > 100)
    for piece in pieces:  # at once, as the app sends them: nothing comes between
        await ann.send(piece)
    added = await says(ann, "I have added that to your answer above.")
    chat = await ann.chat()
    asked = [m for m in chat if m.from_bot and "Where is this happening?" in m.text]
    assert len(asked) == 1 and asked[0].message_id < added.message_id  # the follow-up still waits
    await ann.send("In Leeds")
    await skip_follow_ups(ann, ["Who does it help?", "What shows it works?"])
    await says(ann, "add another example")
    assert [a[2] for a in await fstack.answers()] == [pasted]
    async with fstack.services.env.db.reading() as tx:
        details = await tx.fetchall("SELECT field, value FROM answer_details ORDER BY field")
    assert ("where", "In Leeds") in [tuple(d) for d in details]


async def test_a_long_text_sent_later_is_a_new_answer_not_a_continuation(fstack):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    long = (WORDS * 55).strip()  # one message, near the limit
    await ann.send(long)
    await says(ann, "Where is this happening?")
    await ann.send("In Leeds")  # the bot's question came between: this answers it
    await says(ann, "Who does it help?")
    async with fstack.services.env.db.reading() as tx:
        details = await tx.fetchall("SELECT field, value FROM answer_details")
    assert [a[2] for a in await fstack.answers()] == [long] and [tuple(d) for d in details] == [("where", "In Leeds")]


async def test_mydata_with_answers_wide_in_utf16_arrives_whole(fstack):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    thumbs = "\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}" * 500  # 1,000 characters, 2,000 UTF-16 units
    await ann.send(thumbs)
    await says(ann, "Where is this happening?")
    await ann.send(thumbs)
    await says(ann, "Who does it help?")
    await ann.send("/mydata")
    # Under 4,096 characters but over 4,096 UTF-16 units: one message would be refused.
    reply = await ann.wait_for_reply()
    assert reply.document == "my-data.txt", reply.describe()


async def test_a_last_follow_up_skipped_shows_skipped_and_no_longer_asks_for_words(fstack):
    ann = await fstack.joined("Ann")
    await start_round(fstack, ann)
    for example in ("Buddy scheme", "Paid wellbeing walks"):  # two examples: this question's most
        await ann.send(example)
        await says(ann, "Where is this happening?")
        await skip_follow_ups(ann, ["Where is this happening?", "Who does it help?"])
        last = await says(ann, "What shows it works?")
        await ann.tap("Skip", message_id=last.message_id)
        if example == "Buddy scheme":
            await ann.tap("Add another example", message_id=(await says(ann, "add another example")).message_id)
            await says(ann, "Type your next example")
    await says(ann, "Question 2 of 4")
    passed = next(m for m in await ann.chat() if m.message_id == last.message_id)
    assert passed.text.endswith("Your answer: Skipped") and "Type your answer" not in passed.text, passed.text
