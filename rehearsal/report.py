"""The terminal side of a rehearsal: a progress bar while it runs, a short report at the end."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from carework_core.definitions.loading import load_definition
from rehearsal.rounds import RehearsalReport
from rehearsal.run import log_to, rehearse, steps_for


async def run_rehearsal(
    survey: Path, participants: int, out: Path, answers: Path | None, seed: int | None, faults: float = 0.0
) -> int:
    """Runs a rehearsal with a progress bar, prints the report, and returns the exit code."""
    out.mkdir(parents=True, exist_ok=True)
    log_to(out / "bot.log")
    total = steps_for(load_definition(survey), participants)
    columns = (TextColumn("rehearsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as bar:
        task = bar.add_task("rehearsal", total=total)
        report = await rehearse(
            survey,
            participants,
            out,
            answers=answers,
            seed=seed,
            faults=faults,
            progress=lambda n: bar.advance(task, n),
        )
    show(report, out)
    return 0 if report.ok else 1


def show(report: RehearsalReport, out: Path, console: Console | None = None) -> None:
    """Prints what happened, in figures."""
    console = console or Console()
    console.print(
        f"participants registered: {report.registered} of {report.participants}\n"
        f"answers stored:          {report.answers} (exported {report.exported})\n"
        f"messages sent:           {report.messages_sent}\n"
        f"paused half-way:         {report.paused} (came back after a reminder: {report.came_back})\n"
        f"reminders received:      {_by_group(report.reminders)}\n"
        f"voice notes, changes:    {report.voice_notes} voice notes; {report.changed} answers changed with /review\n"
        f"withdrew at the end:     {report.withdrawn}\n"
        f"summaries sent:          {report.summaries} (charts written: {report.charts})\n"
        f"items to rate:           {_synthesis(report.synthesis)}\n"
        f"{report.reading.line()}\n"
        f"emulator refusals:       {report.refusals} ({report.unexpected_refusals} not caused by injected faults)\n"
        f"research team's report:  {report.report_bytes / 1000:,.0f} kB in {report.report_seconds:.1f} s\n"
        f"took:                    {report.seconds:.0f} s\n"
        f"written to:              {out}/export.xlsx, report.html, synthesis-ROUND.xlsx, trace.jsonl, transcripts/, charts/, bot.log",
        highlight=False,
    )
    for description, count in report.refusal_descriptions.items():
        console.print(f"  refused {count}x: {description}", highlight=False)
    for failure in report.failures[:20]:
        console.print(f"  problem: {failure}", highlight=False)
    console.print("[green]rehearsal passed[/green]" if report.ok else "[red]rehearsal failed[/red]")


def _by_group(counts: dict[str, int]) -> str:
    """Returns e.g. "12 (workforce 7, lived 5)"."""
    groups = ", ".join(f"{group} {n}" for group, n in sorted(counts.items()))
    return f"{sum(counts.values())}" + (f" ({groups})" if groups else "")


def _synthesis(loaded: dict[str, tuple[str, int, int]]) -> str:
    """Returns e.g. "r2 4 items from 9 examples of r1; r4 17 items from carework-ideas.csv"."""
    said = [
        f"{rnd} {items} items from " + (source if source.endswith(".csv") else f"{examples} examples of {source}")
        for rnd, (source, items, examples) in loaded.items()
    ]
    return "; ".join(said) or "none (no round rates items)"
