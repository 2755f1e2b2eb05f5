"""One HTTP core for the council clients: timeouts, bounded retries with backoff, fault mapping.

Reads are retried on faults that may pass (timeouts, refused connections, 5xx). A POST is
retried only when the connection was never made, because then nothing reached the server; any
later failure is ambiguous and is left to the caller (see `delivery.py`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from assist.backend_client.protocol import BackendUnavailable

log = logging.getLogger(__name__)

Params = list[tuple[str, str]]
"""Query or form fields, in order; a name may repeat."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: `attempts` in all, exponential backoff with jitter."""

    attempts: int = 3
    base_s: float = 0.2
    max_s: float = 2.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        backoff: float = min(self.max_s, self.base_s * 2 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)


# Raised before any byte of the request left this machine: always safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class HttpCore:
    """An `httpx.AsyncClient` for one base URL; answers < 500 are returned, the rest raise.

    The small JSON clients (waste, info) are HttpCores that read with `get_json`."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._client = httpx.AsyncClient(
            base_url=self.base_url + "/",
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
            headers={"User-Agent": "Assist council client", **(headers or {})},
            follow_redirects=True,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        data: Params | None = None,
    ) -> httpx.Response:
        """Send a request; returns any answer below 500, raises BackendUnavailable otherwise.

        GETs are retried per the policy; other methods only when the connection failed.
        """
        idempotent = method.upper() == "GET"
        query = httpx.QueryParams(tuple(params)) if params else None
        body = urlencode(data).encode() if data is not None else None
        headers = None if data is None else {"Content-Type": "application/x-www-form-urlencoded"}
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = await self._client.request(
                    method, path.lstrip("/"), params=query, content=body, headers=headers
                )
                if resp.status_code < 500:
                    return resp
                error: Exception = BackendUnavailable(
                    f"{method} {path}: HTTP {resp.status_code} {_snippet(resp.text)}",
                    status=resp.status_code,
                )
                retryable = idempotent
            except _NOT_SENT as exc:
                error, retryable = BackendUnavailable(f"{method} {path}: {_name(exc)}"), True
            except httpx.HTTPError as exc:
                error = BackendUnavailable(f"{method} {path}: {_name(exc)}", unanswered=True)
                retryable = idempotent
            if not retryable or attempt >= self.retry.attempts:
                raise error
            log.info("retrying %s %s after: %s", method, path, error)
            await asyncio.sleep(self.retry.delay(attempt))

    async def get_json(self, path: str, params: Params | None = None) -> tuple[int, Any]:
        """GET `path`; returns the answer's status and JSON. Raises BackendUnavailable (5xx,
        no answer, or an answer that is not JSON)."""
        resp = await self.request("GET", path, params=params)
        return resp.status_code, json_of(resp)


def _name(exc: Exception) -> str:
    return f"{type(exc).__name__} {exc}".strip()


def _snippet(text: str, n: int = 200) -> str:
    return " ".join(text.split())[:n]


def json_of(resp: httpx.Response) -> Any:
    """The answer's JSON; raises BackendUnavailable when it is not JSON."""
    try:
        return resp.json()
    except ValueError:
        raise BackendUnavailable(
            f"{resp.request.method} {resp.request.url.path}: not JSON: {_snippet(resp.text)}"
        ) from None
