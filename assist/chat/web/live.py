"""A chat socket's live side: place and wait, staff joining and replying, hand-backs.

Each socket follows its session's bus topic `session:<id>` (console events, staff replies)
and, while a person owns the conversation, re-reads the store every `staff_poll_s`
(status, new staff lines) and the place and wait every `queue_poll_s`, telling the citizen
only what changed. The transcript and queue are the truth; bus events only wake it early.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from assist.chat.web import queue as web_queue
from assist.chat.web.limits import ChatHub, SlidingWindow
from assist.chat.web.protocol import first_name, last_ask
from assist.chat.web.text import server_line
from assist.dialogue.types import Session, Status
from assist.handoff import liveness, waiting
from assist.handoff.callbacks import offer_due
from assist.handoff.entries import WAITING
from assist.parts import Parts
from assist.store import core

log = logging.getLogger(__name__)
WITH_PERSON = (Status.QUEUED, Status.WITH_AGENT)
TOUCH_EVERY_S = 600.0
"""While a citizen waits with the chat open, keep their session inside the resume window."""


class LiveChat:
    """One chat socket's state, how it talks to the page, and its live updates."""

    def __init__(self, ws: WebSocket, parts: Parts, hub: ChatHub) -> None:
        self.ws = ws
        self.offered_at: float | None = None
        """How long the citizen had waited when a callback was last offered."""
        self.heard_at = 0.0
        """When this socket last told the queue its citizen is still here."""
        self.address: str | None = ws.client.host if ws.client else None
        """The client's address, for the queue's per-source limit only."""
        self.parts = parts
        self.hub = hub
        self.limits = hub.limits
        self.rate = SlidingWindow(self.limits.messages, self.limits.window_s)
        self.chat_id: str | None = None
        self.lang = "en"
        """The page's language: server lines are written in it."""
        self.session_lang: str | None = None
        """The conversation's language as last seen (a change is passed to the page)."""
        self.session_id: str | None = None
        self.status = Status.ACTIVE
        self.agent: str | None = None
        self.shown_queue: tuple[Any, ...] | None = None
        self.answering: waiting.Availability | None = None
        """Who was answering when the queue was last shown (None before)."""
        self.noted = False
        self.options: dict[str, str] = {}
        """Key → label of the question on screen (a button press is shown by its label)."""
        self._send_lock = asyncio.Lock()
        self.staff_seen = 0
        """Id of the newest transcript line already shown to the citizen."""
        self._watch: asyncio.Task[None] | None = None
        self._watching: str | None = None

    # ------------------------------------------------------------------ plumbing
    def clock(self) -> float:
        return self.parts.conversations.clock()

    def line(self, key: str, **values: Any) -> dict[str, str]:
        """`{"text", "lang"}` of a server line in the page's language (or English)."""
        text, lang = server_line(self.parts.prompts, self.lang, key, **values)
        return {"text": text, "lang": lang}

    async def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message (sockets are shared by the turn and the watcher)."""
        message.setdefault("at", self.clock())
        if message["type"] == "ask":
            self.options = {o["key"]: o["label"] for o in message["options"]}
        async with self._send_lock:
            if self.ws.application_state == WebSocketState.CONNECTED:
                await self.ws.send_text(json.dumps(message, ensure_ascii=False))

    async def error(self, key: str, **values: Any) -> None:
        await self.send({"type": "error", "code": key.split(".")[-1], **self.line(key, **values)})

    async def current(self) -> Session | None:
        """The session this socket follows, freshly read, or None."""
        if self.session_id is None:
            return None
        return await self.parts.conversations.get(self.session_id)

    async def touch(self) -> None:
        """Keep the conversation inside the resume window (the citizen said they're here)."""
        if self.session_id is None:
            return
        async with self.parts.store.transaction() as tx:
            row = await core.load_session(tx, self.session_id)
            if row is not None:
                await core.save_session(
                    tx,
                    session_id=row["id"],
                    channel=row["channel"],
                    sender=row["sender"],
                    status=row["status"],
                    state=json.loads(row["state"]),
                    now=self.clock(),
                )

    # ------------------------------------------------------------------ rendering a turn

    # ------------------------------------------------------------------ live updates
    def _handle_time(self) -> float:
        return float(self.parts.settings.default_handle_time_s)

    async def queue_state(
        self, session_id: str, now: float | None = None
    ) -> web_queue.QueueState | None:
        """The session's queue entry as the citizen should see it, in the page's language."""
        return await web_queue.queue_state(
            self.parts.store,
            self.parts.prompts,
            session_id,
            self.lang,
            self.clock() if now is None else now,
            self._handle_time(),
        )

    async def announce_queue(self, force: bool, quiet: bool = False) -> None:
        """Tell the citizen their place and wait (only on change unless `force`)."""
        if self.session_id is None:
            return
        now = self.clock()
        if now - self.heard_at >= liveness.HEARTBEAT_S:  # this chat is still open
            self.heard_at = now
            await web_queue.heard_from(self.parts.store, self.session_id, now)
        if await self.nobody_answering(force):
            return
        state = await self.queue_state(self.session_id, now)
        if state is None or state.status in ("closed", "abandoned", "handed_back"):
            if force:
                await self.send(
                    {
                        "type": "queue",
                        **self.line("web.queue_unknown"),
                        "position": None,
                        "wait": None,
                        "callback": False,
                    }
                )
            return
        if state.status == "claimed":
            await self.joined(state.agent or "")
            return
        # The one callback rule (HUMANE.md 14), as on the phone: on entry when the wait is
        # over 3 minutes, then every 5 minutes.
        offer = (
            state.kind == "live"
            and state.status == WAITING
            and offer_due(state.upper_s, state.waited_s, self.offered_at)
        )
        if not force and state.shown == self.shown_queue:
            if offer:
                await self.offer_callback(state.waited_s)
            return
        self.status = Status.QUEUED
        self.shown_queue = state.shown
        message = {
            "type": "queue",
            "position": state.position,
            "wait": state.wait,
            "callback": state.kind == "live",
            "entry_kind": state.kind,
            **self.line("web.queue", position=state.position, wait=state.wait),
        }
        if quiet:
            message["quiet"] = True
        await self.send(message)
        await web_queue.log_announced(self.parts.store, state.entry_id, now, self._handle_time())
        if offer:
            await self.offer_callback(state.waited_s)

    async def offer_callback(self, waited_s: float) -> None:
        """Offer a callback that keeps the place (the button is always on the page too)."""
        self.offered_at = waited_s
        await self.send({"type": "say", **self.line("web.callback_offer")})

    async def nobody_answering(self, force: bool) -> bool:
        """When nobody can answer (out of hours, a bank holiday, nobody signed in), say so,
        when we are back and offer a callback, as every channel does; never a place or
        minutes. True when that was the case (the queue view is then not shown)."""
        assert self.session_id is not None
        p = self.parts
        answer = await waiting.answer_for(
            p.store,
            p.settings,
            p.services,
            p.prompts,
            self.session_id,
            self.lang,
            self.clock(),
            log_estimate=False,
        )
        self.answering = answer.availability
        if answer.show_place:
            return False
        shown = ("nobody", answer.availability.answering.value)
        if force or shown != self.shown_queue:
            self.status = Status.QUEUED
            self.shown_queue = shown
            await self.send(
                {
                    "type": "queue",
                    "position": None,
                    "wait": None,
                    "callback": answer.offer_callback,
                    "answering": answer.availability.answering.value,
                    "text": " ".join(waiting.sentences(p.prompts, self.lang, answer)),
                    "lang": self.lang,
                }
            )
        return True

    async def joined(self, agent: str) -> None:
        name = first_name(agent)
        self.status = Status.WITH_AGENT
        if name == self.agent:
            return
        self.agent = name
        await self.send({"type": "joined", "agent": name, **self.line("web.joined", agent=name)})

    async def follow(self, session: Session) -> None:
        """Listen to the session's topic (staff replies, claims) and watch its queue entry."""
        self.session_id = session.id
        self.status = session.status
        if self._watching == session.id:
            return
        if self._watch is not None:
            self._watch.cancel()
        self._watching = session.id
        self.shown_queue, self.agent, self.noted = None, None, False
        self.staff_seen = await web_queue.last_line_id(self.parts.store, session.id)
        self._watch = asyncio.create_task(self._watch_loop(session.id), name="webchat-watch")

    async def _watch_loop(self, session_id: str) -> None:
        touched = checked = self.clock()
        async with self.parts.bus.subscribe(f"session:{session_id}") as events:
            while True:
                waiting = self.status in WITH_PERSON
                timeout = self.limits.staff_poll_s if waiting else self.limits.queue_poll_s
                try:
                    event = await asyncio.wait_for(events.get(), timeout)
                except TimeoutError:
                    event = None
                try:
                    if event is not None:
                        await self.on_event(event)
                    elif self.status in WITH_PERSON:
                        full = self.clock() - checked >= self.limits.queue_poll_s
                        if full:
                            checked = self.clock()
                        await self.sync(queue=full)
                        if self.clock() - touched > TOUCH_EVERY_S:
                            touched = self.clock()
                            await self.touch()
                except (WebSocketDisconnect, RuntimeError):
                    return
                except Exception:
                    log.exception("web chat live update failed")

    async def on_event(self, event: dict[str, Any]) -> None:
        """A console event: the transcript and queue are the truth, so re-read them."""
        kind = event.get("type")
        if kind == "citizen":
            return
        if kind == "claimed" and event.get("agent"):
            await self.joined(str(event["agent"]))
        await self.sync(queue=kind not in ("staff", "claimed"))

    async def sync(self, queue: bool = False, force: bool = False) -> None:
        """Re-read the session and its queue entry; tell the citizen what changed.

        New staff lines are sent in order; the place and wait only when `queue` (every
        `queue_poll_s`) and only if they changed, unless `force`.
        """
        if self.session_id is None:
            return
        session = await self.current()
        if session is None:
            return
        before = self.status
        for line in await web_queue.staff_lines_after(
            self.parts.store, session.id, self.staff_seen
        ):
            self.staff_seen = int(line["id"])
            await self.joined(line["agent"])
            await self.send(
                {"type": "staff", "text": line["text"], "agent": first_name(line["agent"])}
            )
        if session.status == Status.QUEUED:
            if queue or force or before != Status.QUEUED:
                await self.announce_queue(force=force)
        elif session.status == Status.WITH_AGENT:
            if force:
                self.agent = None
            if self.agent is None or force:
                state = await self.queue_state(session.id)
                await self.joined(state.agent if state and state.agent else "")
        elif session.status == Status.ENDED and before in WITH_PERSON:
            self.status = Status.ENDED
            await self.send(
                {
                    "type": "end",
                    **self.line("web.staff_left", agent=self.agent or first_name("")),
                }
            )
        elif session.status == Status.ACTIVE and before in WITH_PERSON:
            # Staff closed the conversation or handed it back: the assistant carries on.
            self.status = Status.ACTIVE
            agent, self.shown_queue, self.agent = self.agent, None, None
            state = await self.queue_state(session.id)
            if state is not None and state.status == "closed":
                left = self.line("web.staff_left", agent=agent or first_name(""))
                await self.send({"type": "say", **left})
            else:
                await self.send({"type": "say", **self.line("web.back_to_assistant")})
            ask = last_ask(session.last_actions)
            await self.send(ask or {"type": "say", **self.line("main.anything_else")})
