"""Seeded fault injection: the misbehaviour a real Bot API shows now and then."""

from __future__ import annotations

import enum
import random


class Fault(enum.Enum):
    """What goes wrong with one bot request."""

    SERVER_ERROR = "server_error"  # 500, nothing done
    FLOOD = "flood"  # 429 retry_after 1, nothing done
    SLOW = "slow"  # 1-2 s late, then done normally
    DROP = "drop"  # done (except getUpdates), then the connection closes without a reply


class FaultPlan:
    """Decides, reproducibly from a seed, which requests misbehave and how."""

    def __init__(self, rate: float, seed: int | None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        self.rate = rate
        self._random = random.Random(seed)

    def draw(self) -> Fault | None:
        """Returns the fault for the next request, or None for a normal one."""
        if self.rate == 0.0 or self._random.random() >= self.rate:
            return None
        return self._random.choice(list(Fault))

    def slow_delay(self) -> float:
        """Returns how long a slow reply waits."""
        return 1.0 + self._random.random()
