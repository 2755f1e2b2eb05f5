"""Web chat routes: the accessible chat page, the embeddable widget, the socket, transcripts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assist.chat.web.connection import ChatConnection
from assist.chat.web.limits import ChatHub, WebChatLimits, origin_allowed
from assist.chat.web.protocol import MAX_TEXT, first_name, issued_chat_id
from assist.chat.web.text import (
    all_page_strings,
    language_names,
    page_language,
    page_strings,
)
from assist.deps import PartsDep
from assist.parts import Parts
from assist.store import core

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
STATIC_FILES = {"chat.js": "text/javascript", "chat.css": "text/css"}
CLOSE_POLICY = 1008
CLOSE_TRY_LATER = 1013
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
ROLES = {"citizen": "you", "assistant": "assistant", "staff": "staff", "system": "system"}


def templates() -> Environment:
    """The Jinja environment for the chat's pages (autoescaping on)."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _script_json(data: object) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def accept_language(header: str | None) -> str:
    """The first page language named in an Accept-Language header (English by default)."""
    for part in (header or "").split(","):
        lang = page_language(part.split(";")[0])
        if lang != "en" or part.strip().lower().startswith("en"):
            return lang
    return "en"


def create_web_chat_router(limits: WebChatLimits | None = None) -> APIRouter:
    """`GET /chat`, `GET /chat/widget.js`, `GET /chat/static/*`, `WS /chat/ws` and
    `GET /chat/transcript/{chat_id}.txt`."""
    hub = ChatHub(limits or WebChatLimits())
    env = templates()
    router = APIRouter(tags=["web chat"])

    @router.get("/chat", response_class=HTMLResponse)
    async def chat_page(
        request: Request, parts: PartsDep, embed: bool = False, lang: str | None = None
    ) -> HTMLResponse:
        """The accessible chat page (also shown inside the widget's frame with `embed=1`)."""
        page_lang = (
            page_language(lang) if lang else accept_language(request.headers.get("accept-language"))
        )
        prompts = parts.prompts
        names = language_names(prompts)
        config = {
            "strings": all_page_strings(prompts),
            "languages": names,
            "maxText": MAX_TEXT,
            "idleWarningS": hub.limits.idle_warning_s,
            "keptMinutes": max(
                1, round(parts.settings.session_resume_minutes - hub.limits.idle_warning_s / 60)
            ),
            "ws": "/chat/ws",
        }
        html = env.get_template("chat.html").render(
            lang=page_lang,
            s=page_strings(prompts, page_lang),
            embed=embed,
            council=parts.settings.council_name,
            languages=list(names.items()),
            config_json=_script_json(config),
            max_text=MAX_TEXT,
        )
        headers = {
            "Content-Security-Policy": PAGE_CSP,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        }
        return HTMLResponse(html, headers=headers)

    @router.get("/chat/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        """The embeddable widget: one script tag adds a launcher and the chat in a frame."""
        return FileResponse(
            STATIC / "widget.js",
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
        )

    @router.get("/chat/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        """The chat page's own script and style sheet (nothing from anywhere else)."""
        media = STATIC_FILES.get(name)
        if media is None:
            raise HTTPException(404)
        return FileResponse(
            STATIC / name,
            media_type=media,
            headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
        )

    @router.get("/chat/transcript/{chat_id}.txt", response_class=PlainTextResponse)
    async def transcript(chat_id: str, parts: PartsDep) -> PlainTextResponse:
        """The conversation as plain text; the chat id (kept in the browser) is the key."""
        if not issued_chat_id(chat_id, parts.settings.secret_key.get_secret_value()):
            raise HTTPException(404)
        text = await transcript_text(parts, chat_id)
        if text is None:
            raise HTTPException(404)
        day = dt.datetime.now(ZoneInfo(parts.settings.timezone)).strftime("%Y-%m-%d")
        return PlainTextResponse(
            text,
            headers={
                "Content-Disposition": f'attachment; filename="council-chat-{day}.txt"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    @router.websocket("/chat/ws")
    async def chat_socket(websocket: WebSocket, parts: PartsDep) -> None:
        """The conversation (protocol in `assist.chat.web.protocol`)."""
        if not origin_allowed(
            websocket.headers.get("origin"),
            websocket.headers.get("host"),
            parts.settings.public_url,
        ):
            await _refuse(websocket, parts, "origin", CLOSE_POLICY, "origin not allowed")
            return
        address = websocket.client.host if websocket.client else "unknown"
        if not hub.addresses.acquire(address):
            why = "too many chats from this address"
            await _refuse(websocket, parts, "connections", CLOSE_TRY_LATER, why)
            return
        try:
            await websocket.accept()
            parts.metrics.inc("assist_webchat_connections_total", "Web chat sockets opened")
            await ChatConnection(websocket, parts, hub).run()
        finally:
            hub.addresses.release(address)

    return router


async def _refuse(websocket: WebSocket, parts: Parts, reason: str, code: int, why: str) -> None:
    """Count the refusal by `reason`, then accept and close at once, so the page is told `why`
    with a close code (a socket refused before accepting tells the page nothing)."""
    parts.metrics.inc(
        "assist_webchat_refused_total", "Web chat sockets refused", labels={"reason": reason}
    )
    await websocket.accept()
    await websocket.close(code, why)


async def transcript_text(parts: Parts, chat_id: str) -> str | None:
    """Every conversation of this chat id as plain text, or None when there is none."""
    zone = ZoneInfo(parts.settings.timezone)
    async with parts.store.transaction() as tx:
        sessions = await core.sessions_of(tx, chat_id, channel="web")
        rows = [line for s in sessions for line in await core.transcript(tx, s["id"])]
    if not sessions:
        return None
    # In the language of the latest conversation, like everything else the citizen saw.
    words = page_strings(parts.prompts, sessions[-1]["state"].get("language", "en"))
    lines = [
        f"{words['title']}: {parts.settings.council_name}",
        f"☎ {parts.settings.phone_number_display}",
        "",
    ]
    for r in rows:
        when = dt.datetime.fromtimestamp(float(r["at"]), zone).strftime("%d %b %Y %H:%M")
        who = words[ROLES.get(r["role"], "system")]
        if r["role"] == "staff":
            agent = r["meta"].get("agent", "")
            who = f"{first_name(str(agent))} ({words['staff'].lower()})"
        lines.append(f"[{when}] {who}: {r['text']}")
    return "\n".join(lines) + "\n"
