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
