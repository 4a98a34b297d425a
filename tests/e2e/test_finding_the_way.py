"""People who come back with /start or type at the wrong moment are told where they are."""

from tests.e2e.conftest import caught_up
from tests.e2e.test_round import start_round


async def test_start_again_with_no_round_open_says_we_will_message(stack):
    ann = await stack.joined("Ann")
    for command in ("/start", f"/start {await stack.link()}"):
        await ann.send(command)
        reply = await ann.wait_for_reply()
        assert reply.text.startswith("Welcome back") and "No round of questions is open" in reply.text
        assert "invite link" not in reply.text


async def test_start_again_before_tapping_start_offers_the_round(stack):
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1:") for m in c))
    await ann.send("/start")
    chat = await ann.wait_for(lambda c: c[-1].buttons == [["Start"]] and c[-2].text.startswith("Welcome back"))
    assert chat[-1].text.startswith("Round 1: Wellbeing examples")
    await ann.tap("Start", message_id=chat[-1].message_id)
    assert (await ann.wait_for_reply()).text.startswith("Question 1 of 4")


async def test_start_again_mid_round_asks_the_next_question(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await ann.send("An example")
    await ann.wait_for_reply()
    await ann.tap("Next question")
    await ann.wait_for_reply()
    await ann.send("/start")
    chat = await ann.wait_for(lambda c: c[-2].text.startswith("Welcome back"))
    assert chat[-1].text.startswith("Question 2 of 4") and chat[-1].buttons == [["Skip this question"]]


async def test_typing_before_start_says_tap_start(stack):
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1:") for m in c))
    await ann.send("Here is my idea")
    reply = await ann.wait_for_reply()
    assert "tap Start" in reply.text and "round 1" in reply.text and reply.buttons == [["Start"]]
    await ann.tap("Start", message_id=reply.message_id)
    assert (await ann.wait_for_reply()).text.startswith("Question 1 of 4")


async def test_typing_after_the_round_closed_says_it_has_closed(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await stack.services.rounds.close_round("r1", actor="test")
    await ann.send("A late example")
    await caught_up(ann)
    replies = [m.text for m in _after(await ann.chat(), "A late example") if m.from_bot and not _aside(m)]
    # Told that round 1 has closed, once; not "no round is open", nor thanked for an answer kept.
    assert len(replies) == 1 and _replies_closed(replies[0]), replies
    assert await stack.answers() == []


def _after(chat, text):
    """Returns the messages after the person's message with this text."""
    mine = max(n for n, m in enumerate(chat) if not m.from_bot and m.text == text)
    return chat[mine + 1 :]


def _replies_closed(text: str) -> bool:
    return text.startswith("Round 1 has closed, so it cannot take answers now")


def _aside(message) -> bool:
    """The closing notice to those who had not finished (sent whenever the round closes), or the help."""
    return message.text.startswith("Round 1 has closed. Thank you") or "/help:" in message.text


async def test_closing_a_round_tells_those_who_had_not_finished_once(stack):
    ann, bob, cai = [await stack.joined(name) for name in ("Ann", "Bob", "Cai")]
    await start_round(stack, ann)  # Ann answers everything
    await ann.send("x")
    for tap, shown in (
        ("Next question", "Question 2"),
        ("Skip this question", "Question 3"),
        ("Big", "Question 4"),
        ("Home care", "Question 4"),
        ("Done", "That is the end of round 1"),
    ):
        await ann.wait_for(lambda c, tap=tap: any(tap in row for row in c[-1].buttons))
        await ann.tap(tap)
        await ann.wait_for(lambda c, shown=shown: c[-1].text.startswith(shown))
    await cai.tap("Start")  # Cai starts; Bob never taps Start
    await cai.wait_for(lambda c: c[-1].text.startswith("Question 1 of 4"))
    await stack.services.rounds.close_round("r1", actor="test")
    for person in (bob, cai):
        await person.wait_for(lambda c: any(m.text.startswith("Round 1 has closed. Thank you") for m in c))
    await stack.bot.reconcile_now()  # a later reconcile owes nobody anything more
    for person in (ann, bob, cai):
        await person.send("/help")  # replies leave in order, so anything queued earlier arrives first
        chat = await person.wait_for(lambda c: c[-1].text.startswith("This is Mini consultation"))
        notices = [m for m in chat if m.text.startswith("Round 1 has closed. Thank you")]
        assert len(notices) == (person is not ann)
