"""Between-round summaries through the real bot: drafted when a round closes, never sent before a
coordinator approves, then sent once to everyone of the round's groups, with a digest that pages."""

from __future__ import annotations

import json

import pytest

from carework_core.answering.service import Item
from carework_core.answering.vocabulary import NOT_SURE
from carework_core.results import figures
from carework_core.storage.audit import audit_entries
from carework_core.storage.summaries import read_chart
from tests.conftest import MINI
from tests.e2e.test_withdraw import all_processed, vacuumed_bytes, withdrawn

IDEAS = [Item("i1", "Rota apps"), Item("i2", "Buddy schemes"), Item("i3", "Wellbeing walks")]
ANN = "We started a buddy scheme so that new starters always have someone to ask."
BOB = "Managers walk the rounds with staff once a week and listen to what they say."


@pytest.fixture
async def summed(tmp_path, make_stack):
    """The stack on mini.yaml whose rating round r2 has a summary time long past; `quote` allows quoting."""
    survey = tmp_path / "mini.yaml"
    text = MINI.read_text().replace(
        "    groups: [workforce]\n", "    groups: [workforce]\n    schedule:\n      summary: 2026-01-01 12:00\n"
    )
    survey.write_text(text)
    return await make_stack(survey)


async def team(stack):
    """Cora, on the team by the settings, has used the bot once so the bot knows her chat."""
    await stack.coordinator.send("/status")
    await stack.coordinator.wait_for_reply()
    return stack.coordinator


async def rate_everything(stack, user, user_id: int) -> None:
    """Answers r2 through the core: the role, then every card (3 ideas x 2 criteria)."""
    answering = stack.services.answering
    await answering.begin(user_id, "r2")
    await answering.tap(user_id, "r2", 1, "carer", f"role{user_id}")
    for item in range(3):
        for criterion in range(2):
            await answering.tap(user_id, "r2", 2, str(criterion + 2), f"c{user_id}{item}{criterion}", (item, criterion))


async def examples_then_closed(stack, cora, ann, bob) -> None:
    """Ann and Bob each give an example in r1, which then closes; Cora is told its summary waits."""
    await stack.open_round("r1")
    for user, text in ((ann, ANN), (bob, BOB)):
        await stack.services.answering.begin(user.user_id, "r1")
        await stack.services.answering.receive_text(user.user_id, text, f"m{user.user_id}")
    await stack.services.rounds.close_round("r1", actor="test")
    await stack.bot.reconcile_now()
    await cora.wait_for(lambda c: "/summary r1" in c[-1].text)


def bot_texts(chat) -> list[str]:
    return [m.text for m in chat if m.from_bot]


async def test_a_rating_summary_waits_for_approval_then_reaches_everyone_once(summed):
    stack = summed
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any("Round 2" in m.text for m in c))
    await rate_everything(stack, ann, ann.user_id)  # Bob rates nothing
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.bot.reconcile_now()
    told = await cora.wait_for(lambda c: "/summary r2" in c[-1].text)
    assert "Nothing goes to participants until you approve it" in told[-1].text

    await stack.bot.reconcile_now()  # its time passed long ago, but nobody approved it
    await cora.send("/summary r2")
    review = await cora.wait_for(lambda c: c[-1].buttons and ["Approve", "Send now"] in c[-1].buttons)
    assert any(t == "The summary for Social care workforce:" for t in bot_texts(review))
    assert any(t.startswith("One participant’s digest, as a sample:") for t in bot_texts(review))
    assert not any(m.photo or "Thank you for taking part" in m.text for m in await ann.chat())
    held = await stack.services.summaries.stored("r2")
    assert held.summary.status.value == "draft" and held.sent_at is None and held.recipients == 0

    await cora.tap("Approve")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r2 goes out now.")
    await stack.bot.reconcile_now()
    got = await ann.wait_for(lambda c: c[-1].text.startswith("Your answers"))
    summary_part = got[-3:]
    assert summary_part[0].photo and summary_part[0].text.startswith("Chart: the share of people who rated each idea")
    assert "Thank you for taking part in round 2. Here is what people told us." in summary_part[1].text
    assert summary_part[1].buttons == [["See each idea"]]
    assert summary_part[2].buttons == []  # three ideas: the digest fits on one page
    bob_chat = await bob.wait_for(lambda c: any("Thank you for taking part in round 2" in m.text for m in c))
    assert sum(m.photo for m in bob_chat) == 1 and not any("Your answers" in m.text for m in bob_chat)  # rated nothing

    async with stack.services.env.db.reading() as tx:
        png, file_id = await read_chart(tx, "r2")
    assert png.startswith(b"\x89PNG") and file_id  # uploaded once; the second photo went by file_id
    calls = [json.loads(line) for line in (stack.folder / "trace.jsonl").read_text().splitlines()]
    photos = [c["params"]["photo"] for c in calls if c.get("method") == "sendPhoto"]
    assert photos == [{"upload": "r2.en.png", "bytes": len(png)}, file_id]

    await stack.restart()  # a restart sends nothing twice
    await stack.bot.reconcile_now()
    await ann.send("/status")  # a participant's message: answered after anything queued before it
    after = await ann.wait_for_reply()
    assert after.text
    assert sum(m.photo for m in await ann.chat()) == 1
    assert sum("Thank you for taking part in round 2" in t for t in bot_texts(await ann.chat())) == 1


