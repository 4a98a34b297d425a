"""Pure functions from the coordinators' core results to plain lines, shared by Telegram and the CLI.

Coordinators get precise lines: the round, the group, the number, and times in the consultation's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from carework_core.clock import parse_iso
from carework_core.people.coordinators import TeamMember
from carework_core.people.invite_links import OpenLink
from carework_core.people.roles import RESEARCHER, Roster
from carework_core.results.summary import Summary
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.plans import Extended
from carework_core.rounds.progress import RoundOverview, RoundProgress
from carework_core.rounds.schedule import ChangeKind

TEAM_COMMANDS = (
    "/status: who is answering, per round and group\n"
    "/rounds: each round's status and plan\n"
    "/open ROUND, /close ROUND\n"
    "/extend ROUND UNTIL (2026-01-25 21:00, 2026-01-25 or +3d)\n"
    "/remind ROUND: remind those who have not finished, now\n"
    "/invite GROUP [USES], /invite coordinator\n"
    "/revoke: the invite links not yet used; /revoke REF or /revoke all [GROUP] revokes them\n"
    "/coordinators: the team; /uncoordinate N takes coordinator N off it\n"
    "/announce GROUP|all: your next message is the announcement\n"
    "/summary ROUND: review a round's summary, then approve it\n"
    "/export [ROUND]: the researchers' workbook, sent here as a file (researchers only)\n"
    "/report [ROUND...]: the research team's report (a web page), sent here as a file (researchers only)"
)
PREPARING_REPORT = "Preparing the report… It comes here as a file when it is ready."
PREPARING = "Preparing the workbook… It comes here as a file when it is ready."


def exported(counts: dict[str, int]) -> str:
    """Returns the caption of a sent workbook."""
    answers = "1 answer" if counts["answers"] == 1 else f"{counts['answers']} answers"
    return f"The researchers' workbook: {answers} from {people(counts['participants'])}."


def reported(round_ids: tuple[str, ...]) -> str:
    """Returns the caption of a sent report."""
    rounds = ", ".join(round_ids) or "none opened yet"
    return f"The research team's report (rounds: {rounds}). Open it in a web browser; it fetches nothing."


def withheld_quotes(summary: Summary) -> str | None:
    """Says how many quotes are left out because their writers no longer agree to be quoted; None if none."""
    count = sum(1 for e in summary.excerpts if e.withheld and not e.dropped)
    if count == 0:
        return None
    if count == 1:
        return "1 quote dropped: the person who wrote it no longer agrees to be quoted, or has withdrawn."
    return f"{count} quotes dropped: the people who wrote them no longer agree to be quoted, or have withdrawn."


def people(count: int) -> str:
    """Returns "1 person" or "N people"."""
    return "1 person" if count == 1 else f"{count} people"


def local(when: datetime | None, zone: ZoneInfo) -> str:
    """Returns a UTC time as the consultation's local time, e.g. "Sun 25 Jan 2026 21:00"."""
    if when is None:
        return "not set"
    shown = when.astimezone(zone)
    return f"{shown:%a} {shown.day} {shown:%b %Y %H:%M}"


def extension(round_id: str, done: Extended, zone: ZoneInfo, open_command: str) -> str:
    """Says a round's new closing time and what became of it: opened, open again, or still a draft."""
    said = f"round {round_id} now closes {local(done.plan.closes, zone)}"
    if done.was == RoundStatus.DRAFT and done.now == RoundStatus.OPEN:
        return f"{said}; its planned opening had passed, so it is open now"
    if done.was == RoundStatus.CLOSED:
        return f"{said}; it is open again"
    if done.now == RoundStatus.DRAFT:
        if done.plan.opens:
            return f"{said}; it is still a draft and opens {local(done.plan.opens, zone)}"
        return f"{said}; it is still a draft: open it with `{open_command}`"
    return said


