"""A rating round's summary as people read it on a phone: one screen first, in plain words and in their
language, then each idea on a page of its own, paged in place by buttons."""

from __future__ import annotations

import json

import pytest

from botapi_emulator.html_markup import utf16_units
from carework_core.answering.service import Item
from carework_core.storage.summaries import read_chart
from tests.conftest import MINI
from tests.e2e.conftest import caught_up, toasts
from tests.e2e.test_forged_taps import GONE
from tests.e2e.test_summaries import IDEAS, rate_everything


@pytest.fixture
async def bilingual(tmp_path, make_stack):
    """The stack on mini.yaml in English and Welsh, whose rating round r2 has a summary time long past."""
    survey = tmp_path / "mini.yaml"
    text = MINI.read_text().replace("timezone: Europe/London\n", "timezone: Europe/London\nlanguages: [en, cy]\n")
    text = text.replace(
        "    groups: [workforce]\n", "    groups: [workforce]\n    schedule:\n      summary: 2026-01-01 12:00\n"
    )
    survey.write_text(text)
    return await make_stack(survey)


async def summary_sent(stack, ann, bryn) -> None:
    """Ann and Bryn (who reads Welsh) rate every idea of r2; it closes and its summary goes out."""
    await stack.services.onboarding.choose_language(bryn.user_id, "cy")
    await stack.services.answering.load_items("ideas", IDEAS)
    await stack.open_round("r2")
    for user in (ann, bryn):
        await rate_everything(stack, user, user.user_id)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    await stack.bot.reconcile_now()


def first_screen(chat, button: str):
    return next(m for m in chat if [button] in m.buttons)


async def test_the_first_screen_is_short_and_plain_and_each_idea_pages_in_place(bilingual):
    stack = bilingual
    ann, bryn = await stack.joined("Ann"), await stack.joined("Bryn")
    await summary_sent(stack, ann, bryn)

    chat = await ann.wait_for(lambda c: c[-1].text.startswith("Your answers"))  # the last of the summary's messages
    first = first_screen(chat, "See each idea")
    assert utf16_units(first.text) <= 700
    assert first.text.startswith("Technology ratings: what we heard\nThank you for taking part in round 2")
    assert "Who took part: 2 people" in first.text
    assert "Most people rated these highly\n• 1. Rota apps\n• 2. Buddy schemes\n• 3. Wellbeing walks" in first.text
    assert "Agreement" not in first.text and "%" not in first.text

    await ann.tap("See each idea", message_id=first.message_id)
    paged = await ann.wait_for(lambda c: next(m for m in c if m.message_id == first.message_id).text != first.text)
    idea = next(m for m in paged if m.message_id == first.message_id)
    assert idea.text.startswith("Idea 1 of 3\nRota apps\nEvidence: Most people rated it high.")
    assert idea.buttons == [["Next idea"], ["Back to the summary"]]
    await ann.tap("Next idea", message_id=first.message_id)
    paged = await ann.wait_for(
        lambda c: next(m for m in c if m.message_id == first.message_id).text.startswith("Idea 2")
    )
    assert next(m for m in paged if m.message_id == first.message_id).buttons == [
        ["Previous idea", "Next idea"],
        ["Back to the summary"],
    ]
    await ann.tap("Back to the summary", message_id=first.message_id)
    back = await ann.wait_for(lambda c: next(m for m in c if m.message_id == first.message_id).text == first.text)
    assert next(m for m in back if m.message_id == first.message_id).buttons == [["See each idea"]]
    assert len(back) == len(chat)  # every page was the same message, edited in place

    welsh = first_screen(
        await bryn.wait_for(lambda c: any(["Gweld pob syniad"] in m.buttons for m in c)), "Gweld pob syniad"
    )
    assert utf16_units(welsh.text) <= 700
    assert "Rhoddodd y rhan fwyaf o bobl sgôr uchel i'r rhain\n• 1. Rota apps" in welsh.text
    await bryn.tap("Gweld pob syniad", message_id=welsh.message_id)
    paged = await bryn.wait_for(lambda c: next(m for m in c if m.message_id == welsh.message_id).text != welsh.text)
    page = next(m for m in paged if m.message_id == welsh.message_id)
    assert page.text.startswith("Syniad 1 o 3\nRota apps\nEvidence: Rhoddodd y rhan fwyaf o bobl sgôr uchel iddo.")


async def test_a_page_the_bot_did_not_offer_is_refused(bilingual):
    stack = bilingual
    ann, bryn = await stack.joined("Ann"), await stack.joined("Bryn")
    await summary_sent(stack, ann, bryn)
    chat = await ann.wait_for(lambda c: any(["See each idea"] in m.buttons for m in c))
    first = first_screen(chat, "See each idea")
    for data in ("sp|r2|9", "sp|r1|1", "sp|r2|x"):  # no such idea, a round with no summary, not a page
        await ann.tap_data(data, message_id=first.message_id)
    assert await toasts(ann, 3) == [GONE] * 3
    assert next(m for m in await ann.chat() if m.message_id == first.message_id).text == first.text


