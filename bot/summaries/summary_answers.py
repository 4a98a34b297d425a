"""Everything an examples round asked, fed back: how each group answered its rating and choice questions,
and what happens to the examples next.

Pure: a Summary in, Telegram HTML blocks out. A group too small to be shown (suppressed) is never
named: its people count only in everyone's line, and one sentence says so.
"""

from __future__ import annotations

from bot.summaries.digest_text import spread_words
from bot.text.catalogue import Words
from carework_core.definitions.model import ChoiceQuestion, Consultation, ItemRatingQuestion, RatingQuestion
from carework_core.results.summary import ALL_GROUPS, CellStats, ChoiceTally, Summary
from carework_core.results.summary_stats import phrase

GROUP_CHOICES = 3  # a group's line names its three most chosen options; everyone's names them all


def asked_blocks(w: Words, summary: Summary, c: Consultation) -> list[str]:
    """Returns a block per rating or choice question of the round that anyone answered, by group."""
    rnd = c.round(summary.round_id)
    blocks = []
    for question in rnd.questions:
        if isinstance(question, RatingQuestion):
            lines = _rating_lines(w, summary, c, question)
        elif isinstance(question, ChoiceQuestion):
            lines = _choice_lines(w, [t for t in summary.choices if t.question_id == question.id], c, question)
        else:
            continue
        if lines:
            blocks.append(f"<i>{w.text(question.text)}</i>\n" + "\n".join(lines))
    if blocks:
        blocks[0] = w("<b>What else you told us</b>") + "\n" + blocks[0]
    return blocks


def _rating_lines(w: Words, summary: Summary, c: Consultation, question: RatingQuestion) -> list[str]:
    cells = [x for x in (summary.stats.cells if summary.stats else ()) if x.question_id == question.id]
    labels = list(question.scale.labels)
    shown = [x for x in cells if x.group_id != ALL_GROUPS and not x.suppressed and x.n and _name(c, x.group_id)]
    everyone = next((x for x in cells if x.group_id == ALL_GROUPS and x.n), None)
    if everyone is None:
        return []
    lines = [_line(w, w.text(_name(c, x.group_id)), x.n, spread_words(w, phrase(x, labels))) for x in shown]
    lines.append(_line(w, w("Everyone"), everyone.n, spread_words(w, phrase(everyone, labels))))
    return lines + _folded(w, [x for x in cells if x.group_id != ALL_GROUPS])


def _choice_lines(w: Words, tallies: list[ChoiceTally], c: Consultation, question: ChoiceQuestion) -> list[str]:
    labels = {o.id: o.label for o in question.options}
    everyone = next((t for t in tallies if t.group_id == ALL_GROUPS and t.people), None)
    if everyone is None:
        return []

    def picked(tally: ChoiceTally, most: int | None = None) -> str:
        ranked = sorted((t for t in tally.chosen if t[1]), key=lambda t: -t[1])  # stable: options' order on ties
        return ", ".join(f"{w.text(labels[o])} {n}" for o, n in ranked[:most])

    shown = [t for t in tallies if t.group_id != ALL_GROUPS and not t.suppressed and t.people and _name(c, t.group_id)]
    lines = [_line(w, w.text(_name(c, t.group_id)), t.people, picked(t, GROUP_CHOICES)) for t in shown]
    lines.append(_line(w, w("Everyone"), everyone.people, picked(everyone)))
    return lines + _folded(w, [t for t in tallies if t.group_id != ALL_GROUPS])


def _line(w: Words, name: str, people: int, said: str) -> str:
    """Returns e.g. "• Social care workforce (6 people):\nHome care 4, Care home 2" (the figures on a line of their own
    read more easily on a phone than one long line)."""
    return f"• {name} ({w.plural('{count} person', '{count} people', people)}):\n{said}"


def _folded(w: Words, groups: list[CellStats] | list[ChoiceTally]) -> list[str]:
    if any(g.suppressed for g in groups):
        return [w("Small groups are only counted in Everyone. This way nobody can be picked out.")]
    return []


def _name(c: Consultation, group_id: str) -> str:
    return next((g.name for g in c.groups if g.id == group_id), "")


def examples_next(w: Words, summary: Summary, c: Consultation, group_id: str) -> str:
    """Says what happens to the examples people gave: made into ideas that a later round of the same theme
    rates (by the reader's group, or by others), or read for the report."""
    place = c.rounds.index(c.round(summary.round_id))
    theme = c.round(summary.round_id).theme
    later = [
        r
        for r in c.rounds[place + 1 :]
        if r.theme == theme and any(isinstance(q, ItemRatingQuestion) for q in r.questions)
    ]
    if any(group_id in r.groups for r in later):
        return w(
            "The research team reads every example and puts similar ones together as a short list of ideas. "
            "In a later round, you will be asked what you think of each one."
        )
    if later:
        return w(
            "The research team reads every example and puts similar ones together as a short list of ideas. "
            "Other groups will rate them in a later round."
        )
    return w("The research team reads every example and uses them in its report.")
