"""`InfoClient`: adapter for the service information API (hours, numbers, call cost)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from assist.backend_client.http import HttpCore, RetryPolicy, json_of
from assist.backend_client.protocol import BackendUnavailable, NotFound, ServiceInfo


class InfoClient:
    """Reads `GET {topic}` from an information API."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = HttpCore(base_url, timeout_s=timeout_s, retry=retry, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def info(self, topic: str) -> ServiceInfo:
        """Information about a topic (an intent name); raises NotFound."""
        resp = await self._http.request("GET", quote(topic, safe=""))
        body = json_of(resp)
        if resp.status_code == 404:
            raise NotFound(f"no information about {topic!r}")
        if resp.status_code != 200 or not isinstance(body, dict):
            raise BackendUnavailable(f"info API: HTTP {resp.status_code} for {topic!r}")
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