async def test_a_long_digest_pages_in_place_a_screen_at_a_time(bilingual):
    stack = bilingual
    ann = await stack.joined("Ann")
    long = [
        Item(i.id, f"{i.text}: " + "a longer description of the idea, as a synthesis may give it, " * 4) for i in IDEAS
    ]
    await stack.services.answering.load_items("ideas", long)
    await stack.open_round("r2")
    await rate_everything(stack, ann, ann.user_id)
    await stack.services.rounds.close_round("r2", actor="test")
    await stack.services.summaries.draft("r2", "test")
    await stack.services.summaries.approve("r2", "test", now=True)
    await stack.bot.reconcile_now()

    digest = (await ann.wait_for(lambda c: c[-1].text.startswith("Your answers")))[-1]
    assert "(page 1 of 3)" in digest.text and digest.buttons == [["See all"]] and utf16_units(digest.text) <= 700
    assert "Evidence\nyou Some · everyone mostly Some\nNewness\nyou Very new · everyone mostly Very new" in digest.text
    await ann.tap("See all", message_id=digest.message_id)
    page = await ann.wait_for(lambda c: c[-1].message_id == digest.message_id and "(page 2 of 3)" in c[-1].text)
    assert page[-1].buttons == [["Back", "More"]]
    await ann.tap("Back", message_id=digest.message_id)
    await ann.wait_for(lambda c: c[-1].message_id == digest.message_id and c[-1].text == digest.text)


@pytest.fixture
async def small_groups(tmp_path, make_stack):
    """The stack on mini.yaml with groups shown from two people up."""
    survey = tmp_path / "mini.yaml"
    survey.write_text(
        MINI.read_text().replace("timezone: Europe/London\n", "timezone: Europe/London\nmin_group_size: 2\n")
    )
    return await make_stack(survey)


async def answer_r1(stack, user, size: str, where: str | None) -> None:
    """Gives an example in r1, skips the text question, rates the size and (unless None) ticks where they work."""
    answering, uid = stack.services.answering, user.user_id
    await answering.begin(uid, "r1")
    await answering.receive_text(uid, f"An example from {user.user_id}.", f"ex{uid}")
    await answering.finish_question(uid, "r1", 1)
    await answering.finish_question(uid, "r1", 2, skip=True)
    await answering.tap(uid, "r1", 3, size, f"size{uid}")
    if where is not None:
        await answering.tap(uid, "r1", 4, where, f"where{uid}")


async def test_an_examples_summary_feeds_back_its_rating_and_choice_questions_by_group(small_groups):
    stack = small_groups
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    carol = await stack.joined("Carol", "lived")
    await stack.open_round("r1")
    await answer_r1(stack, ann, "3", "0,1")  # Big; Home care and Care home
    await answer_r1(stack, bob, "3", "0")  # Big; Home care
    await answer_r1(stack, carol, "1", None)  # Small; she stops before saying where she works
    await stack.services.rounds.close_round("r1", actor="test")
    await stack.services.summaries.draft("r1", "test")
    await stack.services.summaries.approve("r1", "test", now=True)
    await stack.bot.reconcile_now()

    for user in (ann, carol):
        chat = await user.wait_for(lambda c: any("What else you told us" in m.text for m in c))
        text = next(m.text for m in chat if "What else you told us" in m.text)
        # The size: Carol alone in her group, so both groups fold into everyone and neither is named.
        assert (
            "How big a problem is staff wellbeing?\n• Everyone (3 people):\nMedium to Big\n"
            "Small groups are only counted in Everyone. This way nobody can be picked out.\n\n"
        ) in text
        # Where they work: nobody of Carol's group answered, so Ann and Bob's group is shown.
        assert (
            "Where do you work?\n• Social care workforce (2 people):\nHome care 2, Care home 1\n"
            "• Everyone (2 people):\nHome care 2, Care home 1\n\nWhat happens next\n"
            "The research team reads every example and uses them in its report.\n"
        ) in text
        assert "lived experience" not in text.split("What else you told us")[1]


async def test_a_welsh_reader_gets_the_chart_drawn_in_welsh_each_language_drawn_once(bilingual):
    stack = bilingual
    ann, bryn = await stack.joined("Ann"), await stack.joined("Bryn")
    eve = await stack.joined("Eve")
    await summary_sent(stack, ann, bryn)

    english = [m for m in await eve.wait_for(lambda c: any(m.photo for m in c)) if m.photo]
    welsh = [m for m in await bryn.wait_for(lambda c: any(m.photo for m in c)) if m.photo]
    assert english[0].text.startswith("Chart: the share of people who rated each idea in the top two points")
    assert welsh[0].text.startswith("Siart:") and "Rota apps: 100%." in welsh[0].text
    async with stack.services.env.db.reading() as tx:
        en_png, _ = await read_chart(tx, "r2", "en")
        cy_png, _ = await read_chart(tx, "r2", "cy")
    assert en_png.startswith(b"\x89PNG") and cy_png.startswith(b"\x89PNG") and en_png != cy_png
    await caught_up(ann, bryn, eve)
    calls = [json.loads(line) for line in (stack.folder / "trace.jsonl").read_text().splitlines()]
    uploads = sorted(
        c["params"]["photo"]["upload"]
        for c in calls
        if c.get("method") == "sendPhoto" and isinstance(c["params"]["photo"], dict)
    )
    assert uploads == ["r2.cy.png", "r2.en.png"]  # drawn and uploaded once per language, for three readers
