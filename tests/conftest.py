"""Shared fixtures: real SQLite files in a temporary folder and a clock that moves only when told."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carework_core.bootstrap import Services
from carework_core.clock import ManualClock

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
SURVEY = ROOT / "surveys" / "carework.yaml"
# Every bot a test starts (and `carework run` processes that inherit this environment) listens on a free port:
# many run side by side, and the default 127.0.0.1:8080 may belong to someone else on the machine.
os.environ.setdefault("CAREWORK_LISTEN", "127.0.0.1:0")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Puts the long tests (marked slow) first: spread over the workers at the start, none is left running alone
    at the end while the others sit idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def services(tmp_path: Path, clock: ManualClock):
    built = await Services.open(tmp_path / "carework.db", MINI, clock)
    yield built
    await built.close()


async def join(services: Services, telegram_user_id: int, group: str = "workforce", quote: bool = True):
    """Takes a person through invite and consent; returns the registered participant."""
    (token,) = await services.onboarding.create_invites(group, 1, 1, actor="test")
    await services.onboarding.start(telegram_user_id, telegram_user_id, "en", token)
    await services.onboarding.consent(telegram_user_id, 0, True)
    result = await services.onboarding.consent(telegram_user_id, 1, quote)
    return result.participant


async def type_answers(services: Services, texts: list[str], first_user: int, per_person: int = 3) -> None:
    """Has people join and type these answers into round r1 (open), `per_person` each, in order."""
    for n in range(0, len(texts), per_person):
        await join(services, first_user + n)
        await services.answering.begin(first_user + n, "r1")
        for k, text in enumerate(texts[n : n + per_person]):
            await services.answering.receive_text(first_user + n, text, f"m{n}-{k}")
