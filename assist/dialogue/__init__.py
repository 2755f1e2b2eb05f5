"""The channel-agnostic conversation engine; imports no FastAPI, Twilio or Vosk."""
