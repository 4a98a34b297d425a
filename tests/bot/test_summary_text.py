"""What a participant reads after a round: the shared summary and their own digest, as on a phone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.summaries.digest_text import digest_page
from bot.summaries.summary_text import summary_messages, summary_page, summary_replies
from bot.text.catalogue import words
from botapi_emulator.html_markup import parse_html, utf16_units
from carework_core.definitions.loading import load_definition
from carework_core.definitions.local_text import LocalText
from carework_core.results.summary import (
    ALL_GROUPS,
    CellStats,
    ChoiceTally,
    Consensus,
    Digest,
    DigestLine,
    ExamplesTally,
    Excerpt,
    RoundStats,
    Spread,
    Summary,
    SummaryKind,
)
from tests.conftest import MINI


@pytest.fixture(scope="module")
def mini():
    return load_definition(MINI)


def shown(messages: list[str]) -> str:
    """Returns what a person sees, as Telegram shows it (each message must parse)."""
    return "\n\n".join(parse_html(m).text for m in messages)


def examples_summary(**changes) -> Summary:
    values = dict(
        round_id="r1",
        kind=SummaryKind.EXAMPLES,
        opening="Thank you: 9 of you told us about new ways of working.",
        own_opening=True,  # a coordinator's words, shown as written in every language
        next_opens="2026-03-01T09:00:00+00:00",
        tallies=(
            ExamplesTally("examples", "workforce", 6, 14),
            ExamplesTally("examples", "lived", 0, 0, suppressed=True),
            ExamplesTally("examples", ALL_GROUPS, 9, 20),
        ),
        excerpts=(
            Excerpt(1, "workforce", "examples", "Buddies for new staff <b>really</b> help & stay."),
            Excerpt(2, "lived", "examples", "My carer has time to talk now.", dropped=True),
            Excerpt(3, "lived", "examples", "Same carer every morning, which matters to me."),
        ),
    )
    return Summary(**{**values, **changes})


def test_an_examples_summary_counts_each_group_and_everyone_and_quotes_kept_excerpts(mini):
    text = shown(summary_messages(examples_summary(), mini, "workforce"))
    assert "Wellbeing examples: what we heard\nThank you: 9 of you told us" in text
    assert "• Social care workforce: 6 people, 14 examples\n• Everyone: 9 people, 20 examples" in text
    assert "“Buddies for new staff <b>really</b> help & stay.”\n— someone in the group Social care workforce" in text
    assert "“Same carer every morning, which matters to me.”\n— someone who took part" in text  # too few to name
    assert "My carer has time to talk now." not in text  # the coordinator dropped it
    assert "lived experience" not in text
    assert text.endswith(
        "What happens next\nThe research team reads every example and uses them in its report.\n"
        "Next comes round 2, Technology ratings. It opens on Sunday 1 March."
    )


def asked(suppressed: bool) -> dict:
    """The figures of r1's own rating (size) and choice (where) questions; `suppressed`: lived is too small."""
    lived = dict(n=0, not_sure=0, suppressed=True) if suppressed else dict(n=4, not_sure=0, q1=1.0, median=1.0, q3=2.0)
    cells = (
        CellStats("size", None, None, ALL_GROUPS, 10, 1, q1=2.0, median=3.0, q3=3.0),
        CellStats("size", None, None, "workforce", 6, 1, q1=3.0, median=3.0, q3=3.0),
        CellStats("size", None, None, "lived", **lived),
    )
    choices = (
        ChoiceTally("where", "workforce", 6, (("home", 4), ("res", 2), ("other", 0))),
        ChoiceTally("where", "lived", 0, (), True) if suppressed else ChoiceTally("where", "lived", 4, (("res", 3),)),
        ChoiceTally("where", ALL_GROUPS, 10, (("home", 5), ("res", 5), ("other", 1))),
    )
    return dict(stats=RoundStats("r1", cells), choices=choices)


