"""Each person's digest is counted once, with the summary's figures, when the summary is drafted: sending,
the team's sample and every page a participant taps read what was kept and never count again."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from carework_core.answering.vocabulary import NOT_SURE_LABEL, CatalogueWord
from carework_core.definitions.local_text import LocalText
from carework_core.results import figures
from carework_core.results.summary import Digest, DigestLine, Spread
from carework_core.rounds.schedule import SendSummary
from carework_core.storage import digests as kept
from tests.core.test_results import RATINGS, rated  # noqa: F401  (the fixture)


@pytest.fixture
def counted(monkeypatch):
    """Returns the threads each counting of a round's statistics ran on, one entry a count."""
    threads: list[int] = []
    count = figures.round_stats

    def counting(*args, **kwargs):
        threads.append(threading.get_ident())
        return count(*args, **kwargs)

    monkeypatch.setattr(figures, "round_stats", counting)
    return threads


async def closed_and_drafted(services):
    await services.rounds.close_round("r2", actor="test")
    return await services.summaries.draft("r2", "test")


async def sent(services) -> None:
    await services.summaries.approve("r2", "test", now=True)
    people = await services.summaries.recipients("r2")
    assert await services.summaries.send(SendSummary("r2", services.now()), [], len(people)) == 0


async def test_drafting_counts_once_off_the_event_loop_and_keeps_everyones_digest(rated, counted):  # noqa: F811
    services, ids = rated
    await closed_and_drafted(services)
    assert len(counted) == 1 and counted[0] != threading.get_ident()  # a worker thread, not the loop's
    digests = await services.digests.of_round("r2")
    assert [d.participant_id for d in digests] == sorted(ids[name] for name in RATINGS)  # "nobody" rated nothing
    assert len(counted) == 1  # read, not counted
    assert digests == await services.results.digests("r2")  # the same as counting afresh would give
    assert len(counted) == 2
    assert await services.digests.sample("r2") == digests[0]


async def test_pages_show_the_approved_figures_even_when_answers_change_after_approval(rated, counted):  # noqa: F811
    services, ids = rated
    await closed_and_drafted(services)
    approved = await services.digests.of_round("r2")
    assert await services.digests.sent("r2", ids["w1"]) is None  # not sent yet: no figures to page through
    await sent(services)
    async with services.env.db.transaction() as tx:  # the stored answers change after approval
        await tx.execute("UPDATE answers SET value = '1' WHERE round_id = 'r2' AND question_id = 'rate'")
    counted.clear()

    paged = await services.digests.sent("r2", ids["w1"])
    assert paged == approved[0] and await services.digests.of_round("r2") == approved
    assert counted == []  # paging and sending never count
    assert await services.results.digest("r2", ids["w1"]) != paged  # counting afresh would have shown other figures
    assert await services.digests.sent("r2", ids["nobody"]) is None
    assert await services.digests.sent("no-such-round", ids["w1"]) is None


async def test_a_withdrawn_persons_digest_leaves_with_their_answers(rated):  # noqa: F811
    services, ids = rated
    await closed_and_drafted(services)
    await sent(services)
    await services.their_data.withdraw(100)  # w1
    async with services.env.db.reading() as tx:
        assert await kept.digest_of(tx, "r2", ids["w1"]) is None
    assert await services.digests.sent("r2", ids["w2"]) is not None


async def test_a_summary_drafted_before_digests_were_kept_counts_them_once(rated, counted):  # noqa: F811
    services, ids = rated
    await closed_and_drafted(services)
    await sent(services)
    async with services.env.db.transaction() as tx:  # as migration 26 leaves a summary drafted before it
        await tx.execute("DELETE FROM summary_digests")
        await tx.execute("UPDATE summaries SET digest_legend = NULL")
    counted.clear()
    assert (await services.digests.sent("r2", ids["w2"])).participant_id == ids["w2"]
    assert await services.digests.sent("r2", ids["w3"]) is not None
    assert len(counted) == 1  # counted for the first page, then kept


def test_a_kept_digest_reads_back_as_it_was_with_its_texts_in_every_language():
    title = LocalText("Rota apps", {"en": "Rota apps", "cy": "Apiau rota"})
    some, lot = LocalText("Some", {"cy": "Rhywfaint"}), LocalText("A lot")
    line = DigestLine(("rate", "i1", "evidence"), title, LocalText("Evidence"), lot, Spread(some, lot), "", 0.5)
    unsure = DigestLine(("q", None, None), "How new?", "", NOT_SURE_LABEL, "", Spread(some, some), 0.0)
    mine = Digest(7, "r2", "workforce", (line, unsure))
    theirs = Digest(8, "r2", "workforce", (replace(line, yours=LocalText(NOT_SURE_LABEL), distance=1.5),))
    packer = kept.packed((mine, theirs))
    back = [kept._digest("r2", row, kept._legend(packer.legend())) for row in packer.rows]
    assert back == [mine, theirs]
    assert back[0].lines[0].title.in_language("cy") == "Apiau rota" and isinstance(back[0].lines[0].group, Spread)
    assert back[0].lines[0].group.low.in_language("cy") == "Rhywfaint"
    # The catalogue's "Not sure" stays apart from a scale's own label of the same words.
    assert type(back[0].lines[1].yours) is CatalogueWord and type(back[1].lines[0].yours) is LocalText
