"""Daily backups made by the running bot itself, when CAREWORK_BACKUP_DIR names a folder."""

from __future__ import annotations

import sqlite3


async def with_backups(stack, folder, keep: int = 2) -> None:
    """Restarts the stack's bot with daily backups into folder, keeping `keep` of them."""
    await stack.restart(backup_dir=folder, backup_keep=keep)


async def test_the_running_bot_backs_up_once_a_day_and_keeps_the_newest(stack, tmp_path):
    folder = tmp_path / "backups"
    ann = await stack.joined("Ann")
    await with_backups(stack, folder)
    await stack.bot.reconcile_now()
    await stack.bot.reconcile_now()  # the same day: no second copy
    clock = stack.services.env.clock
    first = sorted(p.name for p in folder.iterdir())
    assert len(first) == 1 and first[0].startswith("carework-") and first[0].endswith(".db")
    assert folder.stat().st_mode & 0o777 == 0o700 and (folder / first[0]).stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(folder / first[0])
    assert copy.execute("SELECT COUNT(*) FROM participants").fetchone() == (1,)
    copy.close()
    for _ in range(2):
        clock.advance(days=1)
        await stack.bot.reconcile_now()
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and first[0] not in kept  # the oldest went; the two newest stay
    await ann.send("/help")  # the bot answers as before
    assert (await ann.wait_for_reply()).text
