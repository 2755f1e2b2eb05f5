"""The notify component's tables: opt-outs, preferences, subscriptions, jobs, report state."""

from __future__ import annotations

from assist.store.base import Migration, migrations

MIGRATIONS: list[Migration] = migrations(
    "notify",
    """
        CREATE TABLE notify_optouts (
          number TEXT PRIMARY KEY,
          source TEXT NOT NULL,
          keyword TEXT,
          at REAL NOT NULL
        );
        CREATE TABLE notify_optout_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          number TEXT NOT NULL,
          action TEXT NOT NULL,
          source TEXT NOT NULL,
          at REAL NOT NULL
        );
        CREATE TABLE notify_prefs (
          number TEXT NOT NULL,
          topic TEXT NOT NULL,
          enabled INTEGER NOT NULL,
          updated_at REAL NOT NULL,
          PRIMARY KEY (number, topic)
        );
        CREATE TABLE notify_subscriptions (
          number TEXT NOT NULL,
          topic TEXT NOT NULL,
          address_id TEXT NOT NULL,
          address TEXT,
          language TEXT NOT NULL DEFAULT 'en',
          channel TEXT,
          active INTEGER NOT NULL DEFAULT 1,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          PRIMARY KEY (number, topic, address_id)
        );
        CREATE TABLE notify_jobs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL UNIQUE,
          topic TEXT NOT NULL,
          number TEXT NOT NULL,
          text TEXT NOT NULL,
          session_id TEXT,
          due_at REAL NOT NULL,
          expires_at REAL,
          status TEXT NOT NULL DEFAULT 'pending',
          deferrals INTEGER NOT NULL DEFAULT 0,
          created_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          sent_at REAL
        );
        CREATE INDEX notify_jobs_due ON notify_jobs (status, due_at);
        CREATE TABLE notify_report_state (
          assist_ref TEXT PRIMARY KEY,
          ref_sent INTEGER NOT NULL DEFAULT 0,
          last_status TEXT,
          last_notes TEXT,
          closed INTEGER NOT NULL DEFAULT 0,
          checked_at REAL
        );
        """,
    """
        CREATE TABLE notify_reminder_times (
          number TEXT NOT NULL,
          topic TEXT NOT NULL,
          at TEXT NOT NULL,
          updated_at REAL NOT NULL,
          PRIMARY KEY (number, topic)
        );
        """,
    """
        CREATE TABLE notify_consents (
          number TEXT NOT NULL,
          topic TEXT NOT NULL,
          address_id TEXT NOT NULL,
          address TEXT,
          language TEXT NOT NULL DEFAULT 'en',
          channel TEXT,
          session_id TEXT,
          created_at REAL NOT NULL,
          PRIMARY KEY (number, topic, address_id)
        );
        """,
)
"""`notify_jobs.status`: pending, sent (handed to the outbox), suppressed (number opted
out), off (that kind of message turned off), expired (too late to be useful), replan (its
reminder time changed: the next planning pass moves it). `notify_reminder_times.at`: local
HH:MM a number chose for a topic's reminders (no row: the configured default).
`notify_consents`: reminders asked for in a chat, waiting for the number to reply YES."""
