import html
from datetime import timedelta

from carework_core.messaging.inbox import StoredUpdate
from carework_core.messaging.outbox import MessageKind, OutgoingMessage
from tests.conftest import join


async def test_inbox_stores_each_update_once_and_offsets_past_it(services):
    inbox = services.inbox
    assert await inbox.next_offset() is None
    assert await inbox.store([StoredUpdate(5, "{}"), StoredUpdate(6, "{}")]) == 2
    assert await inbox.store([StoredUpdate(6, "{}"), StoredUpdate(7, "{}")]) == 1  # 6 redelivered
    assert await inbox.next_offset() == 8
    five, six, seven = await inbox.unfinished()
    assert [five.update_id, six.update_id, seven.update_id] == [5, 6, 7]
    await inbox.finish(five.receipt)
    await inbox.set_aside(six.receipt, "KeyError")
    assert [u.update_id for u in await inbox.unfinished()] == [7]
    assert await inbox.counts() == {"done": 1, "set_aside": 1, "new": 1}


async def test_after_telegram_restarts_its_ids_an_old_id_is_a_new_update(services):
    inbox = services.inbox
    await inbox.store([StoredUpdate(5, "{}"), StoredUpdate(6, "{}")])
    await inbox.confirmed(7)  # the next getUpdates told Telegram we hold both
    assert await inbox.next_offset() is None
    assert await inbox.store([StoredUpdate(5, '{"new": 1}')]) == 1
    assert await inbox.store([StoredUpdate(5, '{"new": 1}')]) == 0  # redelivered before confirming
    assert await inbox.next_offset() == 6
    receipts = [u.receipt for u in await inbox.unfinished()]
    assert len(set(receipts)) == 3 and receipts == sorted(receipts)


async def test_an_update_id_sqlite_cannot_hold_is_set_aside_on_arrival(services):
    inbox = services.inbox
    assert await inbox.store([StoredUpdate(2**63, '{"message": {}}', "message"), StoredUpdate(9, "{}")]) == 1
    assert [u.update_id for u in await inbox.unfinished()] == [9]
    assert await inbox.counts() == {"set_aside": 1, "new": 1}
    assert await inbox.next_offset() == 10
    await inbox.confirmed(2**63 + 1)
    assert await inbox.next_offset() is None


async def test_processed_updates_keep_only_their_id(services):
    await services.inbox.store([StoredUpdate(1, '{"message": {"text": "private words"}}'), StoredUpdate(2, '{"x": 1}')])
    first, second = await services.inbox.unfinished()
    await services.inbox.finish(first.receipt)
    await services.inbox.set_aside(second.receipt, "KeyError")
    rows = await services.env.db.fetchall("SELECT update_id, payload FROM inbox ORDER BY update_id")
    assert [tuple(r) for r in rows] == [(1, ""), (2, '{"x": 1}')]  # a set-aside one stays for inspection


async def test_set_aside_content_is_forgotten_after_the_days_kept(services, clock):
    inbox = services.inbox
    await inbox.store([StoredUpdate(1, '{"message": {"text": "Ann Smith says hi"}}', "message")])
    [update] = await inbox.unfinished()
    await inbox.set_aside(update.receipt, "ValidationError")
    assert await inbox.forget_set_aside(keep_days=3) == 0
    clock.advance(days=3, seconds=1)
    assert await inbox.forget_set_aside(keep_days=3) == 1
    rows = await services.env.db.fetchall("SELECT update_id, kind, status, error, payload FROM inbox")
    assert [tuple(r) for r in rows] == [(1, "message", "set_aside", "ValidationError", "")]


def message(chat, key, text="hi"):
    return OutgoingMessage(chat, {"chat_id": chat, "text": text}, key)


async def test_outbox_dedupes_and_keeps_each_chat_in_order(services, clock):
    outbox = services.outbox
    assert await outbox.enqueue([message(1, "a"), message(1, "b"), message(2, "c")]) == 3
    assert await outbox.enqueue([message(1, "a")]) == 0  # a replayed update queues nothing new
    due = await outbox.due(clock.now(), 10)
    assert [(m.chat_id, m.params["text"]) for m in due] == [(1, "hi"), (2, "hi")]
    first_of_chat_1 = due[0]
    await outbox.retry_later(first_of_chat_1.id, clock.now() + timedelta(seconds=30), "TimedOut")
    assert [m.chat_id for m in await outbox.due(clock.now(), 10)] == [2]  # chat 1 waits, in order
    clock.advance(seconds=31)
    again = await outbox.due(clock.now(), 10)
    assert again[0].id == first_of_chat_1.id and again[0].attempts == 1
    await outbox.mark_sent(first_of_chat_1.id, 77)
    assert [m.id for m in await outbox.due(clock.now(), 10)] == [first_of_chat_1.id + 1, due[1].id]
    assert await outbox.counts() == {"pending": 2, "sent": 1}


