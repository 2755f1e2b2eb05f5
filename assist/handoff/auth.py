"""Staff accounts and console sessions: argon2 hashes, signed session cookies, CSRF, lockouts.

A session is a random token: the cookie carries the token and its HMAC (signed with
`Settings.secret_key`); the store keeps only the token's SHA-256, the user and the
session's CSRF token. Logging in always issues a new token (no session fixation);
failed logins are counted per user name and per address and lock out for a while.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from assist.store.base import Tx

Role = Literal["agent", "supervisor"]
ROLES: tuple[Role, ...] = ("agent", "supervisor")
SESSION_TTL_S = 8 * 3600.0
"""A console session lasts one shift."""
LOCKOUT_WINDOW_S = 15 * 60.0
MAX_FAILURES_PER_USER = 5
"""Wrong passwords for one account from one address before that pair is locked."""
MAX_FAILURES_PER_ADDRESS = 20
"""Wrong passwords from one address, whatever the account, before the address is locked."""
MAX_FAILURES_PER_ACCOUNT = 50
"""Wrong passwords for one account from anywhere (a spread-out guesser) before it is locked;
a supervisor can unlock it (`unlock`)."""
_HASHER = PasswordHasher()


class AuthError(Exception):
    """Wrong user name or password (deliberately not saying which)."""


class LockedOut(AuthError):
    """Too many failed logins recently; try again later."""


@dataclass(frozen=True)
class Staff:
    """A signed-in member of staff."""

    username: str
    role: Role
    csrf: str
    """This session's CSRF token (forms and the X-CSRF-Token header must carry it)."""

    @property
    def is_supervisor(self) -> bool:
        """True for supervisors."""
        return self.role == "supervisor"


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _verify(hashed: str | None, password: str) -> bool:
    """Check a password; with no account, still spend the time of one check (no user probing)."""
    try:
        return _HASHER.verify(hashed or _dummy_hash(), password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def add_staff(tx: Tx, username: str, role: Role, password: str, now: float) -> None:
    """Create or replace a staff account; raises ValueError for a bad name, role or password."""
    name = username.strip().lower()
    if not name or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError("user names are letters, digits, '.', '-' and '_'")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if len(password) < 12:
        raise ValueError("passwords must be at least 12 characters")
    hashed = await anyio.to_thread.run_sync(hash_password, password)
    await tx.execute(
        "INSERT INTO handoff_staff (username, role, password_hash, created_at) VALUES (?,?,?,?)"
        " ON CONFLICT(username) DO UPDATE SET role=excluded.role,"
        " password_hash=excluded.password_hash, disabled=0",
        (name, role, hashed, now),
    )
    # A new password ends every session made with the old one (e.g. after a compromise).
    await tx.execute("DELETE FROM handoff_staff_sessions WHERE username = ?", (name,))


def sign(token: str, secret: str) -> str:
    """`token.signature`: the cookie value for a session token."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def unsign(value: str, secret: str) -> str | None:
    """The token inside a signed cookie value, or None when the signature is wrong."""
    token, _, mac = value.rpartition(".")
    if not token:
        return None
    good = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(mac, good) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _failures(tx: Tx, key: str, now: float) -> int:
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_login_failures WHERE key = ? AND at > ?",
        (key, now - LOCKOUT_WINDOW_S),
    )
    return int(row["n"]) if row else 0


async def login(tx: Tx, username: str, password: str, address: str, now: float) -> str | None:
    """Check credentials and open a new session; returns its token, or None when wrong.

    A wrong name or password is recorded (so commit the transaction; raise AuthError after
    it). Raises LockedOut after too many recent failures, without checking the password.
    """
    name = username.strip().lower()
    # Locked per account *and* address: five wrong guesses from elsewhere no longer lock
    # a member of staff out of their own desk.
    pair_key, addr_key, user_key = f"user:{name}@{address}", f"addr:{address}", f"user:{name}"
    if (
        await _failures(tx, pair_key, now) >= MAX_FAILURES_PER_USER
        or await _failures(tx, addr_key, now) >= MAX_FAILURES_PER_ADDRESS
        or await _failures(tx, user_key, now) >= MAX_FAILURES_PER_ACCOUNT
    ):
        raise LockedOut("too many failed attempts; try again in 15 minutes")
    row = await tx.fetchone(
        "SELECT password_hash FROM handoff_staff WHERE username = ? AND disabled = 0", (name,)
    )
    hashed = row["password_hash"] if row else None
    ok = await anyio.to_thread.run_sync(_verify, hashed, password)
    if not ok or row is None:
        for key in (pair_key, addr_key, user_key):
            await tx.execute(
                "INSERT INTO handoff_login_failures (key, at) VALUES (?,?)", (key, now)
            )
        return None
    await tx.execute("DELETE FROM handoff_login_failures WHERE key = ?", (pair_key,))
    await tx.execute("DELETE FROM handoff_staff_sessions WHERE expires_at < ?", (now,))
    token = secrets.token_urlsafe(32)
    await tx.execute(
        "INSERT INTO handoff_staff_sessions (token_hash, username, csrf, created_at, expires_at)"
        " VALUES (?,?,?,?,?)",
        (_digest(token), name, secrets.token_urlsafe(32), now, now + SESSION_TTL_S),
    )
    return token


async def unlock(tx: Tx, username: str) -> int:
    """Forget the failed sign-ins of one account, from every address (a supervisor's unlock);
    returns how many were forgotten."""
    name = username.strip().lower()
    return await tx.execute(
        "DELETE FROM handoff_login_failures WHERE key = ? OR key LIKE ? ESCAPE '\\'",
        (f"user:{name}", "user:" + name.replace("%", "\\%").replace("_", "\\_") + "@%"),
    )


async def session_staff(tx: Tx, token: str, now: float) -> Staff | None:
    """The staff member a session token belongs to, or None (unknown, expired, disabled)."""
    row = await tx.fetchone(
        "SELECT s.username, s.csrf, u.role FROM handoff_staff_sessions s JOIN handoff_staff u"
        " ON u.username = s.username WHERE s.token_hash = ? AND s.expires_at > ?"
        " AND u.disabled = 0",
        (_digest(token), now),
    )
    if row is None:
        return None
    return Staff(row["username"], row["role"], row["csrf"])


async def logout(tx: Tx, token: str) -> None:
    """End a session."""
    await tx.execute("DELETE FROM handoff_staff_sessions WHERE token_hash = ?", (_digest(token),))
