"""Outbound I/O: the clock, the live hub for SSE."""
