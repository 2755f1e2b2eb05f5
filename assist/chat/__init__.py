"""Text channels: web chat, SMS and the terminal."""