def test_an_examples_rounds_own_rating_and_choice_questions_are_fed_back_by_group(mini):
    text = shown(summary_messages(examples_summary(**asked(suppressed=False)), mini, "workforce"))
    assert (
        "What else you told us\nHow big a problem is staff wellbeing?\n"
        "• Social care workforce (6 people):\nmostly Big\n"
        "• People with lived experience of care (4 people):\nSmall to Medium\n"
        "• Everyone (10 people):\nMedium to Big\n\n"
        "Where do you work?\n"
        "• Social care workforce (6 people):\nHome care 4, Care home 2\n"
        "• People with lived experience of care (4 people):\nCare home 3\n"
        "• Everyone (10 people):\nHome care 5, Care home 5, Somewhere else 1\n\n"
        "What happens next"
    ) in text
    welsh = shown(summary_messages(examples_summary(**asked(suppressed=False)), mini, "workforce", words("cy")))
    assert "Beth arall a ddywedoch wrthym" in welsh and "• Pawb (10 o bobl):\nMedium i Big" in welsh


def test_a_small_group_is_folded_into_everyone_in_the_fed_back_questions(mini):
    text = shown(summary_messages(examples_summary(**asked(suppressed=True)), mini, "lived"))
    asked_part = text.split("What else you told us")[1]
    assert "lived experience" not in asked_part
    assert (
        "• Everyone (10 people):\nHome care 5, Care home 5, Somewhere else 1\nSmall groups are only counted"
        in asked_part
    )


def test_a_group_too_small_to_show_is_never_named_in_who_took_part(mini):
    text = shown(summary_messages(examples_summary(excerpts=()), mini, "lived"))
    assert "lived experience" not in text
    assert "Small groups are only counted in Everyone" in text
    assert "In your own words" not in text


def test_a_summary_longer_than_a_message_is_split_into_messages_that_each_parse(mini):
    many = tuple(Excerpt(n, "workforce", "examples", f"Example number {n}: " + "word " * 50) for n in range(1, 30))
    messages = summary_messages(examples_summary(excerpts=many), mini, "workforce")
    assert len(messages) > 1
    assert all(utf16_units(parse_html(m).text) <= 4096 for m in messages)
    assert "Example number 29" in shown(messages)


def cell(group: str, criterion: str, n: int, top2: float | None, consensus=None, **more) -> CellStats:
    return CellStats("rate", "i1", criterion, group, n, 0, top2_share=top2, consensus=consensus, **more)


def ratings_summary(reasons: int = 0) -> Summary:
    stats = RoundStats(
        "r2",
        (
            cell(ALL_GROUPS, "evidence", 10, 0.8, Consensus.AGREEMENT),
            cell("workforce", "evidence", 8, 0.75, Consensus.AGREEMENT),
            cell("lived", "evidence", 4, None, suppressed=True),
            cell(ALL_GROUPS, "newness", 10, 0.1, Consensus.AGAINST, bottom2_share=0.9),
            cell("workforce", "newness", 8, 0.0, Consensus.AGAINST, bottom2_share=1.0),
            cell("lived", "newness", 4, None, suppressed=True),
            CellStats("rate", "i2", "evidence", ALL_GROUPS, 0, 3),
        ),
        frozenset({("rate", "i1", "evidence")}),
    )
    titles = {"i1": "Buddy schemes for new staff", "i2": "Paid travel time"}
    return Summary("r2", SummaryKind.RATINGS, "Here is how you rated.", stats=stats,
                   reasons=reasons, item_titles=titles)  # fmt: skip


def page(summary: Summary, c, group: str, number: int, w=None) -> str:
    """Returns what a person reads on page `number` of a rating round's summary."""
    return parse_html(summary_page(summary, c, group, number, w or words("en"), None).text).text


def test_a_ratings_summary_opens_with_one_screen_in_plain_words_and_a_button_to_each_idea(mini):
    first, *rest = summary_replies(ratings_summary(reasons=3), mini, "workforce")
    text = parse_html(first.text).text
    assert utf16_units(text) <= 700 and rest == []
    assert "Groups see these differently\n• 1. Buddy schemes for new staff" in text
    assert "3 people explained why they see it differently." in text
    assert "Agreement" not in text and "consensus" not in text
    assert [[b.label for b in row] for row in first.buttons] == [["See each idea"]]
    assert page(ratings_summary(reasons=3), mini, "workforce", 0) == text  # the first screen again, from an idea's page


