"""The event path: commands, handlers, the message bus and the ports they need."""
