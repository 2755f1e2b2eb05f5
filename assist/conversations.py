"""Runs one turn end to end: load the session, ask the engine, commit everything together.

The session, the transcript lines, outbox records (reports, texts) and any queue entry are
written in ONE transaction, so a crash either loses the whole turn (the citizen is asked
again) or keeps all of it; never a report without its session or a session without its
report. An idempotency key from the channel (Twilio's CallSid + step, or MessageSid) makes
a retried request return the stored answer without doing anything twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from assist.dialogue.engine import Engine
from assist.dialogue.types import (
    Action,
    Ask,
    CallBackend,
    Channel,
    HandOff,
    Inbound,
    Say,
    SendSms,
    Session,
    Status,
    action_from_dict,
    action_to_dict,
)
from assist.dialogue.vocabulary import GREETINGS, fold
from assist.metrics import Metrics
from assist.store import core
from assist.store.base import Row, Store, Tx

log = logging.getLogger(__name__)


class HandoffQueue(Protocol):
    """Where hand-offs go: the handoff queue writes its entry inside the turn's transaction."""

    async def enqueue_in_tx(
        self,
        tx: Tx,
        *,
        session: Session,
        handoff: HandOff,
        transcript: list[Row],
        now: float,
        origin: str | None = None,
    ) -> int:
        """Add the citizen to the queue; returns the entry id. `origin` is where the request
        came from when the sender alone does not say (`Inbound.origin`)."""
        ...


@dataclass
class RecordingQueue:
    """A `HandoffQueue` that only records hand-offs (for tests and the terminal chat)."""

    entries: list[tuple[str, HandOff]] = field(default_factory=list)

    async def enqueue_in_tx(
        self,
        tx: Tx,
        *,
        session: Session,
        handoff: HandOff,
        transcript: list[Row],
        now: float,
        origin: str | None = None,
    ) -> int:
        self.entries.append((session.id, handoff))
        return len(self.entries)


AlsoInTx = Callable[[Tx, Session], Awaitable[None]]
"""A channel's own write that belongs to the turn (the phone line's call record): run inside
the turn's transaction, after the session is saved, so the turn costs one durable commit."""


@dataclass(frozen=True)
class TurnOutcome:
    """The result of a turn: the session after it, what to tell the citizen, and flags."""

    session: Session
    actions: list[Action]
    resumed: bool = False
    replayed: bool = False
    """True when this was a channel retry answered from the stored response."""
    queue_entry: int | None = None


def new_session_id() -> str:
    """A random, unguessable session id."""
    return secrets.token_urlsafe(12)


