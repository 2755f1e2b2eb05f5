"""The web chat's WebSocket protocol: parsing client messages, rendering actions as JSON.

Client → server (one JSON object per frame):
  hello     {"type":"hello","chat_id":str|null,"language":str|null,"since":float?}
  message   {"type":"message","text":str,"id":str?}
  choose    {"type":"choose","key":"2","id":str?}
  person    {"type":"person"}
  callback  {"type":"callback","number":str}
  language  {"type":"language","language":"pl"}
  keepalive {"type":"keepalive"}

Server → client: every message has "type", and "text" when it carries words for the
citizen (see `render_actions` and the router for the full list).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from assist.dialogue.types import Action, Ask, End, Say
from assist.phones import uk_number as uk_number  # the callback form checks numbers with it

MAX_TEXT = 2000
"""Longest message a citizen may send, in characters."""
MAX_FRAME = 8192
"""Longest raw frame accepted (JSON overhead included)."""
CLIENT_TYPES = frozenset(
    {"hello", "message", "choose", "person", "callback", "language", "keepalive"}
)
_CHAT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_KEY = re.compile(r"^[0-9*#]{1,2}$")
_MSG_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class ProtocolError(ValueError):
    """A client frame that is not a valid message (`reason` is a short code)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClientMessage:
    """One validated message from the browser."""

    type: str
    text: str | None = None
    key: str | None = None
    chat_id: str | None = None
    language: str | None = None
    number: str | None = None
    id: str | None = None
    since: float | None = None
    """On hello after a dropped connection: the server time of the last message received."""


def valid_chat_id(value: object) -> bool:
    """True for a string shaped like a chat id (`issued_chat_id` also checks who made it)."""
    return isinstance(value, str) and bool(_CHAT_ID.match(value))


def _chat_id_mac(nonce: str, key: str) -> str:
    digest = hmac.new(key.encode(), b"chat-id:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def issue_chat_id(key: str) -> str:
    """A new random chat id carrying this server's signature (`key`: the secret key), so a
    citizen cannot choose one (it is also the key to the chat's transcript)."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}{_chat_id_mac(nonce, key)}"


def issued_chat_id(value: object, key: str) -> bool:
    """True only for a chat id `issue_chat_id` made with this `key`."""
    if not isinstance(value, str) or not _CHAT_ID.match(value) or len(value) != 44:
        return False
    return hmac.compare_digest(value[22:], _chat_id_mac(value[:22], key))


def _no_surrogates(value: object) -> bool:
    """False when any string inside `value` holds a lone surrogate (not valid UTF-8)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_no_surrogates(k) and _no_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_no_surrogates(v) for v in value)
    return True


def _opt_str(data: dict[str, Any], name: str, limit: int = 64) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError(f"bad_{name}")
    return value


def parse_client(raw: str) -> ClientMessage:
    """Validate one frame; raises ProtocolError (`too_long` for an overlong message)."""
    if len(raw) > MAX_FRAME:
        raise ProtocolError("too_long")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: thousands of `[`
        raise ProtocolError("not_json") from None
    if not _no_surrogates(data):
        raise ProtocolError("not_utf8")
    if not isinstance(data, dict) or data.get("type") not in CLIENT_TYPES:
        raise ProtocolError("bad_type")
    kind: str = data["type"]
    msg_id = _opt_str(data, "id")
    if msg_id is not None and not _MSG_ID.match(msg_id):
        raise ProtocolError("bad_id")
    if kind == "hello":
        chat_id = data.get("chat_id")
        since = data.get("since")
        if since is not None and (isinstance(since, bool) or not isinstance(since, int | float)):
            raise ProtocolError("bad_since")
        return ClientMessage(
            "hello",
            chat_id=chat_id if valid_chat_id(chat_id) else None,
            language=_opt_str(data, "language", 35),
            since=float(since) if since is not None else None,
        )
    if kind == "message":
        text = data.get("text")
        if not isinstance(text, str):
            raise ProtocolError("bad_text")
        if len(text) > MAX_TEXT:
            raise ProtocolError("too_long")
        return ClientMessage("message", text=text, id=msg_id)
    if kind == "choose":
        key = data.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise ProtocolError("bad_key")
        return ClientMessage("choose", key=key, id=msg_id)
    if kind == "callback":
        return ClientMessage("callback", number=_opt_str(data, "number", 40) or "")
    if kind == "language":
        return ClientMessage("language", language=_opt_str(data, "language", 35))
    return ClientMessage(kind, id=msg_id)


def first_name(agent: str) -> str:
    """What the citizen sees of a member of staff: their first name (`sam.jones` → `Sam`)."""
    name = agent.strip().split("@")[0]
    name = re.split(r"[\s._-]+", name)[0] if name else ""
    if not name:
        return "A member of staff"
    return name.capitalize() if name.islower() else name


def render_actions(actions: list[Action], lang: str = "en") -> list[dict[str, Any]]:
    """The messages that show a turn's actions (say and ask; other actions show nothing).

    Each carries `lang`, the conversation's language (the page marks the message with it).
    `End` is rendered by the caller, which knows the words to use.
    """
    out: list[dict[str, Any]] = []
    for action in actions:
        if isinstance(action, Ask):
            out.append(
                {
                    "type": "ask",
                    "text": action.text,
                    "options": [{"key": o.key, "label": o.label} for o in action.options],
                    "expect": action.expect,
                    "lang": lang,
                }
            )
        elif isinstance(action, Say):
            out.append({"type": "say", "text": action.text, "lang": lang})
    return out


def has_end(actions: list[Action]) -> bool:
    """True when the turn finished the conversation."""
    return any(isinstance(a, End) for a in actions)


def last_ask(last_actions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The question still open in a session's `last_actions` as an `ask` message, or None."""
    for item in reversed(last_actions):
        if item.get("kind") == "ask":
            return {
                "type": "ask",
                "text": item.get("text", ""),
                "options": [
                    {"key": o["key"], "label": o["label"]} for o in item.get("options", ())
                ],
                "expect": item.get("expect", "choice"),
            }
    return None