async def test_blocked_chat_is_given_up_and_stops_being_invited(services, clock):
    await join(services, 42)
    await services.outbox.enqueue([message(42, "x"), message(42, "y")])
    (first,) = await services.outbox.due(clock.now(), 10)
    await services.outbox.mark_undeliverable(first, "Forbidden: bot was blocked by the user")
    assert await services.outbox.counts() == {"undeliverable": 2}
    await services.rounds.open_round("r1", actor="t")
    assert await services.rounds.pending_invitations() == []
    assert await services.onboarding.heard_from(42)  # they were unreachable until they wrote again


async def test_processed_updates_leave_no_text_in_the_database_or_its_wal(services):
    inbox = services.inbox
    await inbox.store([StoredUpdate(n, f'{{"message": {{"text": "Words number {n} of Ann"}}}}') for n in range(1, 6)])
    for update in await inbox.unfinished():
        await inbox.finish(update.receipt)
    await inbox.checkpoint()
    for suffix in ("", "-wal"):
        with open(services.env.db.path + suffix, "rb") as file:
            assert b"of Ann" not in file.read(), suffix


async def test_a_message_sent_or_given_up_keeps_no_words_and_a_waiting_one_can_lose_some(services, clock):
    from carework_core.storage.outbox import forget_queued_words

    outbox = services.outbox
    quote = 'Ann said "buddies & rotas" help'
    await outbox.enqueue([message(1, "a", "sent words"), message(2, "b", "failed words")])
    await outbox.enqueue([message(3, "c", f"<i>“{html.escape(quote)}”</i> and more")])
    sent, failed, waiting = await outbox.due(clock.now(), 10)
    await outbox.mark_sent(sent.id, 77)
    await outbox.expire(failed.id)
    async with services.env.db.transaction() as tx:
        await forget_queued_words(tx, [quote], "…")
    rows = await services.env.db.fetchall("SELECT status, payload FROM outbox ORDER BY id")
    assert [tuple(r)[:2] for r in rows[:2]] == [("sent", ""), ("failed", "")]
    (still,) = await outbox.due(clock.now(), 10)
    assert still.id == waiting.id and still.params["text"] == "<i>“…”</i> and more"


async def test_a_reply_matters_for_a_day_and_an_invitation_while_its_round_is_open(services, clock):
    await services.rounds.open_round("r1", actor="t")
    invitation = OutgoingMessage(2, {"chat_id": 2, "text": "Round 1"}, "inv", round_id="r1")
    await services.outbox.enqueue([message(1, "reply"), invitation])
    clock.advance(hours=23)
    assert [m.wanted for m in await services.outbox.due(clock.now(), 10)] == [True, True]
    clock.advance(hours=2)
    assert [m.wanted for m in await services.outbox.due(clock.now(), 10)] == [False, True]
    await services.rounds.close_round("r1", actor="t")
    reply, invite = await services.outbox.due(clock.now(), 10)
    assert not invite.wanted
    await services.outbox.expire(reply.id)
    assert await services.outbox.counts() == {"failed": 1, "pending": 1}


async def database_at_version_1(path, *rows: str):
    """Creates a database as the first release left it, holding these outbox rows (SQL values)."""
    import sqlite3

    from carework_core.storage import first_schemas, migrations

    conn = sqlite3.connect(path)
    try:
        for statement in migrations._statements(first_schemas.INITIAL):
            conn.execute(statement)
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial schema')")
        conn.execute(
            "INSERT INTO outbox (chat_id, method, payload, dedupe_key, not_before, created_at) VALUES "
            + ", ".join(rows)
        )
        conn.commit()
    finally:
        conn.close()


async def test_invitations_queued_before_the_upgrade_know_their_round(tmp_path):
    from carework_core.storage.db import Database

    path = tmp_path / "old.db"
    await database_at_version_1(
        path, "(1, 'sendMessage', '{}', 'invite:r1:4', 'x', 'x')", "(1, 'sendMessage', '{}', 'u5:0', 'x', 'x')"
    )
    db = await Database.open(path)
    try:
        rows = await db.fetchall("SELECT dedupe_key, round_id FROM outbox ORDER BY id")
        assert [tuple(r) for r in rows] == [("invite:r1:4", "r1"), ("u5:0", None)]
    finally:
        await db.close()


async def test_messages_queued_before_the_upgrade_keep_their_kind(tmp_path):
    from carework_core.storage.db import Database
    from carework_core.storage.outbox import due_messages

    path = tmp_path / "old.db"
    rows = [f"({n}, '{method}', '{{}}', 'k{n}', 'x', 'x')" for n, method in enumerate(OLD_METHODS, start=1)]
    await database_at_version_1(path, *rows)
    db = await Database.open(path)
    try:
        async with db.reading() as tx:
            due = await due_messages(tx, "y", 10)
        assert [m.kind for m in due] == [MessageKind.SEND, MessageKind.EDIT, MessageKind.EDIT_BUTTONS]
    finally:
        await db.close()


OLD_METHODS = ["sendMessage", "editMessageText", "editMessageReplyMarkup"]  # what the outbox held before kinds


