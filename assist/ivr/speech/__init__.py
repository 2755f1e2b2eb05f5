"""Self-hosted speech for the phone line: Vosk recognises, pyttsx3 (espeak-ng) speaks."""
