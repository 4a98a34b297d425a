"""Shares dealt across three groups: every item x group within one rater of the others, the same after reopening."""

from __future__ import annotations

from collections import Counter

from carework_core.answering.steps import Ask
from carework_core.bootstrap import Services
from carework_core.storage.shares import coded_shares
from tests.conftest import MINI, join

GROUPS = ("workforce", "lived", "family")
ITEMS = "\nitem_sets:\n  ideas:\n" + "".join(f"    - id: I{n}\n      title: Idea {n}\n" for n in range(1, 8))


def three_groups(folder):
    """Returns mini.yaml with a third group and r2 rating seven ideas, three a person, with no question before."""
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("themes:", "  - id: family\n    name: Family carers\nthemes:", 1)
    text = text.replace("    groups: [workforce]\n", "    groups: [workforce, lived, family]\n")
    start, end = text.index("      - id: role\n"), text.index("      - id: rate\n")
    text = text[:start] + text[end:]
    text = text.replace(
        "        criteria: [evidence, newness]", "        criteria: [evidence]\n        items_per_person: 3"
    )
    path = folder / "three.yaml"
    path.write_text(text + ITEMS, encoding="utf-8")
    return path


async def test_shares_balance_every_item_within_each_group_and_survive_reopening(tmp_path, clock):
    survey = three_groups(tmp_path)
    services = await Services.open(tmp_path / "carework.db", survey, clock)
    await services.item_lists.load_defined()
    await services.rounds.open_round("r2", actor="test")
    firsts = {}
    for n in range(30):  # ten a group, arriving in turn
        user = 1000 + n
        await join(services, user, GROUPS[n % 3])
        step = await services.answering.begin(user, "r2")
        assert isinstance(step, Ask) and step.items_total == 3 and step.item_index == 0
        firsts[user] = step.item.id
    async with services.env.db.reading() as tx:
        dealt = await coded_shares(tx, "r2")
    await services.close()

    for group in GROUPS:
        given = Counter(item for _, g, _, _, _, item in dealt if g == group)
        counts = [given.get(f"I{n}", 0) for n in range(1, 8)]
        assert sum(counts) == 30 and max(counts) - min(counts) <= 1, (group, counts)
    assert Counter(code for code, *_ in dealt) == {code: 3 for code, *_ in dealt}

    again = await Services.open(tmp_path / "carework.db", survey, clock)
    try:
        for user, item_id in firsts.items():
            step = await again.answering.current(user, "r2")
            assert (step.item.id, step.items_total) == (item_id, 3)
        async with again.env.db.reading() as tx:
            assert await coded_shares(tx, "r2") == dealt
    finally:
        await again.close()


async def test_each_share_comes_in_the_persons_own_order_so_no_idea_is_always_read_last(tmp_path, clock):
    services = await Services.open(tmp_path / "carework.db", three_groups(tmp_path), clock)
    try:
        await services.item_lists.load_defined()
        await services.rounds.open_round("r2", actor="test")
        for n in range(30):
            await join(services, 2000 + n, GROUPS[n % 3])
            await services.answering.begin(2000 + n, "r2")
        async with services.env.db.reading() as tx:
            dealt = await coded_shares(tx, "r2")
    finally:
        await services.close()
    shares: dict[str, list[tuple[int, str]]] = {}
    for code, _, _, _, place, item in dealt:
        shares.setdefault(code, []).append((place, item))
    orders = [[int(item[1:]) for _, item in sorted(share)] for share in shares.values()]
    assert len(orders) == 30
    # In the set's order every share would run low to high; a person's own order does so one time in six.
    assert sum(order != sorted(order) for order in orders) >= 15, orders
    assert len({order[-1] for order in orders}) >= 4  # the last idea read differs from person to person
