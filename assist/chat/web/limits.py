"""Protection for the web chat socket: message rate, connections per address, Origin check."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class WebChatLimits:
    """Limits for one app instance (defaults suit a public council website)."""

    messages: int = 20
    """Messages one connection may send per `window_s`..."""
    window_s: float = 10.0
    """...in this sliding window."""
    connections_per_ip: int = 60
    """Open chat sockets allowed from one client address."""
    queue_poll_s: float = 15.0
    """How often a waiting citizen's place and wait are re-checked."""
    staff_poll_s: float = 2.0
    """While a person owns the chat: how often to look for their replies and status."""
    idle_warning_s: float = 25 * 60.0
    """The page warns after this long without activity (the session is kept 30 minutes)."""


@dataclass
class SlidingWindow:
    """Allows at most `limit` events in any `window_s` seconds."""

    limit: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _times: deque[float] = field(default_factory=deque)

    def allow(self) -> bool:
        """Record an event if allowed; False when it would exceed the limit."""
        now = self.clock()
        while self._times and now - self._times[0] >= self.window_s:
            self._times.popleft()
        if len(self._times) >= self.limit:
            return False
        self._times.append(now)
        return True


@dataclass
class ConnectionCounter:
    """Open connections per client address."""

    limit: int
    _open: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def acquire(self, address: str) -> bool:
        """Count a new connection; False (and nothing counted) when over the limit."""
        if self._open[address] >= self.limit:
            return False
        self._open[address] += 1
        return True

    def release(self, address: str) -> None:
        """Forget a closed connection."""
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]

    def count(self, address: str) -> int:
        """How many are open from this address."""
        return self._open.get(address, 0)


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower-cased, default ports dropped."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def origin_allowed(origin: str | None, host_header: str | None, public_url: str) -> bool:
    """True when a WebSocket's Origin is the service's public origin or the same host.

    No Origin header means a non-browser client (browsers always send one), which
    cross-site WebSocket hijacking cannot use, so it is allowed.
    """
    if origin is None:
        return True
    if origin == "null":
        return False
    seen, public = origin_of(origin), origin_of(public_url)
    if not seen:
        return False
    if seen == public:
        return True
    # The same host (a direct or internal address): never an https page when the public
    # URL is http, for that is another origin (another server on port 443).
    if host_header and not (urlsplit(seen).scheme == "https" and public.startswith("http:")):
        host = host_header.strip().lower()
        return urlsplit(seen).netloc == host or seen.split("://", 1)[-1] == host
    return False


@dataclass
class ChatHub:
    """State shared by every chat socket of one app: address counts, open chats."""

    limits: WebChatLimits
    addresses: ConnectionCounter = field(init=False)
    open_chats: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self.addresses = ConnectionCounter(self.limits.connections_per_ip)
