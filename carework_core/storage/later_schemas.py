"""The SQL of later migrations (13 on); migrations.py, the registry, names each."""

# The definition's language a person reads (participants.language keeps what Telegram reported).
CHOSEN_LANGUAGE = "ALTER TABLE participants ADD COLUMN chosen_language TEXT"

# Sent messages kept their words until migration 19; from there a row keeps them only until it goes.
SENT_WITHOUT_WORDS = "UPDATE outbox SET payload = '' WHERE status <> 'pending'"

# An item's title in every language of the consultation, as JSON {language: title}; NULL: one language.
ITEM_TITLES = "ALTER TABLE items ADD COLUMN titles TEXT"

PAUSES = """
ALTER TABLE participants ADD COLUMN paused_at TEXT
"""

# Invite tokens are kept as a keyed hash (carework_core/people/invite_tokens.py hashes rows stored in
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

# Each person's digest of a rating round, counted with its summary's figures when it is drafted, so
# sending and paging never count the ratings again: what the round's digests share (cards' titles,
# groups' and everyone's figures, the answers' labels) is the summary's digest_legend (JSON), and each
# person's lines point into it. digest_legend is NULL for a summary drafted before: its digests are
# counted once, the first time they are needed, and kept.
SUMMARY_DIGESTS = """
CREATE TABLE summary_digests (
    round_id TEXT NOT NULL REFERENCES summaries(round_id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    group_id TEXT NOT NULL,
    lines TEXT NOT NULL,
    PRIMARY KEY (round_id, participant_id)
);
ALTER TABLE summaries ADD COLUMN digest_legend TEXT
"""

# What a person adds to an answer: the follow-ups asked about an example (field = the follow-up's id)
# and the words given with an Other option (field = "other"). value NULL means they tapped Skip;
# source names the message or tap, so a replayed update stores nothing twice.
ANSWER_DETAILS = """
CREATE TABLE answer_details (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    value TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, field)
);
CREATE INDEX answer_details_by_source ON answer_details (source);
"""

# A voice note is stored as an answer (or a reason) whose text is a short marker; this row keeps
# what Telegram needs to fetch the recording. Deleting the answer or reason deletes the row.
VOICE_NOTES = """
CREATE TABLE voice_notes (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    answer_id INTEGER REFERENCES answers(id) ON DELETE CASCADE,
    field TEXT NOT NULL DEFAULT '',  -- '' for the answer itself, else the detail spoken (a follow-up, Other's words)
    reason_id INTEGER UNIQUE REFERENCES reasons(id) ON DELETE CASCADE,
    history_id INTEGER UNIQUE REFERENCES answer_history(id) ON DELETE CASCADE,  -- a spoken answer since changed
    file_id TEXT NOT NULL,
    file_unique_id TEXT,
    duration INTEGER NOT NULL,
    saved_file TEXT,
    CHECK ((answer_id IS NOT NULL) + (reason_id IS NOT NULL) + (history_id IS NOT NULL) = 1),
    UNIQUE (answer_id, field)
);
CREATE INDEX voice_notes_by_participant ON voice_notes (participant_id)
"""

# Pending replies in the order they were queued, without sorting them all: the sender takes the first
# few on every pass, and thousands may wait at once (each chat's next reply, held by its own pace).
REPLY_ORDER = "CREATE INDEX outbox_replies ON outbox (status, id) WHERE lane = 'reply'"

# Whose invitation to an open round may be owed: the reconcile looks only at these, not at everyone on
# every pass. Triggers add a row whenever a change could make someone owed one (a round opens; a person
# consents, is reachable again or joins a group; an invitation fails, expires or is deleted; a
# participation is deleted); the reconcile deletes a row once it finds that person invited or not owed.
INVITATION_CHECKS = """
CREATE TABLE invitation_checks (
    round_id TEXT NOT NULL,
    participant_id INTEGER NOT NULL,
    PRIMARY KEY (round_id, participant_id)
) WITHOUT ROWID;
INSERT INTO invitation_checks (round_id, participant_id)
 SELECT r.round_id, p.id FROM rounds r JOIN participants p WHERE r.status = 'open' AND p.status = 'consented';
CREATE TRIGGER checks_when_round_opens AFTER UPDATE OF status ON rounds WHEN NEW.status = 'open' BEGIN
 INSERT INTO invitation_checks (round_id, participant_id)
  SELECT NEW.round_id, id FROM participants WHERE status = 'consented' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_round_added AFTER INSERT ON rounds WHEN NEW.status = 'open' BEGIN
 INSERT INTO invitation_checks (round_id, participant_id)
  SELECT NEW.round_id, id FROM participants WHERE status = 'consented' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_person_changes AFTER UPDATE OF status, reachable, group_id ON participants
 WHEN NEW.status = 'consented' AND NEW.reachable = 1 BEGIN
 INSERT INTO invitation_checks (round_id, participant_id)
  SELECT round_id, NEW.id FROM rounds WHERE status = 'open' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_person_added AFTER INSERT ON participants WHEN NEW.status = 'consented' BEGIN
 INSERT INTO invitation_checks (round_id, participant_id)
  SELECT round_id, NEW.id FROM rounds WHERE status = 'open' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_identity_added AFTER INSERT ON telegram_identities BEGIN
 INSERT INTO invitation_checks (round_id, participant_id)
  SELECT round_id, NEW.participant_id FROM rounds WHERE status = 'open' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_message_ends AFTER UPDATE OF status ON outbox
 WHEN NEW.round_id IS NOT NULL AND NEW.participant_id IS NOT NULL AND NEW.status NOT IN ('pending', 'sent') BEGIN
 INSERT INTO invitation_checks (round_id, participant_id) VALUES (NEW.round_id, NEW.participant_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_message_deleted AFTER DELETE ON outbox
 WHEN OLD.round_id IS NOT NULL AND OLD.participant_id IS NOT NULL BEGIN
 INSERT INTO invitation_checks (round_id, participant_id) VALUES (OLD.round_id, OLD.participant_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_participation_deleted AFTER DELETE ON participations BEGIN
 INSERT INTO invitation_checks (round_id, participant_id) VALUES (OLD.round_id, OLD.participant_id) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER checks_when_start_undone AFTER UPDATE OF started_at ON participations WHEN NEW.started_at IS NULL BEGIN
 INSERT INTO invitation_checks (round_id, participant_id) VALUES (NEW.round_id, NEW.participant_id) ON CONFLICT DO NOTHING;
END
"""

