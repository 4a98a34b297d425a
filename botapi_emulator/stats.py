"""Counters for what the bot asked and what the emulator refused or broke on purpose."""

from __future__ import annotations

from collections import Counter


class Stats:
    """Counts bot requests, refusals (the bot's mistakes) and injected faults separately."""

    def __init__(self) -> None:
        self.requests = 0
        self.refusals = 0
        self.refusals_by_code: Counter[str] = Counter()
        self.refusal_descriptions: Counter[str] = Counter()
        self.faults_injected = 0
        self.faults_by_kind: Counter[str] = Counter()

    def refused(self, code: int, description: str) -> None:
        """Counts one refusal."""
        self.refusals += 1
        self.refusals_by_code[str(code)] += 1
        self.refusal_descriptions[description] += 1

    def faulted(self, kind: str) -> None:
        """Counts one injected fault."""
        self.faults_injected += 1
        self.faults_by_kind[kind] += 1

    def as_dict(self, messages_sent: int) -> dict:
        """Returns the counters as plain JSON-ready data."""
        return {
            "requests": self.requests,
            "refusals": self.refusals,
            "refusals_by_code": dict(self.refusals_by_code),
            "refusal_descriptions": dict(self.refusal_descriptions),
            "messages_sent": messages_sent,
            "faults_injected": self.faults_injected,
            "faults_by_kind": dict(self.faults_by_kind),
        }