async def test_the_digest_and_its_pages_show_the_approved_figures_after_the_answers_change(summed, monkeypatch):
    stack = summed
    ann = await stack.joined("Ann")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    await ann.wait_for(lambda c: any("Round 2" in m.text for m in c))
    await rate_everything(stack, ann, ann.user_id)  # Some on evidence, Very new on newness, for each idea
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    async with stack.services.env.db.transaction() as tx:  # after approval, every rating becomes the lowest
        await tx.execute("UPDATE answers SET value = '1' WHERE round_id = 'r2' AND question_id = 'rate'")
    counts, count = [], figures.round_stats
    monkeypatch.setattr(figures, "round_stats", lambda *a, **k: counts.append(a) or count(*a, **k))

    await stack.bot.reconcile_now()
    digest = (await ann.wait_for(lambda c: c[-1].text.startswith("Your answers")))[-1].text
    assert "you None" not in digest and "you Not new" not in digest
    assert "Evidence\nyou Some" in digest and "Newness\nyou Very new" in digest
    summary = next(m for m in await ann.chat() if ["See each idea"] in m.buttons)
    await ann.tap("See each idea", message_id=summary.message_id)  # a page of the summary reads what was kept
    await ann.wait_for(
        lambda c: any(m.text.startswith("Idea 1 of 3\nRota apps\nEvidence: Most people rated it high") for m in c)
    )
    assert counts == []  # neither sending nor paging counted the ratings again


async def test_a_replaced_opening_and_dropped_excerpt_then_send_now(summed):
    stack = summed
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    carol = await stack.joined("Carol", "lived")
    await examples_then_closed(stack, cora, ann, bob)

    await cora.send("/summary r1")
    await cora.wait_for(lambda c: ["Drop excerpt 2"] in c[-1].buttons)
    await cora.tap("Replace opening")
    await cora.wait_for(lambda c: c[-1].text.startswith("Send the new opening"))
    await cora.send("Here is what you told us in round 1.")
    await cora.wait_for(lambda c: c[-1].text.startswith("The opening of round r1's summary is replaced."))
    await cora.send("/summary r1")
    review = await cora.wait_for(lambda c: ["Drop excerpt 1"] in c[-1].buttons)
    await cora.tap("Drop excerpt 1", message_id=review[-1].message_id)
    edited = await cora.wait_for(lambda c: c[-1].buttons and ["Drop excerpt 1"] not in c[-1].buttons)
    assert ["Drop excerpt 2"] in edited[-1].buttons
    await cora.tap("Send now")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r1 goes out now.")

    await stack.bot.reconcile_now()
    for user in (ann, bob, carol):  # Carol gave nothing, but she is of the round's groups
        chat = await user.wait_for(lambda c: any("Here is what you told us in round 1." in m.text for m in c))
        summary = next(m.text for m in chat if "Here is what you told us" in m.text)
        assert ANN not in summary and BOB in summary and not any(m.photo for m in chat)
    async with stack.services.env.db.reading() as tx:
        approvals = [json.loads(d) for _, action, _, d in await audit_entries(tx) if action == "approve_summary"]
    assert approvals == [{"now": True}]


async def test_a_withdrawn_persons_quoted_words_leave_sent_summaries_and_the_database_file(summed):
    stack = summed
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await examples_then_closed(stack, cora, ann, bob)
    await cora.send("/summary r1")  # the draft, quoting both, is shown to Cora
    await cora.wait_for(lambda c: ["Drop excerpt 2"] in c[-1].buttons)
    await cora.tap("Send now")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r1 goes out now.")
    await stack.bot.reconcile_now()
    seen = await bob.wait_for(lambda c: any(ANN in m.text for m in c))  # Bob was sent Ann's words
    assert any(BOB in m.text for m in seen)

    await withdrawn(ann)
    await all_processed(stack)
    held = await stack.services.summaries.stored("r1")
    assert [e.text for e in held.summary.excerpts if not e.dropped] == [BOB]
    on_disk = vacuumed_bytes(stack)
    assert ANN.encode() not in on_disk and BOB.encode() in on_disk