# Whose closing notice may be owed, kept as invitation_checks are: a round closes (everyone unfinished);
# a person is reachable, consented and not paused again; a participation is added or unfinished again;
# a closing notice is deleted. The reconcile deletes a row once that person is told or not owed.
CLOSING_CHECKS = """
CREATE TABLE closing_checks (
    round_id TEXT NOT NULL,
    participant_id INTEGER NOT NULL,
    PRIMARY KEY (round_id, participant_id)
) WITHOUT ROWID;
INSERT INTO closing_checks (round_id, participant_id)
 SELECT x.round_id, x.participant_id FROM participations x JOIN rounds r ON r.round_id = x.round_id
 WHERE r.status = 'closed' AND x.finished_at IS NULL;
CREATE TRIGGER closing_checks_when_round_closes AFTER UPDATE OF status ON rounds WHEN NEW.status = 'closed' BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT NEW.round_id, participant_id FROM participations WHERE round_id = NEW.round_id AND finished_at IS NULL
  ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_round_added AFTER INSERT ON rounds WHEN NEW.status = 'closed' BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT NEW.round_id, participant_id FROM participations WHERE round_id = NEW.round_id AND finished_at IS NULL
  ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_person_changes AFTER UPDATE OF status, reachable, paused_at ON participants
 WHEN NEW.status = 'consented' AND NEW.reachable = 1 AND NEW.paused_at IS NULL BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT x.round_id, NEW.id FROM participations x JOIN rounds r ON r.round_id = x.round_id
  WHERE x.participant_id = NEW.id AND r.status = 'closed' AND x.finished_at IS NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_identity_added AFTER INSERT ON telegram_identities BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT x.round_id, NEW.participant_id FROM participations x JOIN rounds r ON r.round_id = x.round_id
  WHERE x.participant_id = NEW.participant_id AND r.status = 'closed' AND x.finished_at IS NULL ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_participation_added AFTER INSERT ON participations
 WHEN NEW.finished_at IS NULL BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT round_id, NEW.participant_id FROM rounds WHERE round_id = NEW.round_id AND status = 'closed'
  ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_unfinished AFTER UPDATE OF finished_at ON participations
 WHEN NEW.finished_at IS NULL BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT round_id, NEW.participant_id FROM rounds WHERE round_id = NEW.round_id AND status = 'closed'
  ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER closing_checks_when_notice_deleted AFTER DELETE ON outbox
 WHEN OLD.dedupe_key LIKE 'closed:%' AND OLD.participant_id IS NOT NULL BEGIN
 INSERT INTO closing_checks (round_id, participant_id)
  SELECT x.round_id, OLD.participant_id FROM participations x JOIN rounds r ON r.round_id = x.round_id
  WHERE x.participant_id = OLD.participant_id AND r.status = 'closed' AND x.finished_at IS NULL ON CONFLICT DO NOTHING;
END
"""

# An item's kind (e.g. innovation, solution; "" when not given) and its description and evidence notes in
# every language of the consultation, as JSON {language: text}; NULL: written in one language.
ITEM_KINDS = """
ALTER TABLE items ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN descriptions TEXT;
ALTER TABLE items ADD COLUMN notes_languages TEXT
"""

# The items each person was given to rate when a question has items_per_person (in the order they see them),
# and one random seed per question, stored so that a restart breaks ties between ideas the same way.
ITEM_SHARES = """
CREATE TABLE share_seeds (
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    PRIMARY KEY (round_id, question_id)
);
CREATE TABLE item_shares (
    round_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (participant_id, round_id, question_id, item_id)
);
CREATE INDEX item_shares_by_item ON item_shares (round_id, question_id, item_id)
"""

# A team member is a coordinator (runs rounds, reminds, announces, approves summaries) or a researcher
# (also downloads the data); a team link says which it makes. Rows from before are coordinators.
TEAM_ROLES = """
ALTER TABLE coordinators ADD COLUMN role TEXT NOT NULL DEFAULT 'coordinator'
 CHECK (role IN ('coordinator', 'researcher'));
ALTER TABLE coordinator_invites ADD COLUMN role TEXT NOT NULL DEFAULT 'coordinator'
 CHECK (role IN ('coordinator', 'researcher'))
"""

# A summary's chart in each language its readers read (drawn once per language). Charts drawn before
# were drawn with English words, so they are kept as the English chart.
CHART_LANGUAGES = """
CREATE TABLE summary_charts_by_language (
    round_id TEXT NOT NULL REFERENCES summaries(round_id),
    language TEXT NOT NULL,
    png BLOB NOT NULL,
    file_id TEXT,
    PRIMARY KEY (round_id, language)
);
INSERT INTO summary_charts_by_language (round_id, language, png, file_id)
    SELECT round_id, 'en', png, file_id FROM summary_charts;
DROP TABLE summary_charts;
ALTER TABLE summary_charts_by_language RENAME TO summary_charts
"""