class Conversations:
    """The one place turns are run, for every channel."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        queue: HandoffQueue,
        resume_window_s: float = 1800.0,
        clock: Callable[[], float] = time.time,
        on_commit: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.queue = queue
        self.resume_window_s = resume_window_s
        self.clock = clock
        self.on_commit = on_commit
        self.metrics = metrics
        self._locks: dict[str, asyncio.Lock] = {}
        self.turn_lock: Callable[[str], AbstractAsyncContextManager[None]] | None = None
        """Also held for each turn when set: serialises a sender's turns across instances."""

    def _lock(self, key: str) -> asyncio.Lock:
        if len(self._locks) > 10_000:
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(key, asyncio.Lock())

    @asynccontextmanager
    async def _one_at_a_time(self, key: str) -> AsyncIterator[None]:
        """One turn per sender: in this process, and across instances with `turn_lock`."""
        async with self._lock(key):
            if self.turn_lock is None:
                yield
            else:
                async with self.turn_lock(key):
                    yield

    async def find(self, channel: Channel, sender: str) -> Session | None:
        """The sender's conversation on this channel if still resumable, else None."""
        async with self.store.transaction() as tx:
            row = await core.latest_session(
                tx, channel.value, sender, self.clock() - self.resume_window_s
            )
        if row is None or row["status"] == Status.ENDED.value:
            return None
        return Session.from_json(json.loads(row["state"]))

    async def get(self, session_id: str) -> Session | None:
        """A session by id, whatever its age."""
        async with self.store.transaction() as tx:
            row = await core.load_session(tx, session_id)
        return Session.from_json(json.loads(row["state"])) if row else None

    async def _new(self, channel: Channel, sender: str, language_hint: str | None) -> Session:
        """A new session, in the language this sender chose before if they did."""
        now = self.clock()
        async with self.store.transaction() as tx:
            remembered, chosen = await core.remembered_language(tx, sender)
        languages = self.engine.config.languages
        if chosen and remembered in languages:
            lang = remembered
        elif language_hint in languages:
            lang = language_hint
        elif remembered in languages:
            lang = remembered
        else:
            lang = "en"
        return Session(
            new_session_id(),
            channel,
            sender,
            language=lang or "en",
            language_chosen=chosen and remembered in languages,
            created_at=now,
            updated_at=now,
        )

    async def open(
        self,
        channel: Channel,
        sender: str,
        language_hint: str | None = None,
        key: str | None = None,
        also: AlsoInTx | None = None,
    ) -> TurnOutcome:
        """Start a conversation (a call arriving, a chat opening): greet, or welcome back.
        `also` runs in the turn's transaction (not when a retry is answered from the stored
        response: `replayed`)."""
        async with self._one_at_a_time(f"{channel}:{sender}"):
            replay = await self._replay(key)
            if replay:
                return replay
            session = await self.find(channel, sender)
            if session is not None and session.turns > 0:
                actions = await self.engine.resume(session)
                return await self._commit(session, None, actions, key, resumed=True, also=also)
            session = session or await self._new(channel, sender, language_hint)
            actions = await self.engine.start(session)
            return await self._commit(session, None, actions, key, also=also)

    async def handle(
        self, inbound: Inbound, key: str | None = None, also: AlsoInTx | None = None
    ) -> TurnOutcome:
        """Run one turn for this input; creates the conversation if there is none. `also`
        runs in the turn's transaction (not when the turn is `replayed`)."""
        async with self._one_at_a_time(f"{inbound.channel}:{inbound.sender}"):
            replay = await self._replay(key)
            if replay:
                return replay
            session = await self.find(inbound.channel, inbound.sender)
            loaded = session.status if session is not None else None
            greeting: list[Action] = []
            if session is None:
                session = await self._new(inbound.channel, inbound.sender, inbound.language_hint)
                started = await self.engine.start(session)
                if (inbound.words is None and inbound.digits is None) or (
                    inbound.words and fold(inbound.words) in GREETINGS
                ):
                    return await self._commit(session, inbound, started, key, also=also)
                greeting.extend([a for a in started if isinstance(a, Say)][:1])  # hello only
            actions = await self.engine.turn(session, inbound)
            return await self._commit(
                session, inbound, greeting + actions, key, loaded=loaded, also=also
            )

    async def _replay(self, key: str | None) -> TurnOutcome | None:
        if key is None:
            return None
        async with self.store.transaction() as tx:
            row = await core.processed_response(tx, key)
            if row is None:
                return None
            srow = await core.load_session(tx, row["session_id"])
        if srow is None:
            return None
        session = Session.from_json(json.loads(srow["state"]))
        actions = [action_from_dict(a) for a in json.loads(row["response"])]
        return TurnOutcome(session, actions, replayed=True)

    async def _commit(
        self,
        session: Session,
        inbound: Inbound | None,
        actions: list[Action],
        key: str | None,
        resumed: bool = False,
        loaded: Status | None = None,
        also: AlsoInTx | None = None,
    ) -> TurnOutcome:
        now = self.clock()
        entry: int | None = None
        async with self.store.transaction() as tx:
            if loaded is not None and session.status == loaded:
                # Staff may have claimed, closed or handed back while this turn waited on
                # understanding or the council: their change wins over a turn that did not
                # change the status itself.
                stored = await core.load_session(tx, session.id)
                if stored is not None and stored["status"] != loaded.value:
                    session.status = Status(stored["status"])
            if inbound is not None:
                said = (
                    inbound.shown
                    or inbound.words
                    or inbound.digits
                    or ("(silence)" if inbound.silence else "")
                )
                meta: dict[str, Any] = {"step": session.position}
                if inbound.confidence is not None:
                    meta["confidence"] = inbound.confidence
                if inbound.digits:
                    meta["digits"] = True
                await core.append_transcript(tx, session.id, "citizen", said, meta, now)
            for i, action in enumerate(actions):
                if isinstance(action, Say | Ask):
                    await core.append_transcript(
                        tx, session.id, "assistant", action.text, {"step": session.position}, now
                    )
                elif isinstance(action, CallBackend):
                    await core.enqueue_outbox(
                        tx,
                        kind=action.operation,
                        key=action.key,
                        payload=action.payload,
                        session_id=session.id,
                        now=now,
                    )
                elif isinstance(action, SendSms):
                    await core.enqueue_outbox(
                        tx,
                        kind="sms",
                        key=f"sms:{session.id}:{session.turns}:{i}",
                        payload={"to": action.to, "text": action.text, "purpose": action.purpose},
                        session_id=session.id,
                        recipient=action.to,
                        now=now,
                    )
                elif isinstance(action, HandOff):
                    lines = await core.transcript(tx, session.id)
                    entry = await self.queue.enqueue_in_tx(
                        tx,
                        session=session,
                        handoff=action,
                        transcript=lines,
                        now=now,
                        origin=inbound.origin if inbound is not None else None,
                    )
                    await core.audit(
                        tx,
                        "assistant",
                        "handoff",
                        session.id,
                        {"reason": action.reason, "priority": int(action.priority)},
                        now,
                    )
            if session.language_chosen:
                await core.remember_language(tx, session.sender, session.language, now)
            await core.save_session(
                tx,
                session_id=session.id,
                channel=session.channel.value,
                sender=session.sender,
                status=session.status.value,
                state=session.to_json(),
                now=now,
            )
            if key is not None:
                await core.record_processed(
                    tx, key, session.id, [action_to_dict(a) for a in actions], now
                )
            if also is not None:
                await also(tx, session)
        if self.on_commit is not None:
            self.on_commit()
        self._count(session, inbound, actions)
        return TurnOutcome(session, actions, resumed=resumed, queue_entry=entry)

    def _count(self, session: Session, inbound: Inbound | None, actions: list[Action]) -> None:
        if self.metrics is None:
            return
        channel = {"channel": session.channel.value}
        if inbound is not None:
            self.metrics.inc("assist_turns_total", "Turns handled", labels=channel)
        if session.degraded:
            self.metrics.inc(
                "assist_degraded_turns_total",
                "Turns answered with a fallback (NLU or council unavailable)",
                labels=channel,
            )
        for action in actions:
            if isinstance(action, HandOff):
                self.metrics.inc(
                    "assist_handoffs_total",
                    "Hand-offs to a person",
                    labels={**channel, "reason": action.reason},
                )
            elif isinstance(action, CallBackend):
                self.metrics.inc(
                    "assist_backend_writes_total",
                    "Reports and other writes queued",
                    labels={"operation": action.operation},
                )
