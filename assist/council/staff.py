"""Staff actions on the reference council: change a request's status and notes."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assist.council.db import CouncilDB
from assist.council.formats import Open311Error
from assist.council.open311 import api_key_ok, as_open311, parse_datetime

_STATUSES = ("open", "closed")


def router(db: CouncilDB, api_key: str, clock: Callable[[], float] = time.time) -> APIRouter:
    """Routes under `/staff`, protected by the same api_key as Open311 POSTs."""
    r = APIRouter(prefix="/staff", tags=["staff"])

    @r.post("/requests/{request_id}")
    async def set_status(request: Request, request_id: int) -> JSONResponse:
        """Set `status` (open/closed) and `status_notes` (form fields, with `api_key`)."""
        form = await request.form()
        if not api_key_ok(form.get("api_key"), api_key):
            return JSONResponse(
                [{"code": 403, "description": "api_key is missing or invalid"}], 403
            )
        status = str(form.get("status") or "").strip()
        if status not in _STATUSES:
            return JSONResponse(
                [{"code": 400, "description": "status must be open or closed"}], 400
            )
        notes = str(form.get("status_notes") or "").strip() or None
        expected = str(form.get("expected_datetime") or "").strip()
        try:
            expected_at = parse_datetime(expected, "expected_datetime") if expected else None
        except Open311Error as e:
            return JSONResponse([{"code": 400, "description": str(e)}], 400)
        row = await db.set_status(request_id, status, notes, clock(), expected_at)
        if row is None:
            return JSONResponse(
                [{"code": 404, "description": f"service_request_id {request_id} was not found"}],
                404,
            )
        return JSONResponse(as_open311(row))

    return r
