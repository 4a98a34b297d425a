""" "Why some people rated it differently": the reasons a coordinator chose to show under an idea.

Pure: a Summary in, a block of Telegram HTML out. The reasons are people's own words, shown as
written (escaped) and never with their group, so a small group's member cannot be picked out.
"""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.text.catalogue import Words, in_language
from bot.text.reply import Button, Reply
from carework_core.definitions.model import Consultation
from carework_core.results.dissent import ReasonChoice, shown_reasons
from carework_core.results.summary import Summary

LISTED_PER_IDEA = 8  # a coordinator's list stays readable; the first ones given are listed


def why_differ(w: Words, summary: Summary, c: Consultation, question_id: str, item_id: str | None) -> str:
    """Returns the block of chosen reasons about one idea, or "" when none is shown."""
    chosen = [r for r in shown_reasons(summary) if r.idea == (question_id, item_id)]
    if not chosen:
        return ""
    names = {k.id: k.name for k in c.criteria}
    criteria = {r.criterion_id for r in chosen}
    lines = []
    for reason in chosen:
        # The criterion is named only when the reasons explain different ones.
        about = (
            f"<i>{w.text(names[reason.criterion_id])}</i>: "
            if len(criteria) > 1 and reason.criterion_id in names
            else ""
        )
        lines.append(f"• {about}“{escape(reason.text)}”")
    return w("<b>Why some people rated it differently</b>") + "\n" + "\n".join(lines)


def reason_choices(choices: list[ReasonChoice], summary: Summary, c: Consultation, per_idea: int) -> list[Reply]:
    """For the team: the reasons a draft may show, one message per idea, each with a Show or Hide button."""
    if not choices:
        return []
    by_idea: dict[tuple[str, str | None], list[ReasonChoice]] = {}
    for choice in choices:
        by_idea.setdefault(choice.reason.idea, []).append(choice)
    head = (
        f"Reasons people gave for rating an idea differently, from people who agree to be quoted. Choose up to"
        f" {per_idea} per idea; participants read them under “Why some people rated it differently”."
    )
    return [Reply(escape(head)), *(idea_choices(listed, summary, c) for listed in by_idea.values())]


def idea_choices(listed: list[ReasonChoice], summary: Summary, c: Consultation) -> Reply:
    """For the team: one idea's reasons, chosen first, each with its Show or Hide button."""
    question_id, item_id = listed[0].reason.idea
    title = (
        summary.item_titles.get(item_id, item_id) if item_id else c.round(summary.round_id).question(question_id).text
    )
    listed = sorted(listed, key=lambda ch: not ch.chosen)  # chosen first: they are always listed
    shown = listed[:LISTED_PER_IDEA]
    lines = [f"<b>{escape(in_language(title, c.languages[0]))}</b>"]
    lines += [f"R{ch.reason.reason_id}{' (chosen)' if ch.chosen else ''}: “{escape(ch.reason.text)}”" for ch in shown]
    if len(listed) > len(shown):
        lines.append(escape(f"and {len(listed) - len(shown)} more, not listed."))
    return Reply("\n".join(lines), tuple((_toggle(summary.round_id, ch),) for ch in shown))


def _toggle(round_id: str, choice: ReasonChoice) -> Button:
    number = choice.reason.reason_id
    if choice.chosen:
        return Button(f"Hide R{number}", cb.SummaryAct(round_id, "hide", number))
    return Button(f"Show R{number}", cb.SummaryAct(round_id, "show", number))