async def test_messages_being_sent_count_towards_the_limit_but_are_not_read_again(services, clock):
    outbox = services.outbox
    await outbox.enqueue([message(1, "a"), message(2, "b"), message(3, "c")])
    first, second, third = await outbox.due(clock.now(), 10)
    assert await outbox.due(clock.now(), 2, skip={first.id}) == [second]
    assert [m.id for m in await outbox.due(clock.now(), 3, skip={second.id})] == [first.id, third.id]


async def test_storing_a_batch_records_first_that_telegram_was_told_of_the_last(services):
    inbox = services.inbox
    await inbox.store([StoredUpdate(5, "{}"), StoredUpdate(6, "{}")])
    # Telegram restarted its ids: the getUpdates that confirmed 5 and 6 brought a new 5.
    assert await inbox.store([StoredUpdate(5, '{"new": 1}')], confirmed=7) == 1
    assert await inbox.next_offset() == 6
    assert [u.payload for u in await inbox.unfinished()] == ["{}", "{}", '{"new": 1}']


def _buttons(*data: str) -> dict:
    return {"reply_markup": {"inline_keyboard": [[{"text": d, "callback_data": d}] for d in data]}}


async def test_a_tap_counts_only_on_a_button_its_message_carried_and_on_the_newest_copy_when_tapped(services, clock):
    outbox = services.outbox

    async def sent(key: str, message_id: int, params: dict, kind=MessageKind.SEND) -> str:
        clock.advance(seconds=1)
        await outbox.enqueue([OutgoingMessage(7, {"chat_id": 7, **params}, key, kind=kind)])
        (queued,) = await outbox.due(clock.now(), 5)
        await outbox.mark_sent(queued.id, message_id)
        return services.env.stamp()

    def same(data: str) -> bool:
        return data.startswith("p|r1|3|")

    before_copy = await sent("a", 10, {"text": "Question 3", **_buttons("p|r1|3|1", "p|r1|3|2")})
    assert await outbox.tappable(7, 10, "p|r1|3|1", same)
    assert not await outbox.tappable(7, 10, "p|r1|3|9", same)  # never a button of that message
    assert not await outbox.tappable(8, 10, "p|r1|3|1", same)  # another chat's message
    assert not await outbox.tappable(7, 11, "p|r1|3|1", same)  # no message the bot sent
    await sent("b", 12, {"text": "Question 3 again", **_buttons("p|r1|3|1", "p|r1|3|2")})
    await sent("c", 12, {"message_id": 12, "text": "Question 3: Medium"}, MessageKind.EDIT)  # answered: buttons off
    assert not await outbox.tappable(7, 10, "p|r1|3|1", same)  # a newer copy was sent: the older one is stale
    assert await outbox.tappable(7, 10, "p|r1|3|1", same, before_copy)  # tapped before the copy went out
    assert await outbox.tappable(7, 10, "p|r1|3|1")  # other buttons' copies all work
    assert await outbox.tappable(7, 12, "p|r1|3|1", same)  # a tap may cross the edit: the handler knows it is late


async def test_a_tap_on_a_message_sent_but_not_recorded_counts_as_a_tap_on_its_resent_copy(services, clock):
    # The bot was killed after Telegram took message 20 and before its sending was recorded, so the outbox
    # sent it again as 21: the person may tap either copy of the consent screen.
    outbox = services.outbox
    await outbox.enqueue(
        [OutgoingMessage(7, {"chat_id": 7, "text": "Do you agree?", **_buttons("c|yes", "c|no")}, "k")]
    )
    (queued,) = await outbox.due(clock.now(), 5)
    await outbox.mark_sent(queued.id, 21)
    tapped_by = services.env.stamp()
    assert await outbox.tappable(7, 20, "c|yes", lambda d: d.startswith("c|"), tapped_by)
    assert not await outbox.tappable(7, 20, "p|r1|3|1", lambda d: d.startswith("p|"), tapped_by)  # not a button it sent
    assert not await outbox.tappable(8, 20, "c|yes", lambda d: d.startswith("c|"), tapped_by)  # another chat
    assert not await outbox.tappable(7, 22, "c|yes")  # nothing carrying it was sent after message 22


async def test_a_tap_on_a_message_still_being_sent_counts(services, clock):
    # At 10,000 people the emulator delivered a message and the person tapped it before Telegram's answer
    # came back to the sender, so the outbox had no record of message 30 yet: 242 taps were refused.
    outbox = services.outbox
    await outbox.enqueue([OutgoingMessage(7, {"chat_id": 7, "text": "Question 2", **_buttons("p|r1|2|1")}, "q2")])
    assert await outbox.tappable(7, 30, "p|r1|2|1", lambda d: d.startswith("p|r1|2|"), services.env.stamp())
    assert not await outbox.tappable(7, 30, "p|r1|2|9")  # a button it never queued
    assert not await outbox.tappable(8, 30, "p|r1|2|1")  # another chat's
    (queued,) = await outbox.due(clock.now(), 5)
    await outbox.mark_sent(queued.id, 30)
    assert await outbox.tappable(7, 30, "p|r1|2|1")  # and once recorded, as before
