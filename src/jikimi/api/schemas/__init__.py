"""Request and response bodies (strict: unknown fields are rejected on writes)."""
