"""Services: the verbs that change state. They load rows, ask workflows/
what is allowed, write rows, audit events and outbox messages, and flush.
They never commit: the caller (a view, a task, a CLI command) commits once."""


class ServiceError(Exception):
    """A refusal the user should read; ``message`` is already translated."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


def version_is_stale(expected_version, current: int) -> bool:
    """A form's row version (a hidden field: any text may come back) against
    the row's: anything but the same whole number is stale, never an error."""
    if expected_version is None:
        return False
    try:
        return int(str(expected_version).strip()) != current
    except ValueError:
        return True


class StaleVersion(ServiceError):
    """The form was built from an older row version: someone else acted first."""

    status_code = 409
