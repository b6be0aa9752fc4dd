"""``helm lint``: the checks Helm v4.2 runs on a chart, reported as Helm words them.

A finding is data, not an exception: ``lint_chart`` returns every message with its severity
and the file it concerns. The rules (``lint_chartfile``, ``lint_rules``) run in Helm's order:
Chart.yaml, values, templates, dependencies, CRDs.
"""

from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kts.gotemplate.limits import DEFAULT_LIMITS, RenderLimits
from kts.gotemplate.strconv import quote
from kts.helm.archive import ArchiveBudget, read_archive
from kts.helm.errors import ChartLoadError
from kts.helm.objects import KubeVersion
from kts.helm.yamlio import YAMLError, load_document

ARCHIVE_SUFFIXES = (".tgz", ".tar.gz")


class Severity(enum.IntEnum):
    """``support.*Sev``: how bad a finding is. ``ERROR`` fails the lint; ``WARNING`` too with ``strict``."""

    UNKNOWN = 0
    INFO = 1
    WARNING = 2
    ERROR = 3


@dataclass(frozen=True)
class LintMessage:
    """One finding: ``str()`` is Helm's ``[SEVERITY] path: text``."""

    severity: Severity
    path: str
    text: str

    def __str__(self) -> str:
        return f"[{self.severity.name}] {self.path}: {self.text}"


@dataclass
class Linter:
    """What one chart's rules found (``support.Linter``); ``chart_dir`` is absolute."""

    chart_dir: str
    messages: list[LintMessage] = field(default_factory=list)
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def rule(self, severity: Severity, path: str, problem: str | None) -> bool:
        """Record ``problem`` (if any) against ``path``; true when the rule passed."""
        if problem is None:
            return True
        self.messages.append(LintMessage(severity, path, problem))
        return False


@dataclass
class LintResult:
    """The lint of one chart (``action.LintResult``).

    ``errors`` are what fail it: a chart that could not be linted at all, or every message at
    ``ERROR`` (``WARNING`` too when strict). ``log`` holds what Helm's engine logs while
    linting (``required`` and ``fail`` do not stop a lint), as ``(level, message, text)``.
    """

    path: str
    messages: list[LintMessage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    linted: bool = False
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def log_lines(self) -> list[str]:
        """``log`` as Helm's CLI prints it on stderr (Go's slog text format, no time)."""
        return [f"level={level} msg={_slog_value(message)} message={_slog_value(text)}"
                for level, message, text in self.log]

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def has_warnings_or_errors(self) -> bool:
        """``action.HasWarningsOrErrors``: anything above ``INFO``, or a failure."""
        return any(m.severity > Severity.INFO for m in self.messages) or bool(self.errors)


def lint_chart(path: str | os.PathLike[str], values: dict[str, Any] | None = None, *,
               namespace: str = "default", kube_version: str | None = None, strict: bool = False,
               skip_schema_validation: bool = False,
               limits: RenderLimits | None = None) -> LintResult:
    """Lint a chart directory or ``.tgz`` as ``helm lint`` does; findings never raise.

    ``values`` are user values already Go-typed (see ``ValueOptions.merge``), the release is
    ``test-release`` in ``namespace``, and ``kube_version`` sets ``.Capabilities`` and the
    kubeVersion check. An unparsable ``kube_version`` raises ``ValueError``.
    """
    from kts.helm.lint_chartfile import lint_chartfile
    from kts.helm.lint_rules import lint_crds, lint_dependencies, lint_templates, lint_values

    kube = KubeVersion.parse(kube_version) if kube_version else None
    text = os.fspath(path)
    result = LintResult(text)
    vals = values or {}
    limits = limits or DEFAULT_LIMITS
    with tempfile.TemporaryDirectory(prefix="helm-lint") as scratch:
        try:
            chart_dir = _chart_dir(text, scratch, limits)
        except _NotLinted as exc:
            result.errors.append(str(exc))
            return result
        linter = Linter(os.path.abspath(chart_dir))
        lint_chartfile(linter)
        lint_values(linter, vals, skip_schema_validation)
        lint_templates(linter, vals, namespace, kube, skip_schema_validation, limits)
        lint_dependencies(linter, limits)
        lint_crds(linter, limits)
    tolerance = Severity.WARNING if strict else Severity.ERROR
    result.linted = True
    result.messages = linter.messages
    result.log = linter.log
    result.errors = [m.text for m in linter.messages if m.severity >= tolerance]
    return result


def _slog_value(text: str) -> str:
    """A value as slog's text handler writes it: quoted when it holds spaces, quotes or ``=``."""
    plain = text and all(c.isprintable() and not c.isspace() and c not in '"=' for c in text)
    return text if plain else quote(text)


class _NotLinted(Exception):
    """The path is not a chart that can be linted; ``str()`` is Helm's reason."""


def _chart_dir(path: str, scratch: str, limits: RenderLimits) -> str:
    """The directory to lint: ``path``, or where its archive was unpacked (``lintChart``)."""
    chart_dir = path
    if path.endswith(ARCHIVE_SUFFIXES):
        chart_dir = _expand(path, scratch, limits)
    chart_yaml = os.path.normpath(os.path.join(chart_dir, "Chart.yaml"))
    try:
        os.stat(chart_yaml)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise _NotLinted(f"unable to check Chart.yaml file in chart: stat {chart_yaml}: {reason}") from None
    return chart_dir


def _check_gzip_header(head: bytes) -> None:
    """What Go's ``gzip.NewReader`` says of a stream that is not gzip (Expand does not sniff)."""
    if len(head) < 10:
        raise ChartLoadError("unexpected EOF" if head else "EOF")
    if head[:3] != b"\x1f\x8b\x08":
        raise ChartLoadError("gzip: invalid header")


def _expand(archive: str, scratch: str, limits: RenderLimits) -> str:
    """``chartutil.Expand``: the archive's files written under ``scratch/<chart name>``."""
    try:
        fh = open(archive, "rb")  # noqa: SIM115 - closed below, after the bounded read
    except OSError as exc:
        raise _NotLinted(f"unable to open tarball: open {archive}: {(exc.strerror or str(exc)).lower()}") \
            from None
    try:
        with fh:
            _check_gzip_header(fh.read(10))
            fh.seek(0)
            files = read_archive(fh, ArchiveBudget(limits.max_archive, limits.max_archive_file))
    except ChartLoadError as exc:
        raise _NotLinted(f"unable to extract tarball: {exc}") from None
    name = ""
    for f in files:
        if f.name == "Chart.yaml":
            try:
                doc = load_document(f.data.decode("utf-8", "surrogateescape"))
            except YAMLError as exc:
                raise _NotLinted(f"unable to extract tarball: cannot load Chart.yaml: {exc}") from None
            found = doc.get("name") if isinstance(doc, dict) else None
            name = found if isinstance(found, str) else ""
    if not name:
        raise _NotLinted("unable to extract tarball: chart name not specified")
    top = Path(scratch)
    root = top / name
    if root.resolve() == top.resolve() or not root.resolve().is_relative_to(top.resolve()):
        raise _NotLinted(f"unable to extract tarball: chart name {name!r} is not a directory name")
    for f in files:
        target = (root / f.name).resolve()
        if not target.is_relative_to(root.resolve()):
            continue  # read_archive refuses such names already; never write outside the chart
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.data)
    return str(root)
