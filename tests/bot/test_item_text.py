"""An item card's description and "More about this idea": cut at a word, escaped, in the person's language."""

from bot import callbacks as cb
from bot.screens import item_text, render
from bot.text.catalogue import ENGLISH, words
from carework_core.answering.service import Ask, Item
from carework_core.definitions.loading import load_definition
from carework_core.definitions.local_text import LocalText
from tests.conftest import MINI

C = load_definition(MINI)
R2 = C.rounds[1]


def card(item: Item, criterion: int = 0) -> Ask:
    q = R2.questions[1]
    return Ask(
        R2,
        2,
        q,
        2,
        2,
        item=item,
        criterion=C.criteria[criterion],
        item_index=3,
        items_total=5,
        criterion_index=criterion,
    )


def test_a_long_description_is_cut_at_a_word_with_an_ellipsis():
    text = "word " * 60
    shown = item_text.cut(text)
    assert len(shown) <= 200 and shown.endswith("word…") and text.startswith(shown[:-1])
    assert item_text.cut("short and whole.") == "short and whole."
    assert item_text.cut("x" * 250) == "x" * 199 + "…"  # one long word is cut where it falls


def test_the_card_shows_the_start_escaped_and_offers_more_only_when_there_is_more():
    long = "Swap <shifts> & rest. " * 20
    reply = render.step(ENGLISH, card(Item("I4", "Rota apps", long)), C)
    assert "<i>Rota apps</i>\nSwap &lt;shifts&gt; &amp; rest." in reply.text and long not in reply.text
    assert reply.buttons[-1][0].label == "More about this idea"
    assert reply.buttons[-1][0].data == cb.MoreAbout("r2", 2, 3, 0)
    whole = render.step(ENGLISH, card(Item("I4", "Rota apps", "All there is.")), C)
    assert "All there is." in whole.text and all(
        b.label != "More about this idea" for row in whole.buttons for b in row
    )
    notes = render.step(ENGLISH, card(Item("I4", "Rota apps", "", "One trust"), criterion=1), C)
    assert notes.buttons[-1][0].data == cb.MoreAbout("r2", 2, 3, 1)  # evidence alone is more to show


def test_more_about_this_idea_is_in_the_persons_language_with_back_to_the_card():
    item = Item(
        "I4",
        LocalText("Rota apps", {"en": "Rota apps", "cy": "Apiau rota"}),
        LocalText("Swap shifts.", {"en": "Swap shifts.", "cy": "Cyfnewid sifftiau."}),
        LocalText("One trust.", {"en": "One trust.", "cy": "Un ymddiriedolaeth."}),
    )
    more = item_text.more_about(words("cy"), card(item))
    assert more.text == "<b>Apiau rota</b>\n\nCyfnewid sifftiau.\n\n<b>Tystiolaeth</b>\nUn ymddiriedolaeth."
    assert [[(b.label, b.data) for b in row] for row in more.buttons] == [[("Yn ôl", cb.BackToCard("r2", 2, 3, 0))]]
