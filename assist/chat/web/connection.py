"""One browser's chat socket: hello and resume, turns, person, callback and language.

The adapter only parses, calls `rt.conversations`, and renders. While a person owns the
conversation (session queued or with an agent) the citizen's words go to the transcript
and to the staff console on the bus topic `session:<id>`, never to the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from starlette.websockets import WebSocketDisconnect

from assist.chat.web import queue as web_queue
from assist.chat.web.live import WITH_PERSON, LiveChat
from assist.chat.web.protocol import (
    MAX_TEXT,
    ClientMessage,
    ProtocolError,
    first_name,
    has_end,
    issue_chat_id,
    issued_chat_id,
    last_ask,
    parse_client,
    render_actions,
    uk_number,
)
from assist.chat.web.text import page_language
from assist.conversations import TurnOutcome
from assist.dialogue.types import Channel, HandOff, Inbound, Session, Status
from assist.handoff import waiting
from assist.phones import display_number
from assist.store import core

log = logging.getLogger(__name__)


class ChatConnection(LiveChat):
    """Serves one WebSocket until it closes."""

    async def run(self) -> None:
        """Receive until the socket closes; always tidies up."""
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await self.on_frame(message.get("text"))
        except WebSocketDisconnect:
            pass
        finally:
            await self.close()

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self.chat_id is not None:
            self.hub.open_chats[self.chat_id] -= 1
            if self.hub.open_chats[self.chat_id] <= 0:
                del self.hub.open_chats[self.chat_id]
                if self.session_id and self.status == Status.QUEUED:
                    await web_queue.dropped(self.parts.store, self.session_id, self.clock())

    # ------------------------------------------------------------------ frames
    async def on_frame(self, raw: str | None) -> None:
        """One frame (None for a binary one), counted by the rate limit whatever it holds."""
        if not self.rate.allow():
            self.parts.metrics.inc(
                "assist_webchat_rate_limited_total", "Web chat messages refused by the rate limit"
            )
            await self.error("web.too_fast")
            return
        if raw is None:  # binary frames are not part of the protocol
            await self.error("web.bad_message")
            return
        try:
            msg = parse_client(raw)
        except ProtocolError as exc:
            if exc.reason == "too_long":
                await self.error("web.too_long", limit=MAX_TEXT)
            else:
                await self.error("web.bad_message")
            return
        if self.chat_id is None and msg.type != "hello":
            await self.error("web.bad_message")
            return
        try:
            await self.dispatch(msg)
        except WebSocketDisconnect:
            raise  # the citizen left mid-turn: not an error
        except OSError as exc:  # the socket went while answering
            log.info("web chat closed mid-turn: %s", type(exc).__name__)
            raise WebSocketDisconnect(1006) from None
        except Exception:
            log.exception("web chat turn failed")
            await self.error("web.unavailable", phone=self.parts.settings.phone_number_display)

    async def dispatch(self, msg: ClientMessage) -> None:
        if msg.type == "hello":
            await self.hello(msg)
        elif msg.type in ("message", "choose"):
            await self.said(msg)
        elif msg.type == "person":
            await self.person()
        elif msg.type == "callback":
            await self.callback(msg.number or "")
        elif msg.type == "language":
            await self.language(msg.language)
        elif msg.type == "keepalive":
            await self.touch()
            await self.send({"type": "kept"})

    # ------------------------------------------------------------------ hello / resume
    async def hello(self, msg: ClientMessage) -> None:
        if self.chat_id is not None:  # a second hello changes nothing
            return
        self.lang = page_language(msg.language)
        key = self.parts.settings.secret_key.get_secret_value()
        chat_id = msg.chat_id if issued_chat_id(msg.chat_id, key) else None  # never chosen
        session = await self.parts.conversations.find(Channel.WEB, chat_id) if chat_id else None
        self.chat_id = chat_id or issue_chat_id(key)
        self.hub.open_chats[self.chat_id] += 1
        if session is None:
            await self.send(
                {
                    "type": "welcome",
                    "chat_id": self.chat_id,
                    "resumed": False,
                    "language": self.lang,
                }
            )
            hint = self.lang if self.parts.prompts.has(self.lang, "greeting.hello") else None
            await self.show(await self.parts.conversations.open(Channel.WEB, self.chat_id, hint))
            return
        self.session_lang = session.language
        await self.send(
            {"type": "welcome", "chat_id": self.chat_id, "resumed": True, "language": self.lang}
        )
        await self.replay(session.id, msg.since, session.language)
        await self.follow(session)
        if session.status == Status.QUEUED:
            await web_queue.returned(self.parts.store, session.id, self.clock())
            await self.announce_queue(force=True)
        elif session.status == Status.WITH_AGENT:
            await self.sync(force=True)
        else:
            ask = last_ask(session.last_actions)
            if ask is not None:
                ask["repeat"] = True
                await self.send(ask)

    async def replay(self, session_id: str, since: float | None, lang: str) -> None:
        async with self.parts.store.transaction() as tx:
            rows = await core.transcript(tx, session_id)
        items = []
        for r in rows:
            if since is not None and r["at"] <= since:
                continue
            item: dict[str, Any] = {"role": r["role"], "text": r["text"], "at": r["at"]}
            if r["role"] == "assistant":
                item["lang"] = lang
            if r["role"] == "staff":
                item["agent"] = first_name(str(r["meta"].get("agent", "")))
            items.append(item)
        await self.send({"type": "history", "messages": items})

    # ------------------------------------------------------------------ the citizen acts

    def _key(self, msg: ClientMessage) -> str | None:
        return f"web:{self.chat_id}:{msg.id}" if msg.id else None

    async def said(self, msg: ClientMessage) -> None:
        words = (msg.text or "").strip() if msg.type == "message" else ""
        if self.status != Status.ACTIVE:
            # Only a person (claim, close, hand back) changes an inactive session: re-read it.
            session = await self.current()
            if session is not None and session.status in WITH_PERSON:
                await self.to_staff(session, words or (msg.key or ""), self._key(msg))
                return
        assert self.chat_id is not None
        key = (
            msg.key
            if msg.type == "choose"
            else (words if len(words) == 1 and words.isdigit() else None)
        )
        label = self.options.get(key) if key is not None else None  # recorded as seen
        if key is not None:
            inbound = Inbound(
                Channel.WEB,
                self.chat_id,
                digits=key,
                language_hint=self.lang,
                shown=label,
                origin=self.address,
            )
        else:
            inbound = Inbound(
                Channel.WEB,
                self.chat_id,
                text=words or None,
                silence=not words,
                language_hint=self.lang,
                origin=self.address,
            )
        out = await self.parts.conversations.handle(inbound, key=self._key(msg))
        await self.show(out)

    async def to_staff(self, session: Session, words: str, key: str | None = None) -> None:
        """Words for the person: into the transcript (the console's stream shows them live)
        and on the bus, once per message id, as the SMS relay does per MessageSid."""
        if not words:
            return
        async with self.parts.store.transaction() as tx:
            if key is not None and await core.processed_response(tx, key) is not None:
                return  # a resent message: already with staff
            await core.append_transcript(
                tx, session.id, "citizen", words, {"channel": "web"}, self.clock()
            )
            if key is not None:
                await core.record_processed(tx, key, session.id, [], self.clock())
        self.parts.bus.publish(
            f"session:{session.id}", {"type": "citizen", "text": words, "session_id": session.id}
        )
        if session.status == Status.QUEUED and not self.noted:
            self.noted = True
            await self.send({"type": "say", **self.line("web.noted")})

    async def person(self) -> None:
        session = await self.current()
        if session is not None and session.status == Status.QUEUED:
            await self.announce_queue(force=True)
            return
        if session is not None and session.status == Status.WITH_AGENT:
            await self.sync(force=True)
            return
        assert self.chat_id is not None
        inbound = Inbound(
            Channel.WEB,
            self.chat_id,
            digits="0",
            language_hint=self.lang,
            shown=self.line("page.asked_person")["text"],  # what happened, not "0"
            origin=self.address,
        )
        await self.show(await self.parts.conversations.handle(inbound))

    async def callback(self, raw: str) -> None:
        if not raw.strip():
            await self.error("page.callback_empty")
            return
        number = uk_number(raw)
        if number is None:
            await self.error("web.callback_bad_number")
            return
        session = await self.current()
        if session is None or session.status not in WITH_PERSON:
            await self.person()
        state = None
        if self.session_id is not None:
            state = await web_queue.queue_state(
                self.parts.store,
                self.parts.prompts,
                self.session_id,
                self.lang,
                self.clock(),
                self._handle_time(),
            )
        wait = None
        p = self.parts
        av = await waiting.situation(p.store, p.settings, p.services, self.clock())
        when = (
            waiting.back_phrase(
                p.prompts, self.lang, av.back_at, dt.datetime.fromtimestamp(self.clock(), dt.UTC)
            )
            if av.closed
            else None
        )
        if state is not None and state.status in ("waiting", "dropped"):
            wait = await web_queue.to_callback(
                p.store,
                p.prompts,
                state.entry_id,
                number,
                self.lang,
                self.clock(),
                self._handle_time(),
                when_text=when,
            )
        if wait is None:
            await self.error("web.callback_unavailable")
            return
        p.wake_outbox()
        shown = display_number(number)  # "07700 900777", as people write it
        done = (
            self.line("web.callback_done_when", number=shown, when=when)
            if when is not None
            else self.line("web.callback_done", number=shown, wait=wait)
        )
        await self.send({"type": "callback", "number": number, **done})
        self.shown_queue = None
        await self.announce_queue(force=False, quiet=True)

    async def language(self, requested: str | None) -> None:
        lang = page_language(requested)
        session = await self.current()
        engine_has = lang in self.parts.settings.languages
        if not engine_has or (session is not None and session.status in WITH_PERSON):
            self.lang = lang
            await self.send({"type": "language", "language": lang})
            return
        assert self.chat_id is not None
        inbound = Inbound(
            Channel.WEB, self.chat_id, text=self.parts.prompts.get(lang, "language.name")
        )
        out = await self.parts.conversations.handle(inbound)
        self.lang = lang
        self.session_lang = out.session.language
        await self.show(out)
        await self.send({"type": "language", "language": lang})

    async def show(self, out: TurnOutcome) -> None:
        session = out.session
        await self.follow(session)
        messages = render_actions(out.actions, session.language)
        if any(isinstance(a, HandOff) for a in out.actions):
            p = self.parts
            av = await waiting.situation(p.store, p.settings, p.services, self.clock())
            if not av.someone:  # no "I'll put you through to a person now"
                kept = waiting.honest_says(
                    p.prompts, session.language, av, [m["text"] for m in messages]
                )
                messages = [m for m in messages if m["text"] in kept]
        for message in messages:
            await self.send(message)
        if self.session_lang is not None and session.language != self.session_lang:
            self.lang = session.language
            await self.send({"type": "language", "language": self.lang})
        self.session_lang = session.language
        if session.status == Status.QUEUED or any(isinstance(a, HandOff) for a in out.actions):
            self.status = Status.QUEUED
            await self.announce_queue(force=True)
        if has_end(out.actions):
            self.status = Status.ENDED
            await self.send({"type": "end", **self.line("web.ended")})
