"""User-supplied values as Helm's ``-f``/``--set`` flags give them (``pkg/cli/values.Options``).

The merged map is Go-typed as Helm would type it (YAML files, ``--set`` inference), so it is
rendered with ``typed_values=True``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kts.helm import strvals
from kts.helm.errors import ValuesError
from kts.helm.render import json_values
from kts.helm.yamlio import YAMLError, load_values, merge_maps

Reader = Callable[[str], str]
"""Reads a ``-f`` or ``--set-file`` path into text; raises ``ValuesError`` when it cannot."""


def read_local_file(path: str) -> str:
    """The file's text (invalid UTF-8 kept as surrogates, as Go keeps bytes)."""
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise ValuesError(f"open {path}: {(exc.strerror or str(exc)).lower()}") from None


def parse_values(text: str, *, source: str = "") -> dict[str, Any]:
    """A values file's text as Helm decodes ``-f`` (several YAML documents merge).

    Raises ``ValuesError`` worded as Helm's ``failed to parse SOURCE: ...``.
    """
    try:
        return load_values(text, multi_doc=True)
    except YAMLError as exc:
        raise ValuesError(f"failed to parse {source}: {exc}", path=source) from None


@dataclass(frozen=True)
class ValueOptions:
    """``-f`` files and ``--set``-style expressions, in the order Helm applies them.

    Later files win over earlier ones; then ``--set-json``, ``--set``, ``--set-string``,
    ``--set-file`` and ``--set-literal`` are applied on top, each in the order given.
    """

    value_files: Sequence[str] = ()
    json_values: Sequence[str] = ()
    values: Sequence[str] = ()
    string_values: Sequence[str] = ()
    file_values: Sequence[str] = ()
    literal_values: Sequence[str] = ()

    def merge(self, read: Reader = read_local_file) -> dict[str, Any]:
        """``Options.MergeValues``; every failure is a ``ValuesError`` with Helm's text."""
        base: dict[str, Any] = {}
        for path in self.value_files:
            base = merge_maps(base, parse_values(read(path), source=path))
        for value in self.json_values:
            base = _merge_json(base, value)
        steps: list[tuple[Sequence[str], str, Callable[[str], object]]] = [
            (self.values, "--set", lambda v: strvals.parse_set(v, base)),
            (self.string_values, "--set-string", lambda v: strvals.parse_set_string(v, base)),
            (self.file_values, "--set-file", lambda v: strvals.parse_set_file(v, base, read)),
            (self.literal_values, "--set-literal", lambda v: strvals.parse_set_literal(v, base)),
        ]
        for expressions, flag, parse in steps:
            for expression in expressions:
                try:
                    parse(expression)
                except (strvals.StrvalsError, ValuesError) as exc:
                    raise ValuesError(f"failed parsing {flag} data: {exc}") from None
        return base


def _merge_json(base: dict[str, Any], value: str) -> dict[str, Any]:
    """One ``--set-json``: a whole JSON object merged in, or ``key=jsonvalue`` expressions."""
    trimmed = value.strip()
    if trimmed.startswith("{"):
        try:
            loaded = json.loads(trimmed)
        except ValueError:
            loaded = None
        if not isinstance(loaded, dict):
            raise ValuesError(f"failed parsing --set-json data JSON: {value}")
        return merge_maps(base, json_values(loaded))
    try:
        strvals.parse_set_json(value, base)
    except (ValueError, strvals.StrvalsError):
        raise ValuesError(f"failed parsing --set-json data {value}") from None
    return base
