"""Voice channels: the Twilio phone line (TwiML webhooks) and self-hosted speech."""
