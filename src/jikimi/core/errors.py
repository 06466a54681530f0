"""Errors every layer may raise and the API turns into problem+json."""


class NotFound(LookupError):
    """Unknown, or not visible to the caller (the two are never told apart: the answer is
    the same "not found" whatever the kind; the argument names the kind for the trail)."""


class Conflict(RuntimeError):
    """The request clashes with the current state (HTTP 409)."""


class FlaggedConflict(Conflict):
    """A 409 whose attempt is put on the access trail, flagged for the supervisor, though
    nothing else is stored: the answer does not say why it was refused; the record does."""

    def __init__(self, message: str, *, flag: str, resource: str, resource_id: str) -> None:
        super().__init__(message)
        self.flag, self.resource, self.resource_id = flag, resource, resource_id


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
