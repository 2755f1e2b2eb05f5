"""`InfoClient`: adapter for the service information API (hours, numbers, call cost)."""

from __future__ import annotations

from urllib.parse import quote

from assist.backend_client.http import HttpCore
from assist.backend_client.protocol import BackendUnavailable, NotFound, ServiceInfo


class InfoClient(HttpCore):
    """Reads `GET {topic}` from an information API."""

    async def info(self, topic: str) -> ServiceInfo:
        """Information about a topic (an intent name); raises NotFound."""
        status, body = await self.get_json(quote(topic, safe=""))
        if status == 404:
            raise NotFound(f"no information about {topic!r}")
        if status != 200 or not isinstance(body, dict):
            raise BackendUnavailable(f"info API: HTTP {status} for {topic!r}")
        try:
            return ServiceInfo(
                topic=str(body.get("topic") or topic),
                title=str(body["title"]),
                summary=str(body["summary"]),
                phone=body.get("phone"),
                hours=tuple(str(h) for h in body.get("hours") or ()),
                call_cost=body.get("call_cost"),
                extra=dict(body.get("extra") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendUnavailable(f"info API answered nonsense: {exc!r}") from None
