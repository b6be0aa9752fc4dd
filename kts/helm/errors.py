"""Errors raised while loading, configuring and rendering charts."""

from __future__ import annotations

import re

from kts.gotemplate.errors import RenderError


class ChartError(RenderError):
    """A chart could not be loaded or its values could not be prepared.

    ``str()`` reads like Helm's message, prefixed by the file it concerns when known.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        super().__init__(message, template=path, text=message)


class ChartLoadError(ChartError):
    """A chart directory or archive is missing, malformed or invalid."""


class ValuesError(ChartError):
    """User-supplied values (files, ``--set`` expressions) are malformed."""


class SchemaError(ChartError):
    """Values do not satisfy a chart's ``values.schema.json``."""


class ManifestError(RenderError):
    """A rendered manifest is not valid YAML or not a Kubernetes object."""


_MARKED = re.compile(r"HELM_ERR_START(.*)HELM_ERR_END", re.S)


def chart_message(message: str) -> str:
    """The text a chart's ``fail`` or ``required`` gave, without the markers Helm wraps it in.

    Helm finds these markers in a template error to word it as ``execution error at (...)``;
    ``str(err)`` already reads that way, and ``RenderError.message`` should not carry them either.
    """
    m = _MARKED.search(message)
    return m.group(1) if m else message
