"""Twilio Messaging webhooks: `POST /twilio/sms` (a text arrives) and its status callbacks.

Thin: the signature is checked (`TwilioForm`), the text handled by `sms_inbound`, and the
reply rendered as TwiML `<Message>` (or an empty `<Response/>`). Delivery status callbacks
are recorded; an undelivered text with error 21610 flags the number as opted out. In
development without Twilio credentials, `GET /dev/sms` lists the texts that were not sent.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import JSONResponse
from twilio.twiml.messaging_response import MessagingResponse

from assist.chat.sms import store as sms_store
from assist.chat.sms.inbound import handle_text
from assist.deps import PartsDep
from assist.notify.optouts import suppress
from assist.twilio.rest import UNSUBSCRIBED
from assist.twilio.webhooks import TwilioForm

XML = "application/xml"


def twiml_reply(messages: list[str]) -> str:
    """A Messaging TwiML document with one `<Message>` per text (empty `<Response/>` for none)."""
    response = MessagingResponse()
    for m in messages:
        response.message(m)
    return str(response)


def create_sms_router() -> APIRouter:
    """The SMS channel's routes."""
    router = APIRouter(tags=["sms"])

    @router.post("/twilio/sms")
    async def inbound_sms(parts: PartsDep, form: TwilioForm) -> Response:
        """A text from a citizen: answered in TwiML; idempotent on MessageSid."""
        sid, sender = form.get("MessageSid", ""), form.get("From", "")
        if not sid or not sender:
            return Response(twiml_reply([]), media_type=XML)
        messages = await handle_text(parts, sid, sender, form.get("Body", ""))
        return Response(twiml_reply(messages), media_type=XML)

    @router.post("/twilio/sms/status")
    async def sms_status(parts: PartsDep, form: TwilioForm) -> Response:
        """A delivery status callback: recorded; error 21610 flags the number."""
        sid = form.get("MessageSid", "")
        status = form.get("MessageStatus") or form.get("SmsStatus") or "unknown"
        error = form.get("ErrorCode") or None
        to = form.get("To") or None
        now = parts.conversations.clock()
        if sid:
            async with parts.store.transaction() as tx:
                await sms_store.record_status(tx, sid, status, error, to, now)
                if error == str(UNSUBSCRIBED) and to:
                    await suppress(tx, to, "provider", None, now)
        parts.metrics.inc(
            "assist_sms_status_total",
            "Delivery status callbacks, by status",
            labels={"status": status},
        )
        return Response(status_code=204)

    @router.get("/dev/sms")
    async def dev_texts(parts: PartsDep) -> JSONResponse:
        """Development only (no Twilio credentials): the texts Assist would have sent."""
        if parts.settings.environment != "development" or parts.settings.twilio_auth_token:
            raise HTTPException(status_code=404)
        async with parts.store.transaction() as tx:
            rows = await sms_store.recent_sent(tx)
        return JSONResponse({"texts": rows})

    return router
