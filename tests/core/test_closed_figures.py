"""A closed round's figures are what they were when it closed, whatever people decide later."""

from __future__ import annotations

from carework_core.bootstrap import Services
from carework_core.messaging.messages import OutgoingMessage
from tests.conftest import MINI, join


def numbers(report) -> dict[str, dict[str, tuple[int, int, int]]]:
    return {
        r.round_id: {g.counts.group_id: (g.counts.invited, g.counts.started, g.counts.finished) for g in r.groups}
        for r in report
    }


async def test_declining_reworded_consent_after_a_round_closed_leaves_its_figures_alone(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        for user in (1, 2, 3):
            await join(services, user)
        await services.rounds.open_round("r1", actor="test")
        owed = await services.rounds.pending_invitations()
        await services.rounds.send_invitations([(inv, _message(inv)) for inv in owed])
        for user in (1, 2):
            await services.answering.begin(user, "r1")
        await services.rounds.close_round("r1", actor="test")
        at_close = numbers(await services.progress.report())
    finally:
        await services.close()
    assert at_close == {"r1": {"workforce": (3, 2, 0), "lived": (0, 0, 0)}}
    reworded = tmp_path / "reworded.yaml"
    reworded.write_text(MINI.read_text().replace("I have read what this is about.", "I have read all about this."))
    later = await Services.open(tmp_path / "c.db", reworded, clock)
    try:
        for user in (2, 3):
            assert (await later.consents.renew(user, 0, False)).declined
        assert numbers(await later.progress.report()) == at_close
        await later.rounds.reopen_round("r1", actor="test")  # open again: the figures are live once more
        assert numbers(await later.progress.report()) == {"r1": {"workforce": (1, 1, 0), "lived": (0, 0, 0)}}
    finally:
        await later.close()


def _message(inv) -> OutgoingMessage:
    chat = inv.participant.chat_id
    return OutgoingMessage(chat, {"chat_id": chat, "text": "hi"}, inv.dedupe_key, inv.participant.id, inv.round.id)
