"""The SQL of the first migrations (1 to 12); migrations.py, the registry, names each."""

INITIAL = """
CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    group_id TEXT NOT NULL,
    max_uses INTEGER NOT NULL CHECK (max_uses > 0),
    uses INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
-- The pseudonymous side: everything research sees is keyed by code.
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    code TEXT UNIQUE,
    group_id TEXT NOT NULL,
    invite_id INTEGER REFERENCES invites(id),
    status TEXT NOT NULL CHECK (status IN ('consenting', 'consented', 'declined', 'withdrawn')),
    language TEXT,
    reachable INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    consented_at TEXT
);
-- The identifying side, kept apart so that exports never need to touch it.
CREATE TABLE telegram_identities (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id),
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL
);
CREATE TABLE consents (
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    statement_id TEXT NOT NULL,
    agreed INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (participant_id, statement_id)
);
CREATE TABLE rounds (
    round_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    opened_at TEXT,
    closed_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE participations (
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    round_id TEXT NOT NULL,
    invited_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    PRIMARY KEY (participant_id, round_id)
);
CREATE TABLE items (
    item_set TEXT NOT NULL,
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_set, item_id)
);
-- One row per answer; source is the Telegram message or callback it came from, so a
-- redelivered update can never store an answer twice.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    item_id TEXT,
    criterion_id TEXT,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (participant_id, source)
);
CREATE INDEX answers_by_question ON answers (participant_id, round_id, question_id);
-- A question is finished when it has a row here (a rating on its answer, examples on "Next").
CREATE TABLE progress (
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0,
    done_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, round_id, question_id)
);
-- Raw updates, stored before Telegram is told they were received.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done', 'set_aside')),
    received_at TEXT NOT NULL,
    processed_at TEXT,
    error TEXT
);
CREATE INDEX inbox_unfinished ON inbox (status, update_id);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    participant_id INTEGER REFERENCES participants(id),
    method TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'undeliverable')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    message_id INTEGER,
    error TEXT
);
CREATE INDEX outbox_pending ON outbox (status, chat_id, id);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE bot_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Telegram's update ids restart (after a quiet week, or a self-hosted Bot API server's restart), so
# each inbox row gets its own receipt number; an update_id is unique only while unconfirmed.
# Existing rows keep their update id as receipt, so replies already keyed by it stay unique.
INBOX_RECEIPTS = """
CREATE TABLE inbox_receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id INTEGER,
    kind TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done', 'set_aside')),
    confirmed INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    processed_at TEXT,
    error TEXT
);
INSERT INTO inbox_receipts (id, update_id, payload, status, received_at, processed_at, error)
    SELECT update_id, update_id, payload, status, received_at, processed_at, error FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_receipts RENAME TO inbox;
CREATE INDEX inbox_unfinished ON inbox (status, id);
CREATE INDEX inbox_unconfirmed ON inbox (confirmed, update_id);
"""

# What people saw when a round first opened, so that stored positions keep their meaning.
ROUND_SNAPSHOTS = """
CREATE TABLE round_snapshots (
    round_id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    taken_at TEXT NOT NULL
);
"""

# An outbox row says how long it matters: an invitation while its round is open, anything else
# until expires_at. Invitations queued before this migration get their round back from their key.
OUTBOX_LIFETIME = """
ALTER TABLE outbox ADD COLUMN round_id TEXT;
ALTER TABLE outbox ADD COLUMN expires_at TEXT;
UPDATE outbox SET round_id = substr(dedupe_key, 8, instr(substr(dedupe_key, 8), ':') - 1)
    WHERE dedupe_key LIKE 'invite:%:%';
CREATE INDEX outbox_invitations ON outbox (participant_id, round_id)
"""

# The core says what kind of message it queues; the bot's sender names the Bot API call that sends it.
OUTBOX_KINDS = """
ALTER TABLE outbox RENAME COLUMN method TO kind;
UPDATE outbox SET kind = CASE kind WHEN 'sendMessage' THEN 'send' WHEN 'editMessageText' THEN 'edit'
    WHEN 'editMessageReplyMarkup' THEN 'edit_buttons' ELSE kind END
