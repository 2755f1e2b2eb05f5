"""The handoff component's tables: queue entries, agents, predictions, staff and their sessions."""

from __future__ import annotations

from assist.store.base import Migration, migrations

MIGRATIONS: list[Migration] = migrations(
    "handoff",
    """
        CREATE TABLE handoff_entries (
          id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL,
          channel TEXT NOT NULL,
          sender TEXT NOT NULL,
          language TEXT NOT NULL,
          skill TEXT,
          reason TEXT NOT NULL,
          priority INTEGER NOT NULL,
          summary TEXT NOT NULL,
          context TEXT NOT NULL,
          kind TEXT NOT NULL DEFAULT 'live',
          status TEXT NOT NULL,
          enqueued_at REAL NOT NULL,
          not_before REAL NOT NULL DEFAULT 0,
          dropped_at REAL,
          first_claimed_at REAL,
          claimed_at REAL,
          claimed_by TEXT,
          closed_at REAL,
          outcome TEXT,
          notes TEXT NOT NULL DEFAULT '',
          handled_s REAL,
          callback_number TEXT,
          callback_attempts INTEGER NOT NULL DEFAULT 0,
          updated_at REAL NOT NULL
        );
        CREATE INDEX handoff_entries_waiting ON handoff_entries (status, priority, enqueued_at);
        CREATE INDEX handoff_entries_by_session ON handoff_entries (session_id);
        CREATE INDEX handoff_entries_by_sender ON handoff_entries (sender, enqueued_at);
        CREATE INDEX handoff_entries_closed ON handoff_entries (closed_at);
        CREATE TABLE handoff_agents (
          agent_id TEXT PRIMARY KEY,
          skills TEXT NOT NULL DEFAULT '[]',
          signed_in INTEGER NOT NULL DEFAULT 0,
          signed_in_at REAL,
          updated_at REAL NOT NULL
        );
        CREATE TABLE handoff_predictions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          entry_id TEXT NOT NULL,
          at REAL NOT NULL,
          ahead INTEGER NOT NULL,
          method TEXT NOT NULL,
          predicted_s REAL NOT NULL,
          upper_s REAL NOT NULL,
          confident INTEGER NOT NULL,
          actual_s REAL,
          outcome TEXT
        );
        CREATE INDEX handoff_predictions_by_entry ON handoff_predictions (entry_id);
        CREATE TABLE handoff_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          entry_id TEXT NOT NULL,
          at REAL NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX handoff_events_by_entry ON handoff_events (entry_id, id);
        CREATE INDEX handoff_events_at ON handoff_events (id);
        CREATE TABLE handoff_staff (
          username TEXT PRIMARY KEY,
          role TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          disabled INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL
        );
        CREATE TABLE handoff_staff_sessions (
          token_hash TEXT PRIMARY KEY,
          username TEXT NOT NULL,
          csrf TEXT NOT NULL,
          created_at REAL NOT NULL,
          expires_at REAL NOT NULL
        );
        CREATE TABLE handoff_login_failures (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL,
          at REAL NOT NULL
        );
        CREATE INDEX handoff_login_failures_by_key ON handoff_login_failures (key, at)
        """,
    # Flood limits: where an entry came from (a keyed hash of the web client's address or of
    # the number) and whether it was over the limit for that source when it joined; and when
    # a live line last said its citizen was still there (`liveness`).
    """
        ALTER TABLE handoff_entries ADD COLUMN seen_at REAL;
        ALTER TABLE handoff_entries ADD COLUMN source TEXT;
        ALTER TABLE handoff_entries ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX handoff_entries_by_source ON handoff_entries (source, status)
        """,
)
