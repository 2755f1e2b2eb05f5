"""An ASGI wrapper that makes a real server misbehave on demand (the council's edge)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]


@dataclass
class Fault:
    """One kind of misbehaviour for matching requests, `times` times (None: until cleared)."""

    kind: str
    """`500`, `garbage` (200 with a broken body), `text` (200 with `body`), `slow` (answer
    after `delay_s`), `hang_after_commit` (do the work, then answer after `delay_s`)."""
    method: str | None = None
    path_contains: str | None = None
    times: int | None = None
    delay_s: float = 0.0
    body: bytes = b""
    content_type: str = "application/json"


@dataclass
class FaultyApp:
    """Wraps an ASGI app; `fault` applies to matching HTTP requests; `seen` logs them all."""

    app: Any
    fault: Fault | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)

    def set(self, kind: str, **kw: Any) -> None:
        """Start misbehaving."""
        self.fault = Fault(kind, **kw)

    def clear(self) -> None:
        """Behave again."""
        self.fault = None

    def _take(self, scope: Scope) -> Fault | None:
        f = self.fault
        if (
            f is None
            or (f.method and scope["method"] != f.method)
            or (f.path_contains and f.path_contains not in scope["path"])
        ):
            return None
        if f.times is not None:
            f.times -= 1
            if f.times <= 0:
                self.fault = None
        return f

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen.append((scope["method"], scope["path"]))
        f = self._take(scope)
        if f is None:
            await self.app(scope, receive, send)
        elif f.kind == "500":
            await _answer(send, 500, b"<html>Internal Server Error</html>", "text/html")
        elif f.kind == "garbage":
            await _answer(send, 200, b'[{"service_request_id": "1", ', f.content_type)
        elif f.kind == "text":
            await _answer(send, 200, f.body, f.content_type)
        elif f.kind == "slow":
            await asyncio.sleep(f.delay_s)
            await self.app(scope, receive, send)
        elif f.kind == "hang_after_commit":
            held: list[Any] = []

            async def hold(message: Any) -> None:
                held.append(message)

            await self.app(scope, receive, hold)  # the work is done and committed...
            await asyncio.sleep(f.delay_s)  # ...but the answer comes too late
            for message in held:
                await send(message)
        else:
            raise ValueError(f.kind)


async def _answer(send: Any, status: int, body: bytes, content_type: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type.encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