def test_each_idea_has_a_page_with_everyones_view_in_plain_words_and_the_readers_group(mini):
    assert page(ratings_summary(), mini, "workforce", 1) == (
        "Idea 1 of 2\nBuddy schemes for new staff\n"
        "Evidence: Most people rated it high. 8 of 10 people chose the top two answers. Your group: 6 of 8.\n"
        "Newness: Most people rated it low. 9 of 10 people chose the lowest two answers. Your group: 8 of 8.\n"
        "Groups see this idea differently."
    )
    assert (
        page(ratings_summary(), mini, "workforce", 2)
        == "Idea 2 of 2\nPaid travel time\nEvidence: Nobody rated this on the scale."
    )
    second = summary_page(ratings_summary(), mini, "workforce", 2, words("en"), None)
    assert [[b.label for b in row] for row in second.buttons] == [["Previous idea"], ["Back to the summary"]]
    assert summary_page(ratings_summary(), mini, "workforce", 3, words("en"), None) is None  # no such page
    team = summary_messages(ratings_summary(), mini, "workforce", details=True)  # what /summary shows the team
    assert len(team) == 2 and "Idea 1 of 2" in team[1] and "Idea 2 of 2" in team[1]


def test_a_suppressed_group_sees_only_everyones_figures(mini):
    assert "Your group" not in page(ratings_summary(), mini, "lived", 1)
    assert "Most people rated it high. 8 of 10 people chose the top two answers.\n" in page(
        ratings_summary(), mini, "lived", 1
    )
    assert "explained why" not in shown(summary_messages(ratings_summary(), mini, "lived"))


def test_the_plain_words_are_welsh_for_a_welsh_reader(mini):
    welsh = page(ratings_summary(), mini, "workforce", 1, words("cy"))
    assert "Rhoddodd y rhan fwyaf o bobl sgôr uchel iddo. Dewisodd 8 o 10 o bobl y ddau ateb uchaf." in welsh
    first = parse_html(summary_replies(ratings_summary(), mini, "workforce", words("cy"))[0].text).text
    assert "Mae grwpiau'n gweld y rhain yn wahanol" in first and utf16_units(first) <= 700


def line(n: int, yours: str = "A lot", group: str = "mostly Some") -> DigestLine:
    return DigestLine(
        ("rate", f"i{n}", "evidence"), f"Idea {n}", "Evidence", yours, group, "Some to A lot", 2.0 - n / 10
    )


def test_a_digest_shows_you_your_group_and_everyone_per_idea_furthest_first_a_screen_a_page(mini):
    digest = Digest(7, "r2", "workforce", tuple(line(n) for n in (3, 1, 2, 7, 6, 5, 4, 12, 11, 10, 9, 8)))
    first, more = digest_page(digest, mini, 0)
    seen = parse_html(first).text
    assert more is True and "(page 1 of 2)" in seen and utf16_units(seen) <= 700
    assert "Idea 1\nEvidence\nyou A lot · your group mostly Some · everyone Some to A lot" in seen
    numbers = [int(row.split()[1]) for row in seen.splitlines() if row.startswith("Idea ")]
    assert numbers == list(range(1, len(numbers) + 1))  # furthest from everyone first
    second, more = digest_page(digest, mini, 1)
    assert more is False
    assert "Idea 12\n" in parse_html(second).text and "Idea 1\n" not in parse_html(second).text


def test_a_digest_puts_an_ideas_criteria_together_under_its_title(mini):
    newness = DigestLine(("rate", "i1", "newness"), "Idea 1", "Newness", "Very new", "", "mostly Very new", 0.0)
    text, _ = digest_page(Digest(7, "r2", "workforce", (line(1), line(2), newness)), mini, 0)
    assert parse_html(text).text.endswith(
        "Idea 1\nEvidence\nyou A lot · your group mostly Some · everyone Some to A lot\n"
        "Newness\nyou Very new · everyone mostly Very new\n\n"
        "Idea 2\nEvidence\nyou A lot · your group mostly Some · everyone Some to A lot"
    )


