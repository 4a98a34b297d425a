"""What a coordinator types after a team command: odd numbers and far-off times get the usage line,
and what they typed never reaches the log."""

from __future__ import annotations

import logging

INVITE_USAGE = (
    "Write it as /invite GROUP [USES] or /invite coordinator [USES], where USES is a whole number from 1 to 10000"
)
TOO_FAR = "cannot read '+99999999d' as a time: write 2026-01-25 21:00, 2026-01-25, or +3d (at most 366 days ahead)"


async def test_odd_uses_and_far_times_get_a_usage_line_and_stay_out_of_the_log(stack, caplog):
    caplog.set_level(logging.INFO)  # as `carework run` logs
    cora = stack.coordinator
    await stack.open_round("r1")
    typed = {
        "/invite lived 0": INVITE_USAGE,
        "/invite lived \u00b2": INVITE_USAGE,
        "/invite lived 99999999999999999999999": INVITE_USAGE,
        "/invite coordinator 0": INVITE_USAGE,
        "/extend r1 +99999999d": TOO_FAR,
    }
    for command, usage in typed.items():
        await cora.send(command)
        assert (await cora.wait_for_reply()).text == usage, command
    await cora.send("/invite lived 10000")
    said = await cora.wait_for_reply()
    assert said.text.startswith("An invite link for lived (10000 uses):")  # the last one allowed still works
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) + str(vars(record)) for record in caplog.records)
    for words in ("\u00b2", "99999999999999999999999", "+99999999d", "/invite", "/extend"):
        assert words not in logged
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
