"""Template errors, worded as Go's text/template words them."""

from __future__ import annotations


class RenderError(Exception):
    """A chart or template failed to parse or execute.

    ``template`` is the template name (a chart path such as ``mychart/templates/a.yaml``),
    ``line`` and ``column`` locate the failing node (column is Go's 0-based byte offset;
    0 when unknown) and ``message`` is the cause without location.
    """

    def __init__(self, message: str, *, template: str = "", line: int = 0, column: int = 0,
                 text: str | None = None) -> None:
        self.template = template
        self.line = line
        self.column = column
        self.message = message
        super().__init__(text if text is not None else message)


class InternalError(RenderError):
    """A defect in kts itself (a Python exception the engine did not expect), not in the chart.

    Still a RenderError, so callers that report template failures report this one too, but
    tests can tell an engine crash from a chart's legitimate error. ``__cause__`` holds the
    original exception.
    """


def internal_cause(exc: BaseException) -> BaseException | None:
    """The InternalError in ``exc`` or its chain of causes (``include``/``tpl`` nest them), if any."""
    seen: set[int] = set()
    err: BaseException | None = exc
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, InternalError):
            return err
        err = getattr(err, "cause", None) or err.__cause__
    return None


class ParseError(RenderError):
    """A template failed to parse: ``template: NAME:LINE: MSG``."""

    def __init__(self, message: str, *, template: str = "", line: int = 0) -> None:
        super().__init__(message, template=template, line=line,
                         text=f"template: {template}:{line}: {message}")


class ExecError(RenderError):
    """A template failed to execute: ``template: LOC: executing "NAME" at <NODE>: MSG``.

    ``template`` names the file the failing node was parsed from (Go's ParseName) and
    ``name`` the template being executed; ``node`` is the node's Go ``String()`` form (empty
    when the error has no node). ``cause`` keeps the exception raised by a function
    (a ``GoError``, or a nested ``ExecError`` from ``include``/``tpl``), so callers can find
    markers such as Helm's ``HELM_ERR_START`` in it.
    """

    def __init__(self, message: str, *, template: str = "", line: int = 0, column: int = 0,
                 name: str = "", node: str = "", cause: BaseException | None = None,
                 text: str | None = None) -> None:
        self.name = name
        self.node = node
        self.cause = cause
        if text is None:
            text = exec_error_text(message, template=template, line=line, column=column,
                                   name=name, node=node)
        super().__init__(message, template=template, line=line, column=column, text=text)

    @property
    def names(self) -> list[str]:
        """The executing template names from this error down its chain of nested causes."""
        out: list[str] = []
        seen: set[int] = set()
        err: BaseException | None = self
        while err is not None and id(err) not in seen:
            seen.add(id(err))
            if isinstance(err, ExecError) and err.name:
                out.append(err.name)
            err = getattr(err, "cause", None) or err.__cause__
        return out

    @property
    def location(self) -> str:
        """``NAME:LINE:COL`` of the failing node (empty when unknown)."""
        return f"{self.template}:{self.line}:{self.column}" if self.node or self.line else ""


def exec_error_text(message: str, *, template: str, line: int, column: int, name: str,
                    node: str) -> str:
    from kts.gotemplate.strconv import quote

    if not node and not line:
        return f"template: {name}: {message}"
    return f"template: {template}:{line}:{column}: executing {quote(name)} at <{node}>: {message}"
