"""A second language as people meet it: Welsh from the welcome on, /language, and broadcasts in each person's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.screens.deadend_text import commands_menu
from bot.text.catalogue import words
from carework_core.answering.steps import Item
from carework_core.definitions.local_text import LocalText
from carework_core.research.export import export_workbook
from tests.bot.test_cli import carework
from tests.e2e.conftest import toasts

BILINGUAL = Path(__file__).parent.parent / "fixtures" / "cymraeg.yaml"


@pytest.fixture
async def stack(make_stack):
    return await make_stack(BILINGUAL)


async def joined(stack, name: str, language_code: str, agree: str, yes: str, taking_part: str):
    """Returns someone who opened their link and agreed to everything, tapping the buttons in their language."""
    user = await stack.client.new_user(name, language_code=language_code)
    await user.send(f"/start {await stack.link()}")
    await user.wait_for(lambda chat: any(agree in row for m in chat for row in m.buttons))
    await user.tap(agree)
    await user.wait_for(lambda chat: any(yes in row for m in chat for row in m.buttons))
    await user.tap(yes)
    await user.wait_for(lambda chat: taking_part in chat[-1].text)
    return user


async def welsh(stack, name: str = "Ann"):
    return await joined(stack, name, "cy-GB", "Rwy'n cytuno", "Ie", "Rydych yn cymryd rhan")


async def english(stack, name: str = "Bob", language_code: str = "en"):
    return await joined(stack, name, language_code, "I agree", "Yes", "You are taking part")


def bot_texts(chat) -> list[str]:
    return [m.text for m in chat if m.from_bot]


async def test_someone_whose_telegram_speaks_welsh_is_welcomed_and_asked_in_welsh(stack):
    ann = await welsh(stack)
    texts = bot_texts(await ann.chat())
    assert texts[0].startswith("Croeso i Gofalu'n dda.\n\nI wirio bod carework yn siarad dwy iaith.")
    assert "Rydych wedi'ch gwahodd fel rhan o'r grŵp Gweithlu gofal cymdeithasol." in texts[0]
    assert texts[1].startswith("Cyn i ni ddechrau, darllenwch y pwyntiau hyn.\n\n• Rwyf wedi darllen am beth mae hyn.")
    assert texts[-1].startswith("Diolch. Rydych yn cymryd rhan fel rhan o'r grŵp Gweithlu gofal cymdeithasol.")

    await stack.open_round("r1")
    invited = await ann.wait_for(lambda chat: "Tapiwch Dechrau" in chat[-1].text)
    assert invited[-1].text.startswith("Rownd 1: Enghreifftiau llesiant - 3 cwestiwn, tua 5 munud.")
    assert invited[-1].buttons == [["Dechrau"]]
    await ann.tap("Dechrau")
    question = await ann.wait_for(lambda chat: chat[-1].text.startswith("Cwestiwn 1 o 3"))
    assert "Pa mor fawr yw problem llesiant staff?\n\nMeddyliwch am y mis diwethaf." in question[-1].text
    assert question[-1].buttons == [["Bach"], ["Canolig"], ["Mawr"]]


async def test_language_switches_to_english_and_the_next_question_comes_in_english(stack):
    ann = await welsh(stack)
    await stack.open_round("r1")
    await ann.wait_for(lambda chat: chat[-1].buttons == [["Dechrau"]])
    await ann.tap("Dechrau")
    await ann.wait_for(lambda chat: chat[-1].text.startswith("Cwestiwn 1 o 3"))

    await ann.send("/language")
    offer = await ann.wait_for_reply()
    assert offer.text == "Pa iaith hoffech chi?" and offer.buttons == [["English"], ["Cymraeg"]]
    await ann.tap("English")
    await ann.wait_for(lambda chat: any(t == "From now on I will write to you in English." for t in bot_texts(chat)))

    await ann.tap("Bach")  # the Welsh question's button still answers it
    nxt = await ann.wait_for(lambda chat: chat[-1].text.startswith("Question 2 of 3"))
    assert "Where do you work?" in nxt[-1].text and nxt[-1].buttons == [["Home care"], ["Care home"]]
    card = next(t for t in bot_texts(nxt) if t.startswith("Cwestiwn 1 o 3"))  # the Welsh card keeps its words
    assert card.endswith("Your answer: Small")  # and shows the answer in the language chosen since

    await ann.send("/start")  # the choice is stored: a later update still speaks English
    back = await ann.wait_for(lambda chat: chat[-2].text == "Welcome back. Here is where you left off.")
    assert back[-1].text.startswith("Question 2 of 3") and "Where do you work?" in back[-1].text


async def test_invitations_and_reminders_arrive_in_each_persons_language(stack):
    ann, bob = await welsh(stack, "Ann"), await english(stack, "Bob")
    dora = await english(stack, "Dora", language_code="de")  # a language the definition lacks: its first
    await stack.open_round("r1")
    assert (await ann.wait_for(lambda c: "Rownd 1" in c[-1].text))[-1].buttons == [["Dechrau"]]
    assert (await bob.wait_for(lambda c: "Round 1" in c[-1].text))[-1].text.startswith("Round 1: Wellbeing examples")
    assert (await dora.wait_for(lambda c: "Round 1" in c[-1].text))[-1].buttons == [["Start"]]

    cora = stack.coordinator
    await cora.send("/remind r1")
    await cora.wait_for_reply()
    await cora.tap("Send reminder")
    reminded = await ann.wait_for(lambda c: c[-1].text.startswith("Nodyn atgoffa"))
    assert reminded[-1].text.startswith("Nodyn atgoffa: mae Rownd 1: Enghreifftiau llesiant yn dal ar agor.")
    assert "Mae gennych 3 cwestiwn ar ôl, tua 5 munud." in reminded[-1].text
    english_reminder = await bob.wait_for(lambda c: c[-1].text.startswith("A reminder"))
    assert "You have 3 questions left, about 5 minutes." in english_reminder[-1].text


async def test_help_is_in_the_persons_language_and_names_the_contact(stack):
    ann = await welsh(stack)
    await ann.send("/help")
    text = (await ann.wait_for_reply()).text
    assert text.startswith("Dyma Gofalu'n dda, sy'n cael ei gynnal gan Y tîm prawf.")
    assert text.endswith("cysylltwch â y tîm prawf yn test@example.org.")


async def test_a_stale_tap_and_a_sticker_are_answered_in_welsh(stack):
    ann = await welsh(stack)
    await stack.open_round("r1")
    await ann.wait_for(lambda chat: chat[-1].buttons == [["Dechrau"]])
    await ann.tap("Dechrau")
    card = (await ann.wait_for(lambda chat: chat[-1].text.startswith("Cwestiwn 1 o 3")))[-1]
    await ann.tap("Bach", message_id=card.message_id)
    await ann.tap("Bach", message_id=card.message_id)  # the same tap again, before the buttons go
    await ann.wait_for(lambda chat: chat[-1].text.startswith("Cwestiwn 2 o 3"))
    assert "Mae'r cwestiwn hwnnw eisoes wedi'i ateb." in await toasts(ann, 1)  # the error handler speaks Welsh too
    await ann.send_sticker()
    assert (await ann.wait_for_reply()).text.startswith("Diolch, ond ni allaf ddefnyddio sticer yma")


async def test_telegrams_command_menu_is_set_in_each_language_of_the_definition(stack):
    menus = {json.loads(key)[1]: menu for key, menu in stack.emulator.world.commands.items()}
    assert sorted(menus) == ["", "cy", "en"]  # "" is for everyone else: the definition's first language
    assert [c["command"] for c in menus["cy"]] == [c["command"] for c in menus["en"]]
    assert menus[""] == menus["en"] and menus["cy"] == commands_menu(words("cy")) != menus["en"]


async def test_items_from_the_synthesis_workbook_are_rated_in_each_persons_language(stack):
    env = {"CAREWORK_DATABASE": str(stack.folder / "carework.db"), "CAREWORK_SURVEY": str(BILINGUAL)}
    ann, bob = await welsh(stack), await english(stack)
    await stack.open_round("r2")
    for user, example in ((ann, "Cyfnewid sifftiau mewn ap rota"), (bob, "Swapping shifts in a rota app")):
        await stack.services.answering.begin(user.user_id, "r2")
        await stack.services.answering.receive_text(user.user_id, example, f"m{user.user_id}")
    await stack.services.rounds.close_round("r2", actor="test")
    book_path = stack.folder / "synthesis-r2.xlsx"
    assert carework("synthesis", "export", "r2", str(book_path), env=env).returncode == 0

    book = load_workbook(book_path)
    examples = [r[0] for r in book["Examples"].iter_rows(min_row=2, values_only=True)]
    header = [c.value for c in book["Items"][1]]
    assert header[:3] == ["item_id", "title", "title_cy"]  # each title in every language the consultation speaks
    row = dict.fromkeys(header, "") | {"item_id": "I1", "title": "Rota swaps", "source_examples": "; ".join(examples)}
    book["Items"].append([row[name] for name in header])
    book.save(book_path)
    refused = carework("synthesis", "import", str(book_path), "--into", "r3", env=env)
    assert refused.returncode == 1
    assert "Items!C2: title_cy is empty; write the title as people who read cy will see it" in refused.stderr
    book["Items"]["C2"] = "Cyfnewid rota"
    book.save(book_path)
    loaded = carework("synthesis", "import", str(book_path), "--into", "r3", env=env)
    assert loaded.returncode == 0, loaded.stderr

    await stack.open_round("r3")
    for user, start, title in ((ann, "Rownd 3", "Cyfnewid rota"), (bob, "Round 3", "Rota swaps")):
        chat = await user.wait_for(lambda c, start=start: any(m.text.startswith(start) for m in c))
        invitation = next(m for m in chat if m.text.startswith(start))
        await user.tap(invitation.buttons[0][0], message_id=invitation.message_id)
        card = await user.wait_for(lambda c, title=title: title in c[-1].text)
        assert ("Rota swaps" in card[-1].text) == (user is bob)
        await user.tap(card[-1].buttons[-1][0])  # the top of the scale
        await user.wait_for(lambda c: c[-1].text.startswith(("Dyna ddiwedd", "That is the end")))

    await stack.services.rounds.close_round("r3", actor="test")  # the summary names the item in each language
    await stack.bot.reconcile_now()
    await stack.services.summaries.approve("r3", "test", now=True)
    await stack.bot.reconcile_now()
    firsts = {}  # each first screen as sent, before it pages to the idea
    for user, heading, title in ((ann, "Sgorio'r syniadau", "Cyfnewid rota"), (bob, "Rating the ideas", "Rota swaps")):
        chat = await user.wait_for(lambda c, heading=heading: any(m.text.startswith(heading) for m in c))
        summary = next(m for m in chat if m.text.startswith(heading))
        firsts[heading] = summary.text
        await user.tap(summary.buttons[0][0], message_id=summary.message_id)  # See each idea, in their language
        paged = await user.wait_for(
            lambda c, s=summary: any(m.message_id == s.message_id and m.text != s.text for m in c)
        )
        idea = next(m.text for m in paged if m.message_id == summary.message_id)
        assert idea.split("\n")[1] == title and ("Rota swaps" in idea) == (user is bob)
    welsh_summary = firsts["Sgorio'r syniadau"]
    assert "Diolch am gymryd rhan yn rownd 3." in welsh_summary  # the default opening too
    assert "Honno oedd y rownd olaf." in welsh_summary and "Thank you" not in welsh_summary


async def test_mydata_and_the_export_speak_the_language_chosen_with_language(stack, tmp_path):
    bob = await english(stack, "Bob", language_code="en-GB")
    await bob.send("/language")
    await bob.wait_for(lambda chat: chat[-1].buttons == [["English"], ["Cymraeg"]])
    await bob.tap("Cymraeg")
    await bob.wait_for(lambda chat: chat[-1].text == "O hyn ymlaen byddaf yn ysgrifennu atoch yn Gymraeg.")
    rota = LocalText("Rota swaps", {"en": "Rota swaps", "cy": "Cyfnewid rota"})
    await stack.services.answering.load_items("ideas", [Item("I1", rota)])
    for round_id in ("r1", "r2", "r3"):
        await stack.services.rounds.open_round(round_id, actor="test")
    a, uid = stack.services.answering, bob.user_id
    await a.begin(uid, "r1")
    await a.tap(uid, "r1", 1, "1", "q1")  # Small: Bach
    await a.tap(uid, "r1", 2, "home", "q2")  # Home care: Gofal cartref
    await a.receive_text(uid, "Dim byd arall", "m1")
    await a.begin(uid, "r2")
    await a.receive_text(uid, "Cyfnewid sifftiau", "m2")
    await a.receive_text(uid, "Yng Nghaerdydd", "m3")  # Where is this happening?
    await a.begin(uid, "r3")
    await a.tap(uid, "r3", 1, "1", "q3", (0, 0))  # None: Dim

    await bob.send("/mydata")
    mine = await bob.wait_for(lambda chat: chat[-1].text.startswith("Beth sydd gennym amdanoch"))
    text = mine[-1].text
    assert "Enghreifftiau llesiant: Pa mor fawr yw problem llesiant staff?\n  Bach" in text
    assert "Enghreifftiau llesiant: Ble ydych chi'n gweithio?\n  Gofal cartref" in text
    assert "Syniadau llesiant: Dywedwch wrthym am ffordd newydd o weithio rydych wedi'i gweld." in text
    assert "Ble mae hyn yn digwydd?\n  Yng Nghaerdydd" in text
    assert "Sgorio'r syniadau: Sgoriwch y syniad hwn, os gwelwch yn dda. (Cyfnewid rota, Tystiolaeth)\n  Dim" in text
    for english_words in ("Small", "Home care", "None", "Rota swaps", "Evidence", "Where is this", "Wellbeing"):
        assert english_words not in text

    path = tmp_path / "export.xlsx"
    await export_workbook(stack.services.env, path)
    people = list(load_workbook(path)["Participants"].iter_rows(values_only=True))
    assert [dict(zip(people[0], row, strict=True))["language"] for row in people[1:]] == ["cy"]
