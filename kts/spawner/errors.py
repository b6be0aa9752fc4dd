"""The exception a failed spawn raises, for JupyterHub 6 (SpawnException) and 5 (HTTPError)."""

from __future__ import annotations

import html

from tornado import web

try:  # JupyterHub >= 6
    from jupyterhub.spawner import SpawnException as _Base
except ImportError:  # pragma: no cover - JupyterHub 5
    _Base = None


def html_message(message: str) -> str:
    """``message`` for the hub's spawn page, which shows ``html_message`` as HTML: escaped (pod logs
    and names are untrusted), its lines kept (a log's last lines are the reason a server failed)."""
    return f'<span style="white-space: pre-wrap">{html.escape(message)}</span>'


if _Base is not None:

    class SpawnFailed(_Base):  # type: ignore[misc,valid-type]
        """A spawn failed for a reason the user can act on; ``message`` says what and where."""

        def __init__(self, message: str, *, reason: str, status_code: int = 500) -> None:
            super().__init__(message, reason=reason, status_code=status_code)
            self.jupyterhub_message = message
            self.jupyterhub_html_message = html_message(message)

        def __str__(self) -> str:
            return self.message

else:  # pragma: no cover - JupyterHub 5

    class SpawnFailed(web.HTTPError):  # type: ignore[no-redef]
        """A spawn failed for a reason the user can act on; ``message`` says what and where."""

        def __init__(self, message: str, *, reason: str, status_code: int = 500) -> None:
            super().__init__(status_code, "%s", message)
            self.message = message
            self.reason = reason
            self.jupyterhub_message = message
            self.jupyterhub_html_message = html_message(message)

        def __str__(self) -> str:
            return self.message


class ContractError(SpawnFailed):
    """A rendered object breaks the chart contract; nothing has been applied."""

    def __init__(self, template: str, obj: str, rule: str) -> None:
        self.template, self.object, self.rule = template, obj, rule
        super().__init__(f"chart contract: {template}: {obj}: {rule}", reason="chart", status_code=400)


class OwnershipError(SpawnFailed):
    """A rendered object already exists and belongs to another server, user or instance; nothing
    has been applied."""

    def __init__(self, obj: str, rule: str) -> None:
        self.object, self.rule = obj, rule
        super().__init__(f"{obj} already exists and {rule}: refusing to apply over it",
                         reason="ownership", status_code=409)  # fmt: skip