async def test_words_of_someone_who_stops_agreeing_to_quotes_after_the_draft_never_leave(summed):
    stack = summed
    cora = await team(stack)
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    await examples_then_closed(stack, cora, ann, bob)
    await cora.send("/summary r1")  # the draft quotes both
    await cora.wait_for(lambda c: ["Drop excerpt 2"] in c[-1].buttons)

    await ann.send("/consent")
    await ann.wait_for(lambda c: "Your consent choices" in c[-1].text)
    await ann.tap("3: change to no")
    await ann.wait_for(lambda c: any("3: change to yes" in row for row in c[-1].buttons))

    await cora.send("/summary r1")
    review = await cora.wait_for(lambda c: c[-1].buttons and ["Send now"] in [r[1:] for r in c[-1].buttons])
    since = max(n for n, m in enumerate(review) if not m.from_bot)
    preview = bot_texts(review[since:])
    assert "1 quote dropped: the person who wrote it no longer agrees to be quoted, or has withdrawn." in preview
    # Each group reads what comes next for itself, so the two groups' summaries differ here.
    assert "The summary for People with lived experience of care:" in preview
    assert preview[-1].endswith("Once approved, it goes out straight away.")
    assert not any(ANN in t for t in preview) and any(BOB in t for t in preview)
    assert ["Drop excerpt 1"] not in review[-1].buttons  # it is out already
    await cora.tap("Send now")
    await cora.wait_for(lambda c: c[-1].text == "Approved. The summary of round r1 goes out now.")
    await stack.bot.reconcile_now()
    for user in (ann, bob):
        chat = await user.wait_for(lambda c: any("Thank you for taking part in round 1" in m.text for m in c))
        summary = next(m.text for m in chat if "Thank you for taking part in round 1" in m.text)
        assert BOB in summary and ANN not in summary


@pytest.fixture
async def two_groups_rate(tmp_path, make_stack):
    """The stack on mini.yaml where both groups rate r2 (its summary time long past); min_group_size 3."""
    survey = tmp_path / "mini.yaml"
    text = MINI.read_text().replace("timezone: Europe/London\n", "timezone: Europe/London\nmin_group_size: 3\n")
    text = text.replace(
        "    groups: [workforce]\n", "    groups: [workforce, lived]\n    schedule:\n      summary: 2026-01-01 12:00\n"
    )
    survey.write_text(text)
    return await make_stack(survey)


async def test_a_group_with_two_ratings_and_three_not_sure_is_not_shown_on_its_own(two_groups_rate):
    stack = two_groups_rate
    await stack.services.answering.load_items("ideas", IDEAS[:1])
    people = {
        name: await stack.joined(name, group)
        for name, group in [
            *((n, "workforce") for n in ("Wes", "Wyn", "Wat")),
            *((n, "lived") for n in ("Lee", "Liz", "Lou")),
        ]
    }
    await stack.open_round("r2")
    # Evidence: lived rate None and A lot, Lou is not sure (2 ratings); newness: three ratings in each group.
    evidence = {"Wes": "3", "Wyn": "3", "Wat": "2", "Lee": "1", "Liz": "3", "Lou": NOT_SURE}
    for name, user in people.items():
        answering = stack.services.answering
        await answering.begin(user.user_id, "r2")
        await answering.tap(user.user_id, "r2", 1, "carer", f"role{name}")
        await answering.tap(user.user_id, "r2", 2, evidence[name], f"ev{name}", (0, 0))
        await answering.tap(user.user_id, "r2", 2, "2", f"new{name}", (0, 1))
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    await stack.bot.reconcile_now()

    got = await people["Lee"].wait_for(lambda c: c[-1].text.startswith("Your answers"))
    first = next(m for m in got if ["See each idea"] in m.buttons)
    await people["Lee"].tap("See each idea", message_id=first.message_id)
    paged = await people["Lee"].wait_for(lambda c: any(m.text.startswith("Idea 1 of 1") for m in c))
    page = next(m.text for m in paged if m.text.startswith("Idea 1 of 1"))
    lines = {line.split(":")[0]: line for line in page.splitlines() if line.startswith(("Evidence", "Newness"))}
    assert "Your group" in lines["Newness"]  # three ratings: shown
    assert "Your group" not in lines["Evidence"]  # two ratings (and one Not sure): never on their own
    digest = got[-1].text
    assert "Newness\nyou Quite new · your group mostly Quite new" in digest
    assert "your group" not in digest.split("Evidence")[1].split("\n")[0]
