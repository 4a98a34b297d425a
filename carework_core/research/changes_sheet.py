"""The change between rounds as a table for R, SPSS and Stata: changes.csv in the `--format csv` export,
one row per card rated in two rounds and group (and all), from the report's Changes service."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from carework_core.env import Env
from carework_core.report.changes import ChangeCell, ChangeReport
from carework_core.report.changes_service import Changes
from carework_core.research import workbook_sources as sources
from carework_core.research.sheets import Column, Sheet
from carework_core.results.summary import RoundStats

CHANGES_SHEET = Sheet(
    "Changes",
    (
        Column("round_from", "the earlier round that rated the card"),
        Column(
            "round_to", "the later round that rated it again (carry-forward showed each person their earlier answer)"
        ),
        Column("item_id", "item id (for a rating question, the question id)"),
        Column("criterion", "criterion id; empty for a rating question"),
        Column("group", "stakeholder group id, or all for everyone"),
        Column("n_both", "people who rated the card on the scale in both rounds (their latest answer in each)"),
        Column("kept", "of n_both, how many gave the same scale point"),
        Column("moved_1", "of n_both, how many moved by one point"),
        Column("moved_2plus", "of n_both, how many moved by two points or more"),
        Column("moved_share", "(moved_1 + moved_2plus) / n_both"),
        Column(
            "median_shift",
            "the median of the n_both people's later ratings minus the median of their earlier ones, in scale points",
        ),
        Column(
            "stable",
            "1 when moved_share is below the definition's report.stable_below (0.15 unless set); empty when n_both is 0",
            (("1", "stable: fewer than stable_below of people moved"), ("0", "not stable")),
        ),
        Column(
            "suppressed",
            "1 when the group is folded: fewer than min_group_size in n_both, or folded in either round's own "
            "figures for the card (its shift would give the folded round's figures back); its figures stay empty",
        ),
        Column(
            "unsure_once",
            "people who rated the card in one round and said Not sure or I don't know this idea in the other: "
            "not among n_both (no distance on the scale)",
        ),
        Column(
            "reasons", "dissent reasons given on the card in the later round (quoted in the report only by consent)"
        ),
    ),
    note="one row per card rated in two rounds x group; csv export only",
)


async def write_changes(book: Any, env: Env, round_id: str | None, known: Mapping[str, RoundStats]) -> Sheet:
    """Writes changes.csv (cards of pairs touching `round_id`, when given); returns its sheet for the codebook."""
    report = await Changes(env, sources.results(env)).between(None if round_id is None else [round_id], known)
    sheet = book.sheet(CHANGES_SHEET)
    for row in change_rows(report):
        sheet.append(row)
    sheet.close()
    return CHANGES_SHEET


def change_rows(report: ChangeReport) -> Iterator[list[object]]:
    """Yields one row per cell; a folded group keeps only its ids and suppressed = 1."""
    for cell in report.cells:
        yield _row(cell)


def _row(cell: ChangeCell) -> list[object]:
    p = cell.pair
    ids = [p.round_from, p.round_to, p.item_id or p.question_to, p.criterion_id or "", cell.group_id]
    if cell.suppressed:
        return [*ids, *[""] * 7, 1, "", ""]
    share = "" if cell.moved_share is None else round(cell.moved_share, 4)
    shift = "" if cell.median_shift is None else cell.median_shift
    stable = "" if cell.stable is None else int(cell.stable)
    counts = [cell.n_both, cell.kept, cell.moved_1, cell.moved_2plus]
    return [*ids, *counts, share, shift, stable, 0, cell.unsure_once, cell.reasons]
