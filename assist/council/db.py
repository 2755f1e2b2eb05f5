"""The reference council's own SQLite file of service requests (it plays a separate system)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  jurisdiction TEXT NOT NULL,
  service_code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  status_notes TEXT,
  description TEXT,
  address TEXT,
  address_id TEXT,
  zipcode TEXT,
  lat REAL,
  long REAL,
  email TEXT,
  phone TEXT,
  first_name TEXT,
  last_name TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  media_url TEXT,
  assist_ref TEXT,
  token TEXT NOT NULL UNIQUE,
  requested_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  expected_at REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS requests_by_ref ON requests (jurisdiction, assist_ref)
  WHERE assist_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_by_time ON requests (jurisdiction, requested_at);
"""
_FIRST_ID = 100000


@dataclass(frozen=True)
class NewRequest:
    """A validated request to store."""

    jurisdiction: str
    service_code: str
    description: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    email: str | None
    phone: str | None
    first_name: str | None
    last_name: str | None
    attributes: dict[str, Any]
    media_url: str | None
    assist_ref: str | None
    expected_at: float | None


@dataclass(frozen=True)
class Query:
    """Filters of `GET requests` (GeoReport v2), already parsed."""

    jurisdiction: str
    ids: Sequence[int] = ()
    service_codes: Sequence[str] = ()
    start: float | None = None
    end: float | None = None
    statuses: Sequence[str] = ()
    limit: int = 1000


def iso(ts: float | None) -> str | None:
    """A UNIX time as a W3C datetime in UTC (`2026-11-27T09:30:00+00:00`), or None."""
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).replace(microsecond=0).isoformat()


class CouncilDB:
    """Service requests in one SQLite file; every method runs its I/O in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn, conn:
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'requests', ?"
                " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'requests')",
                (_FIRST_ID,),
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    async def create(self, req: NewRequest, now: float) -> tuple[dict[str, Any], bool]:
        """Store a request; returns (row, created). A repeated `assist_ref` returns the first."""
        return await anyio.to_thread.run_sync(self._create, req, now)

    def _create(self, req: NewRequest, now: float) -> tuple[dict[str, Any], bool]:
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if req.assist_ref:
                    found = conn.execute(
                        "SELECT * FROM requests WHERE jurisdiction = ? AND assist_ref = ?",
                        (req.jurisdiction, req.assist_ref),
                    ).fetchone()
                    if found is not None:
                        conn.execute("COMMIT")
                        return dict(found), False
                cur = conn.execute(
                    "INSERT INTO requests (jurisdiction, service_code, description, address,"
                    " address_id, zipcode, lat, long, email, phone, first_name, last_name,"
                    " attributes, media_url, assist_ref, token, requested_at, updated_at,"
                    " expected_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        req.jurisdiction,
                        req.service_code,
                        req.description,
                        req.address,
                        req.address_id,
                        req.zipcode,
                        req.lat,
                        req.long,
                        req.email,
                        req.phone,
                        req.first_name,
                        req.last_name,
                        json.dumps(req.attributes),
                        req.media_url,
                        req.assist_ref,
                        secrets.token_hex(8),
                        now,
                        now,
                        req.expected_at,
                    ),
                )
                row = conn.execute(
                    "SELECT * FROM requests WHERE id = ?", (cur.lastrowid,)
                ).fetchone()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return dict(row), True

    async def get(self, jurisdiction: str, request_id: int) -> dict[str, Any] | None:
        """One request of this jurisdiction, or None."""
        rows = await self.find(Query(jurisdiction, ids=(request_id,)))
        return rows[0] if rows else None

    async def by_token(self, jurisdiction: str, token: str) -> dict[str, Any] | None:
        """The request created with this token, or None."""
        return await anyio.to_thread.run_sync(
            self._one,
            ("SELECT * FROM requests WHERE jurisdiction = ? AND token = ?", (jurisdiction, token)),
        )

    async def find(self, q: Query) -> list[dict[str, Any]]:
        """Requests matching a query, newest first."""
        sql = ["SELECT * FROM requests WHERE jurisdiction = ?"]
        params: list[Any] = [q.jurisdiction]
        if q.ids:
            sql.append(f"AND id IN ({','.join('?' for _ in q.ids)})")
            params.extend(q.ids)
        else:
            if q.service_codes:
                sql.append(f"AND service_code IN ({','.join('?' for _ in q.service_codes)})")
                params.extend(q.service_codes)
            if q.statuses:
                sql.append(f"AND status IN ({','.join('?' for _ in q.statuses)})")
                params.extend(q.statuses)
            if q.start is not None:
                sql.append("AND requested_at >= ?")
                params.append(q.start)
            if q.end is not None:
                sql.append("AND requested_at <= ?")
                params.append(q.end)
        sql.append("ORDER BY requested_at DESC, id DESC LIMIT ?")
        params.append(q.limit)
        return await anyio.to_thread.run_sync(self._all, (" ".join(sql), params))

    async def set_status(
        self,
        request_id: int,
        status: str,
        notes: str | None,
        now: float,
        expected_at: float | None = None,
    ) -> dict[str, Any] | None:
        """Staff change a request's status; returns the updated row or None if unknown."""
        return await anyio.to_thread.run_sync(
            self._set_status, request_id, status, notes, now, expected_at
        )

    def _set_status(
        self, request_id: int, status: str, notes: str | None, now: float, expected_at: float | None
    ) -> dict[str, Any] | None:
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "UPDATE requests SET status = ?, status_notes = ?, updated_at = ?,"
                " expected_at = COALESCE(?, expected_at) WHERE id = ?",
                (status, notes, now, expected_at, request_id),
            )
            row = conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
            return dict(row) if row is not None else None

    def _one(self, query: tuple[str, Sequence[Any]]) -> dict[str, Any] | None:
        rows = self._all(query)
        return rows[0] if rows else None

    def _all(self, query: tuple[str, Sequence[Any]]) -> list[dict[str, Any]]:
        with closing(self._connect()) as conn:
            return [dict(r) for r in conn.execute(query[0], tuple(query[1])).fetchall()]