def test_a_digest_leaves_out_a_suppressed_group_and_speaks_of_nothing_rated(mini):
    digest = Digest(7, "r2", "lived", (line(1, yours="Not sure", group=""),))
    text, more = digest_page(digest, mini, 0)
    assert parse_html(text).text.endswith("Idea 1\nEvidence\nyou Not sure · everyone Some to A lot")
    assert more is False
    empty, more = digest_page(Digest(7, "r2", "lived", ()), mini, 0)
    assert (
        parse_html(empty).text
        == "You did not rate anything in Technology ratings, so there are no answers of yours to show here."
    )
    assert more is False


def test_an_excerpt_from_a_group_big_enough_to_show_names_its_group(mini):
    tallies = (ExamplesTally("examples", "lived", 5, 9), ExamplesTally("examples", ALL_GROUPS, 5, 9))
    text = shown(summary_messages(examples_summary(tallies=tallies), mini, "lived"))
    assert (
        "“Same carer every morning, which matters to me.”\n— someone in the group People with lived experience of care"
        in text
    )


def test_a_group_the_definition_no_longer_has_is_counted_in_everyone_but_not_named(mini):
    tallies = (ExamplesTally("examples", "gone", 7, 9), ExamplesTally("examples", ALL_GROUPS, 7, 9))
    excerpts = (Excerpt(1, "gone", "examples", "Same carer every morning, which matters to me."),)
    text = shown(summary_messages(examples_summary(tallies=tallies, excerpts=excerpts), mini, "workforce"))
    assert "Who took part\n• Everyone: 7 people, 9 examples\n" in text
    assert "— someone who took part" in text
    digest = Digest(7, "r2", "gone", (line(1),))
    assert "you A lot · your group mostly Some" in parse_html(digest_page(digest, mini, 0)[0]).text


def test_a_welsh_reader_gets_the_summary_framed_in_welsh(mini):
    text = shown(summary_messages(examples_summary(), mini, "workforce", words("cy")))
    assert "Wellbeing examples: beth glywsom ni\nThank you: 9 of you" in text  # the team's own words stay as written
    assert "Pwy gymerodd ran\n• Social care workforce: 6 o bobl, 14 enghraifft\n• Pawb: 9 o bobl, 20 enghraifft" in text
    assert "— rhywun a gymerodd ran" in text and "Beth sy'n digwydd nesaf" in text
    assert text.endswith("Nesaf daw rownd 2, Technology ratings. Bydd yn agor ar Dydd Sul 1 Mawrth.")
    default = shown(summary_messages(examples_summary(own_opening=False), mini, "workforce", words("cy")))
    assert "beth glywsom ni\nDiolch am gymryd rhan yn rownd 1, Wellbeing examples." in default


def test_a_welsh_digest_names_the_scale_in_welsh(mini):
    some, lot = LocalText("Some", {"en": "Some", "cy": "Rhai"}), LocalText("A lot", {"en": "A lot", "cy": "Llawer"})
    welsh_line = DigestLine(
        ("rate", "i1", "evidence"), "Idea 1", "Evidence", lot, Spread(some, some), Spread(some, lot), 1
    )
    text, _ = digest_page(Digest(7, "r2", "workforce", (welsh_line,)), mini, 0, w=words("cy"))
    assert parse_html(text).text.endswith("Evidence\nchi Llawer · eich grŵp Rhai gan amlaf · pawb Rhai i Llawer")
    english, _ = digest_page(Digest(7, "r2", "workforce", (welsh_line,)), mini, 0)
    assert "Evidence\nyou A lot · your group mostly Some · everyone Some to A lot" in parse_html(english).text


def test_an_excerpt_names_any_group_in_plain_english(mini):
    groups = [
        g.model_copy(update={"name": name}) for g, name in zip(mini.groups, ["Group one", "Group two"], strict=True)
    ]
    named = mini.model_copy(update={"groups": groups})
    tallies = (ExamplesTally("examples", "workforce", 6, 9), ExamplesTally("examples", ALL_GROUPS, 6, 9))
    text = shown(summary_messages(examples_summary(tallies=tallies), named, "workforce"))
    assert "“Buddies for new staff <b>really</b> help & stay.”\n— someone in the group Group one" in text
    assert "one of the" not in text
    welsh = shown(summary_messages(examples_summary(tallies=tallies), named, "workforce", words("cy")))
    assert "— rhywun yn y grŵp Group one" in welsh


