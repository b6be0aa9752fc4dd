"""Typed errors for every failed API call, so callers branch on the kind of failure, never on HTTP codes."""

from __future__ import annotations

from typing import Any

from kts.kube.refs import ObjectRef


class KubeError(Exception):
    """A failed Kubernetes API call; ``str()`` names the object (``Pod ns/name: message``)."""

    def __init__(
        self,
        message: str,
        *,
        ref: ObjectRef | None = None,
        status: int | None = None,
        reason: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.ref = ref
        self.status = status
        self.reason = reason
        self.body = body or {}
        super().__init__(f"{ref}: {message}" if ref else message)


class NotFound(KubeError):
    """404: the object, its namespace or its kind does not exist."""


class Conflict(KubeError):
    """409: field-manager conflicts (``conflicts`` lists ``(manager, field)``) or a stale write."""

    def __init__(self, message: str, *, conflicts: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        self.conflicts = conflicts or []
        super().__init__(message, **kw)


class Invalid(KubeError):
    """A manifest error (400, 422, or the 500 for a field not declared in the schema); never retried.

    ``causes`` lists ``(field, message)``.
    """

    def __init__(self, message: str, *, causes: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        self.causes = causes or []
        super().__init__(message, **kw)


class UnknownKind(Invalid):
    """The server serves no resource for this apiVersion and kind."""


class Forbidden(KubeError):
    """401/403: the credentials may not do this."""


class Unavailable(KubeError):
    """The API server could not be reached or kept failing (429, 5xx, timeouts) after retries."""


class Gone(KubeError):
    """410: a watch or list resourceVersion is too old; relist."""


class NotReady(KubeError):
    """An object did not become ready: a hopeless state (``reason``) or the deadline passed."""

    def __init__(
        self, reason: str, obj: dict[str, Any] | None = None, *, ref: ObjectRef | None = None
    ) -> None:
        self.obj = obj or {}
        super().__init__(reason, ref=ref or (ObjectRef.of(obj) if obj else None), reason=reason)


class DeleteTimeout(KubeError):
    """Objects were still present when the deletion deadline passed; ``remaining`` names them."""

    def __init__(self, message: str, *, remaining: list[ObjectRef], deleted: list[ObjectRef]) -> None:
        self.remaining = remaining
        self.deleted = deleted
        super().__init__(message)


_MANIFEST_500_MARKERS = ("field not declared in schema", "failed to create typed patch object")


def error_from_response(
    status: int, body: Any, ref: ObjectRef | None = None, *, fallback: str = ""
) -> KubeError:
    """Turn a non-2xx response (with its ``kind: Status`` body, when there is one) into a typed error."""
    st: dict[str, Any] = body if isinstance(body, dict) else {}
    message = str(st.get("message") or fallback or f"HTTP {status}")
    reason = st.get("reason")
    details = st.get("details") or {}
    causes = details.get("causes") or [] if isinstance(details, dict) else []
    kw: dict[str, Any] = {"ref": ref, "status": status, "reason": reason, "body": st}
    if status == 404:
        return NotFound(message, **kw)
    if status == 409:
        conflicts = []
        for c in causes:
            if c.get("reason") == "FieldManagerConflict" or c.get("field"):
                manager = _manager_of(str(c.get("message", "")))
                conflicts.append((manager, str(c.get("field", ""))))
        if conflicts:
            listed = "; ".join(f"{f} (owned by {m})" for m, f in conflicts)
            message = f"{message} [conflicts: {listed}]"
        return Conflict(message, conflicts=conflicts, **kw)
    if status in (400, 422) or (status == 500 and any(m in message for m in _MANIFEST_500_MARKERS)):
        pairs = [(str(c.get("field", "")), str(c.get("message", ""))) for c in causes]
        return Invalid(message, causes=pairs, **kw)
    if status in (401, 403):
        return Forbidden(message, **kw)
    if status == 410:
        return Gone(message, **kw)
    if status == 429 or status >= 500:
        return Unavailable(message, **kw)
    return KubeError(message, **kw)


def _manager_of(cause_message: str) -> str:
    """Extract the manager name from ``conflict with "mgr" using apps/v1``."""
    first = cause_message.find('"')
    last = cause_message.find('"', first + 1)
    if first >= 0 and last > first:
        return cause_message[first + 1 : last]
    return cause_message
