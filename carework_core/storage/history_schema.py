"""The schema of changed answers (migration 16), apart so that migrations.py stays small."""

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
