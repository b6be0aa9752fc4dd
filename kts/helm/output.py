"""``helm template`` output: CRDs, manifests in install order, hooks, ``--show-only``, ``--output-dir``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from kts.helm.chart import ChartModel
from kts.helm.errors import ManifestError
from kts.helm.ignore import glob_to_regex
from kts.helm.manifests import frame, notes_dropped, sort_manifests, split_manifests


@dataclass
class TemplateOptions:
    include_crds: bool = False
    no_hooks: bool = False
    skip_tests: bool = False
    show_only: list[str] = field(default_factory=list)
    output_dir: str = ""
    use_release_name: bool = False
    release_name: str = "release-name"


class OutputError(ManifestError):
    """Output assembly failed; ``partial`` holds what Helm prints with ``--debug``."""

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message, text=message)
        self.partial = partial


class ShowOnlyError(ManifestError):
    """A ``--show-only`` pattern matched no rendered template."""


def _write(out_dir: str, name: str, data: str, append: bool, log: list[str]) -> None:
    path = os.path.join(out_dir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a" if append else "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(frame(name, data))
    log.append(f"wrote {path}\n")


def assemble(chart: ChartModel, rendered: dict[str, str], opts: TemplateOptions) -> str:
    """What ``helm template`` prints for a rendered chart (``renderResources`` + template.go)."""
    files = notes_dropped(rendered)
    try:
        hooks, manifests = sort_manifests(files)
    except ManifestError as exc:
        partial = "".join(frame(n, c) for n, c in files.items() if c.strip())
        raise OutputError(str(exc), partial) from exc
    written: dict[str, bool] = {}
    log: list[str] = []
    buf: list[str] = []
    if opts.include_crds:
        for owner, f in chart.crd_files_recursive():
            name = f"{owner.full_path()}/{f.name}"
            data = f.data.decode("utf-8", "surrogateescape")
            if opts.output_dir:
                _write(opts.output_dir, name, data, written.get(name, False), log)
                written[name] = True
            else:
                buf.append(frame(name, data))
    out_dir = opts.output_dir
    if out_dir and opts.use_release_name:
        out_dir = os.path.join(out_dir, opts.release_name)
    for m in manifests:
        if opts.output_dir:
            _write(out_dir, m.path, m.content, written.get(m.path, False), log)
            written[m.path] = True
        else:
            buf.append(frame(m.path, m.content))
    text = "".join(buf).strip(" \t\n\r\v\f\x85\xa0") + "\n"
    hook_written: dict[str, bool] = {}
    if not opts.no_hooks:
        for h in hooks:
            if opts.skip_tests and "test" in h.events:
                continue
            if opts.output_dir:
                if os.path.exists(os.path.join(out_dir, h.path)):
                    hook_written[h.path] = True
                _write(out_dir, h.path, h.content, hook_written.get(h.path, False), log)
            else:
                text += frame(h.path, h.content)
    if opts.output_dir:
        return "".join(log) + (text if not opts.show_only else _show_only(text, opts.show_only))
    if opts.show_only:
        return _show_only(text, opts.show_only)
    return text


_SOURCE = re.compile(r"# Source: [^/]+/(.+)")


def _show_only(text: str, patterns: list[str]) -> str:
    docs = split_manifests(text)
    chosen: list[str] = []
    for pattern in patterns:
        rx = glob_to_regex(pattern.replace(os.sep, "/"))
        missing = True
        for doc in docs:
            m = _SOURCE.search(doc)
            if not m:
                continue
            if not rx.match(m.group(1)):
                continue
            chosen.append(doc)
            missing = False
        if missing:
            raise ShowOnlyError(f"could not find template {pattern} in chart")
    return "".join(f"---\n{d}\n" for d in chosen)