"""

# The database itself refuses a second unconfirmed copy of an update, so storing one is a single
# INSERT OR IGNORE rather than a look-up and an insert.
INBOX_UNCONFIRMED_ONCE = """
CREATE UNIQUE INDEX inbox_unconfirmed_once ON inbox (update_id) WHERE confirmed = 0
"""

# The schedule's memory: coordinators' changes to the plan, and every scheduled action taken or
# skipped, keyed so that deciding the same action again finds it done.
SCHEDULE = """
CREATE TABLE plan_changes (
    id INTEGER PRIMARY KEY,
    round_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('closes', 'move_reminder', 'cancel_reminder', 'add_reminder')),
    number INTEGER,
    at TEXT,
    actor TEXT NOT NULL,
    made_at TEXT NOT NULL
);
CREATE TABLE schedule_log (
    key TEXT PRIMARY KEY,
    round_id TEXT NOT NULL,
    action TEXT NOT NULL,
    due_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    recipients INTEGER NOT NULL DEFAULT 0,
    done_at TEXT NOT NULL
)
"""

# Replies go before broadcasts; a broadcast's stream (its round, or '' for the rest) lets rounds
# take turns. Rows queued before this migration: invitations and closing notices are broadcasts.
OUTBOX_LANES = """
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT 'reply' CHECK (lane IN ('reply', 'broadcast'));
UPDATE outbox SET lane = 'broadcast' WHERE round_id IS NOT NULL OR dedupe_key LIKE 'closed:%';
CREATE INDEX outbox_lanes ON outbox (status, lane, COALESCE(round_id, ''), id)
"""

# The consultation team inside Telegram: coordinators (their Telegram ids stay here, like
# participants'), the one-off links that make someone a coordinator, and announcements, whose
# text waits here between "/announce" and the coordinator's Send.
COORDINATORS = """
CREATE TABLE coordinators (
    id INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE TABLE coordinator_invites (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    max_uses INTEGER NOT NULL CHECK (max_uses > 0),
    uses INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    coordinator_id INTEGER REFERENCES coordinators(id),
    audience TEXT NOT NULL,
    text TEXT,
    status TEXT NOT NULL CHECK (status IN ('awaiting_text', 'ready', 'sent', 'cancelled')),
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT
)
"""

# Between-round summaries: the draft a coordinator reviews, stored whole (content is JSON of its
# tallies, excerpts with their dropped flags, statistics and titles) so what was approved is what
# goes out; and the round's chart, with Telegram's file_id once uploaded, so it is uploaded once.
SUMMARIES = """
CREATE TABLE summaries (
    round_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('examples', 'ratings')),
    opening TEXT NOT NULL,
    opening_replaced INTEGER NOT NULL DEFAULT 0,
    next_step TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'sent')),
    content TEXT NOT NULL,
    drafted_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    send_now INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    recipients INTEGER NOT NULL DEFAULT 0,
    opening_from INTEGER REFERENCES coordinators(id)  -- whose next message replaces the opening
);
CREATE TABLE summary_charts (
    round_id TEXT PRIMARY KEY REFERENCES summaries(round_id),
    png BLOB NOT NULL,
    file_id TEXT
)
"""

# Why someone sees an item differently from their group. A row is written when the bot offers to
# ask (status 'offered'); the typed line fills text and source ('given'), Skip or any other action
# closes the offer ('skipped', 'passed'). One row per card, so a replay stores nothing twice.
REASONS = """
CREATE TABLE reasons (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    item_id TEXT NOT NULL DEFAULT '',
    criterion_id TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('offered', 'given', 'skipped', 'passed')),
    text TEXT,
    source TEXT,
    offered_at TEXT NOT NULL,
    given_at TEXT,
    UNIQUE (participant_id, round_id, question_id, item_id, criterion_id),
    UNIQUE (participant_id, source)
);
CREATE INDEX reasons_open ON reasons (participant_id, status)
"""

# The researchers' synthesis behind each item: a short description, a theme, evidence notes, the
# examples (answers to examples questions) it was made from, and the team's own review scores.
ITEM_DETAILS = """
ALTER TABLE items ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN theme TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE TABLE item_sources (
    item_set TEXT NOT NULL,
    item_id TEXT NOT NULL,
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (item_set, item_id, answer_id)
);
CREATE INDEX item_sources_by_answer ON item_sources (answer_id);
CREATE TABLE item_scores (
    item_set TEXT NOT NULL,
    item_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    PRIMARY KEY (item_set, item_id, criterion_id)
)
"""