def test_an_excerpt_whose_writer_no_longer_agrees_is_not_quoted(mini):
    excerpts = (
        Excerpt(1, "workforce", "examples", "Buddies for new staff really help and stay.", answer_id=4, withheld=True),
        Excerpt(3, "lived", "examples", "Same carer every morning, which matters to me.", answer_id=9),
    )
    text = shown(summary_messages(examples_summary(excerpts=excerpts), mini, "workforce"))
    assert "Same carer every morning" in text and "Buddies for new staff" not in text


def test_a_summary_says_how_many_did_not_know_an_idea_in_english_and_welsh(mini):
    summary = ratings_summary()
    cells = tuple(replace(c, dont_know=12 if c.criterion_id == "newness" else 9) for c in summary.stats.cells)
    summary = replace(summary, stats=replace(summary.stats, cells=cells))
    text = page(summary, mini, "workforce", 1)
    assert text.endswith("Groups see this idea differently.\n12 people did not know this idea.")  # the most of any
    assert "Nid oedd 12 o bobl yn gwybod am y syniad hwn." in page(summary, mini, "workforce", 1, words("cy"))
    assert "did not know this idea" not in page(ratings_summary(), mini, "workforce", 1)


def test_a_summary_of_shares_says_how_many_people_rated_each_idea(mini):
    rate = mini.round("r2").question("rate")
    shared = mini.model_copy(
        update={
            "rounds": [
                mini.rounds[0],
                mini.rounds[1].model_copy(
                    update={"questions": [mini.rounds[1].questions[0], rate.model_copy(update={"items_per_person": 1})]}
                ),
            ]
        }
    )
    assert page(ratings_summary(), shared, "workforce", 1).endswith("differently.\n10 people rated this idea.")
    assert page(ratings_summary(), shared, "workforce", 2).endswith("the scale.\n3 people rated this idea.")  # not sure
    assert "Rhoddodd 10 o bobl sgôr i'r syniad hwn." in page(ratings_summary(), shared, "workforce", 1, words("cy"))
    assert "rated this idea" not in page(ratings_summary(), mini, "workforce", 1)  # everyone rated all


def test_a_long_round_still_opens_within_one_screen_and_a_long_opening_follows_it(mini):
    titles = {f"i{n}": f"Idea number {n}, " + "with a long description of what it is " * 3 for n in range(1, 21)}
    cells = []
    for n in range(1, 21):  # every idea split, and apart between groups
        cells.append(CellStats("rate", f"i{n}", "evidence", ALL_GROUPS, 50, 0, q1=1.0, median=2.0, q3=3.0,
                               top2_share=0.6, consensus=Consensus.NONE))  # fmt: skip
    stats = RoundStats("r2", tuple(cells), frozenset(("rate", f"i{n}", "evidence") for n in range(1, 21)))
    opening = ("We read every answer. " * 40).strip()
    summary = Summary("r2", SummaryKind.RATINGS, opening, stats=stats, item_titles=titles, own_opening=True)
    for w in (words("en"), words("cy")):
        first, *rest = summary_replies(summary, mini, "workforce", w)
        assert utf16_units(parse_html(first.text).text) <= 700
        assert [parse_html(r.text).text for r in rest] == [opening]  # as written, after the first screen
    text = parse_html(summary_replies(summary, mini, "workforce")[0].text).text
    assert "Views were split on\n• 1. Idea number 1," in text and "and 18 more" in text


def test_an_examples_summary_says_the_examples_become_ideas_a_later_round_rates(mini):
    rounds = [mini.rounds[0], mini.rounds[1].model_copy(update={"theme": "wellbeing"})]  # r2 rates r1's theme
    rated = mini.model_copy(update={"rounds": rounds})
    workforce = shown(summary_messages(examples_summary(), rated, "workforce"))
    assert "In a later round, you will be asked what you think of each one." in workforce
    lived = shown(summary_messages(examples_summary(), rated, "lived"))  # r2 is not for their group
    assert "a short list of ideas. Other groups will rate them in a later round." in lived
