"""Errors raised while loading, configuring and rendering charts."""

from __future__ import annotations

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
