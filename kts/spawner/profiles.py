"""What a chosen profile adds beyond ``kubespawner_override``: chart values and a chart.

A profile, and each choice of its ``profile_options`` (listed or ``unlisted_choice``), may carry
``values:`` (chart values) and ``chart:`` (a chart directory or ``.tgz``). The overlays are
taken from the same choices KubeSpawner's ``_load_profile`` applies, in the same order: the
profile first, then its options in the order they are configured. ``values`` deep-merge in
that order (later wins); the last ``chart`` given wins.

A choice that is not one of an option's choices is refused here with ``ValueError`` (the spawn
fails with 400) before anything is rendered; KubeSpawner itself would fail with a ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kts.spawner.values import merge


@dataclass(frozen=True)
class Overlay:
    """The chart values and chart of the chosen profile and choices (none: ``{}``, ``None``)."""

    values: dict[str, Any] = field(default_factory=dict)
    chart: str | None = None


Source = tuple[str, Mapping[str, Any], str | None]
"""Where an overlay comes from (for errors), its configuration, and the unlisted value it formats."""


def _chosen(profile: Mapping[str, Any], user_options: Mapping[str, Any]) -> list[Source]:
    """The choices the user's options select (or the options' defaults), each checked."""
    slug = profile.get("slug", "")
    out: list[Source] = []
    for name, option in (profile.get("profile_options") or {}).items():
        choices = option.get("choices") or {}
        unlisted = user_options.get(f"{name}--unlisted-choice")
        choice = user_options.get(name)
        if unlisted:
            where = f"profile {slug}: option {name}: unlisted_choice"
            out.append((where, option.get("unlisted_choice") or {}, str(unlisted)))
        elif choice:
            if not isinstance(choice, str) or choice not in choices:
                listed = ", ".join(map(str, choices)) or "none"
                raise ValueError(
                    f"profile {slug}: option {name} has no choice {choice!r} (choices: {listed})"
                )
            out.append((f"profile {slug}: option {name}: choice {choice}", choices[choice], None))
        else:
            default = next((c for c in choices.values() if c.get("default")), None)
            if default is not None:
                out.append((f"profile {slug}: option {name}: default choice", default, None))
    return out


def overlay(profile: Mapping[str, Any], user_options: Mapping[str, Any]) -> Overlay:
    """The overlay of ``profile`` (from KubeSpawner's initialized profile list) for the user's
    options. Raises ``ValueError`` for a choice the option does not offer, ``TypeError`` for a
    ``values`` that is not a map or a ``chart`` that is not a path."""
    from kubespawner.utils import recursive_format

    values: dict[str, Any] = {}
    chart: str | None = None
    sources: list[Source] = [
        (f"profile {profile.get('slug', '')}", profile, None),
        *_chosen(profile, user_options),
    ]
    for where, config, unlisted in sources:
        more = config.get("values")
        if more is not None:
            if not isinstance(more, Mapping):
                raise TypeError(f"{where}: values must be a map, not {type(more).__name__}")
            if unlisted is not None:
                # As KubeSpawner formats the unlisted choice's kubespawner_override: the
                # operator's strings, with the user's text as {value} (data, never template text).
                more = recursive_format(dict(more), value=unlisted)
            values = merge(values, more)
        path = config.get("chart")
        if path is not None:
            if not isinstance(path, str) or not path:
                raise TypeError(f"{where}: chart must be a chart directory or .tgz path")
            chart = path
    return Overlay(values, chart)
