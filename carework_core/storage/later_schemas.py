"""The SQL of later migrations (13 on), apart so that migrations.py, the registry, stays small."""

# The definition's language a person reads (participants.language keeps what Telegram reported).
CHOSEN_LANGUAGE = "ALTER TABLE participants ADD COLUMN chosen_language TEXT"

# Sent messages kept their words until migration 19; from there a row keeps them only until it goes.
SENT_WITHOUT_WORDS = "UPDATE outbox SET payload = '' WHERE status <> 'pending'"

# An item's title in every language of the consultation, as JSON {language: title}; NULL: one language.
ITEM_TITLES = "ALTER TABLE items ADD COLUMN titles TEXT"

PAUSES = """
ALTER TABLE participants ADD COLUMN paused_at TEXT
"""

# Invite tokens are kept as a keyed hash (carework_core/invite_tokens.py hashes rows stored in
# clear before this, at open); consent rows keep the version of the wording agreed to (NULL: unknown).
SECRETS = """
ALTER TABLE invites ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX invites_by_token_hash ON invites (token_hash);
ALTER TABLE coordinator_invites ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX coordinator_invites_by_token_hash ON coordinator_invites (token_hash);
ALTER TABLE consents ADD COLUMN wording TEXT
"""


# A changed answer replaces the row in answers (which stays the current answer, so summaries count
# it once); the value it replaced moves here. pending_changes holds the typed answer a person has
# asked to change, so the change survives a restart between "Change" and their new words.
ANSWER_HISTORY = """
CREATE TABLE answer_history (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    answer_id INTEGER NOT NULL,
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    item_id TEXT,
    criterion_id TEXT,
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE INDEX answer_history_by_person ON answer_history (participant_id, round_id);
CREATE TABLE pending_changes (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id),
    answer_id INTEGER NOT NULL,
    asked_at TEXT NOT NULL
)
"""


# What a round's progress report said when it closed, per group: later consent changes, withdrawals
# or a removed group must not rewrite a closed round's figures. Reopening the round drops them.
ROUND_FIGURES = """
CREATE TABLE round_figures (
    round_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    invited INTEGER NOT NULL,
    started INTEGER NOT NULL,
    finished INTEGER NOT NULL,
    unreachable INTEGER NOT NULL,
    paused INTEGER NOT NULL,
    PRIMARY KEY (round_id, group_id)
)
"""

# A coordinator can be taken off the team: the row stays (the audit log names them coordinator:N)
# but their Telegram id and chat are replaced by -id, which no Telegram user has. An invite link
# (a group's or the team's) can be revoked: it then counts as used up.
REMOVALS = """
ALTER TABLE coordinators ADD COLUMN removed_at TEXT;
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
ALTER TABLE coordinator_invites ADD COLUMN revoked_at TEXT
"""

# The last reminder about a round: the next waits the definition's reminder_gap.
REMINDED_AT = "ALTER TABLE participations ADD COLUMN reminded_at TEXT"

# An announcement confirmed in quiet hours is held until they end (unless sent as urgent).
SEND_AFTER = "ALTER TABLE announcements ADD COLUMN send_after TEXT"

# A sent message's buttons as a JSON list of callback data (NULL before): a tap counts only on a button it had.
BUTTONS = "ALTER TABLE outbox ADD COLUMN buttons TEXT"
