"""Errors every layer may raise and the API turns into problem+json."""


class NotFound(LookupError):
    """Unknown, or not visible to the caller (the two are never told apart)."""


class Conflict(RuntimeError):
    """The request clashes with the current state (HTTP 409)."""


class Forbidden(PermissionError):
    """Authenticated but not allowed (HTTP 403)."""


class Invalid(ValueError):
    """Well-formed but invalid (HTTP 422)."""


class ReadOnly(Forbidden):
    """A write through a break-glass read (HTTP 403); recorded and flagged for review."""

    def __init__(
        self,
        resource: str,
        resource_id: str | None = None,
        detail: str = "break-glass is read-only",
    ) -> None:
        super().__init__(detail)
        self.resource, self.resource_id = resource, resource_id
