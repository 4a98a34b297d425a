"""A person's own data in the core: what /mydata lists and what /withdraw removes."""

import pytest

from carework_core.bootstrap import Services
from carework_core.errors import NotRegistered
from carework_core.storage.items import items_fed_by
from tests.conftest import MINI
from tests.core.test_summaries import ANN, BOB, closed_r1
from tests.core.test_synthesis import exported, fill


async def test_held_lists_only_the_persons_own_answers_and_consents(services, tmp_path):
    await exported(services, tmp_path, {1: ["Rota app"], 2: ["Peer support"]})
    held = await services.their_data.held(1)
    assert (held.code, held.group) == ("P-0001", "Social care workforce")
    assert [(c.statement, c.agreed) for c in held.consents][-1] == ("My words may be quoted anonymously.", True)
    assert [(a.round_title, a.words) for a in held.answers] == [("Wellbeing examples", ("Rota app",))]
    with pytest.raises(NotRegistered):
        await services.their_data.held(3)


async def test_withdrawing_deletes_the_answers_and_the_items_links_to_them_but_no_one_elses(services, tmp_path):
    path, rows = await exported(services, tmp_path, {1: ["Rota app"], 2: ["Peer support"]})
    ids = [r[0] for r in rows[1:]]
    fill(path, [["I1", "Rota apps", "", "", f"{ids[0]}; {ids[1]}", "", 2, 3]])
    await services.synthesis.import_items(path, "r2")
    assert await services.their_data.withdraw(1) is not None
    assert await services.their_data.withdraw(1) is None  # a second tap finds no one
    async with services.env.db.reading() as tx:
        assert await items_fed_by(tx) == {ids[1]: ["I1"]}
    assert [a.words for a in (await services.their_data.held(2)).answers] == [("Peer support",)]
    with pytest.raises(NotRegistered):
        await services.their_data.held(1)


@pytest.mark.parametrize("rule", ["delete", "anonymise"])
async def test_a_draft_summary_no_longer_quotes_someone_who_withdrew(tmp_path, clock, rule):
    survey = tmp_path / "survey.yaml"
    survey.write_text(MINI.read_text() + f"\non_withdraw: {rule}\n")
    services = await Services.open(tmp_path / "carework.db", survey, clock)
    try:
        await closed_r1(services, also=True)  # Ann (1) and Cy (3) may be quoted
        (drafted,) = await services.summaries.draft_closed()
        assert [e.text for e in drafted.excerpts] == [ANN, BOB + " It helps."]
        await services.their_data.withdraw(1)
        assert [e.text for e in (await services.summaries.show("r1")).excerpts] == [BOB + " It helps."]
    finally:
        await services.close()
