"""omnireel: an open, self-hostable video generation and editing service with a Gemini-compatible API."""

__version__ = "0.1.0"