def status_lines(report: list[RoundProgress]) -> list[str]:
    """Returns the progress report: one line per round and group, then its warnings."""
    if not report:
        return ["No round is open or closed in the last 14 days."]
    lines: list[str] = []
    for rnd in report:
        lines.append(f"Round {rnd.round_id} ({rnd.status.value})")
        for g in rnd.groups:
            c = g.counts
            share = f"{g.share:.0%}" if g.share is not None else "-"
            lines.append(
                f"  {c.group_id}: invited {c.invited}, started {c.started}, finished {c.finished} ({share}), "
                f"unreachable {c.unreachable}" + (f", paused {c.paused}" if c.paused else "")
            )
        lines += [f"  WARNING {w}" for w in rnd.warnings]
    return lines


def plan_lines(rounds: list[RoundOverview], zone: ZoneInfo) -> list[str]:
    """Returns each round's status and plan; "(changed)" marks what a coordinator changed."""
    lines: list[str] = []
    for r in rounds:
        plan = r.plan
        kinds = {(c.kind, c.number) for c in plan.changes}
        closes_changed = " (changed)" if (ChangeKind.CLOSES, None) in kinds else ""
        lines.append(f"{r.round_id}\t{r.status.value}")
        lines.append(f"  opens {local(plan.opens, zone)}, closes {local(plan.closes, zone)}{closes_changed}")
        for rem in plan.reminders:
            if rem.cancelled:
                state = "cancelled (changed)"
            else:
                moved = " (changed)" if (ChangeKind.MOVE_REMINDER, rem.number) in kinds else ""
                added = " (added)" if rem.manual else ""
                done = f", {r.reminders_done[rem.number]}" if rem.number in r.reminders_done else ""
                state = f"{local(rem.at, zone)}{moved}{added}{done}"
            lines.append(f"  reminder {rem.number}: {state}")
    return lines


def team_lines(members: list[TeamMember], zone: ZoneInfo, configured: Roster, telegram_ids: bool) -> list[str]:
    """Returns one line per team member: number, how they joined, since when and a researcher's role (the CLI
    adds the Telegram id)."""
    if not members:
        return ["No coordinator has used the bot yet."]
    lines = []
    for m in members:
        if m.telegram_user_id in configured:
            how = f"named in {configured.setting_of(m.telegram_user_id)}"
        else:
            how = "added from the settings" if m.added_by == "settings" else "joined through a link"
        who = f", Telegram id {m.telegram_user_id}" if telegram_ids else ""
        role = "; researcher (may download the data)" if m.role == RESEARCHER else ""
        lines.append(f"coordinator {m.id}{who}: {how}, since {local(parse_iso(m.added_at), zone)}{role}")
    return lines


def removed(member: TeamMember) -> str:
    """Says that a coordinator is off the team, and what would bring one named in the settings back."""
    said = f"coordinator {member.id} is off the team: the team's commands now refuse them"
    if member.added_by == "settings":
        said += "; if the running bot's CAREWORK_COORDINATORS still names them, they are back at their next message"
    return said


def link_lines(links: list[OpenLink], zone: ZoneInfo) -> list[str]:
    """Returns one line per invite link with uses left: reference, group, uses left, when and by whom made."""
    if not links:
        return ["No invite link has uses left."]
    return [
        f"{link.ref}: {link.group}, {link.uses_left} use{'s' if link.uses_left != 1 else ''} left, "
        f"made {local(parse_iso(link.created_at), zone)} by {link.created_by}"
        for link in links
    ]


def revoked(links: list[OpenLink]) -> str:
    """Says which links were revoked."""
    if not links:
        return "No invite link had uses left; nothing was revoked."
    named = ", ".join(f"{link.ref} ({link.group})" for link in links)
    return f"Revoked {len(links)} link{'s' if len(links) != 1 else ''}: {named}. They now count as used up."


def reminder_question(round_id: str, due: int, held_back: int, gap: timedelta) -> str:
    """Asks whether to remind those waiting in a round, saying who is left out for a reminder within the gap."""
    left_out = ""
    if held_back:
        left_out = f" (and {people(held_back)} left out: reminded in the last {gap.total_seconds() / 3600:g} hours)"
    return f"Not finished yet in round {round_id}: {people(due)}{left_out}. Send them a reminder now?"
