"""`WasteClient`: adapter for the reference council's waste API (addresses and bin days).

Real councils' waste systems are bespoke; another council gets its own small adapter with
the same two methods.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assist.backend_client.http import HttpCore, Params
from assist.backend_client.protocol import (
    Address,
    BackendUnavailable,
    Collection,
    InvalidRequest,
    NotFound,
    OutsideArea,
)


class WasteClient(HttpCore):
    """Reads `GET addresses?postcode=` and `GET collections/{address_id}`."""

    async def find_addresses(self, postcode: str) -> list[Address]:
        """Addresses at a postcode; raises NotFound (unknown or malformed) or OutsideArea."""
        body = await self._get("addresses", [("postcode", postcode)])
        try:
            return [
                Address(
                    str(a["id"]),
                    str(a["line"]),
                    str(a["postcode"]),
                    str(a["district"]),
                    _num(a.get("lat")),
                    _num(a.get("long")),
                )
                for a in body["addresses"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendUnavailable(f"waste API answered nonsense: {exc!r}") from None

    async def collections(self, address_id: str) -> list[Collection]:
        """Upcoming collections for an address, soonest first; raises NotFound."""
        body = await self._get(f"collections/{address_id.replace('/', '%2F')}")
        try:
            found = [
                Collection(
                    str(c["bin"]),
                    dt.date.fromisoformat(c["date"]),
                    dt.date.fromisoformat(c["moved_from"]) if c.get("moved_from") else None,
                )
                for c in body["collections"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendUnavailable(f"waste API answered nonsense: {exc!r}") from None
        return sorted(found, key=lambda c: (c.date, c.bin))

    async def _get(self, path: str, params: Params | None = None) -> Any:
        status, body = await self.get_json(path, params)
        if status == 200 and isinstance(body, dict):
            return body
        error = body.get("error") if isinstance(body, dict) else None
        detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
        if error == "outside_area":
            raise OutsideArea(detail or path)
        if status in (400, 404):
            raise NotFound(detail or path)
        if status >= 400:
            raise InvalidRequest(f"waste API: HTTP {status}", [(str(error), detail)])
        raise BackendUnavailable(f"waste API answered nonsense to {path}")


def _num(v: Any) -> float | None:
    return float(v) if v is not None else None
