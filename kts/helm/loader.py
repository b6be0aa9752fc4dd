"""Load charts from directories and ``.tgz`` archives, as Helm's ``pkg/chart/v2/loader`` does."""

from __future__ import annotations

import io
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import IO, Any

from kts.codec.json import json_kind
from kts.gotemplate.gotypes import GoError
from kts.gotemplate.limits import DEFAULT_LIMITS, RenderLimits
from kts.helm.archive import ArchiveBudget, read_archive
from kts.helm.chart import APIVERSION_V1, ChartModel, Dependency, File, Maintainer, Metadata
from kts.helm.errors import ChartLoadError
from kts.helm.ignore import IgnoreError, Rules
from kts.helm.yamlio import YAMLError, load_document, load_values
from kts.sprig import semver as sprig_semver

_BOM = b"\xef\xbb\xbf"
_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")


def load(path: str | os.PathLike[str], limits: RenderLimits = DEFAULT_LIMITS) -> ChartModel:
    """Load a chart directory or archive; errors name the file and the cause."""
    p = Path(path)
    if not p.exists():
        raise ChartLoadError(f"path {str(path)!r} not found".replace("'", '"'), path=str(path))
    try:
        chart = load_dir(p, limits) if p.is_dir() else load_archive_file(p, limits)
    except OSError as exc:
        where = str(exc.filename or path)
        raise ChartLoadError(f"{exc.strerror or exc}: {where}", path=where) from exc
    _set_source(chart, str(p))
    return chart


def _set_source(chart: ChartModel, source: str) -> None:
    chart.source = source
    for dep in chart.dependencies:
        _set_source(dep, f"{source}/charts/{dep.name}")


def load_dir(top: Path, limits: RenderLimits = DEFAULT_LIMITS) -> ChartModel:
    rules_text = ""
    ignore_file = top / ".helmignore"
    if ignore_file.is_file():
        rules_text = ignore_file.read_text(errors="replace")
    try:
        rules = Rules(rules_text)
    except IgnoreError as exc:
        raise ChartLoadError(str(exc), path=str(ignore_file)) from exc
    files: list[File] = []
    _walk(top, "", rules, files, {os.path.realpath(top)}, limits.max_archive_file)
    return _wrap_load(lambda: load_files(files, limits), str(top))


def _walk(base: Path, rel: str, rules: Rules, out: list[File], seen: set[str], max_file: int,
          here: str = "") -> None:
    """Collect files under ``base/rel``; ``seen`` holds the real paths of the directories above
    (``here`` is this directory's), to report symbolic link loops."""
    root = str(base)
    here = here or os.path.realpath(os.path.join(root, rel))
    directory = os.path.join(root, rel) if rel else root
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = f"{rel}/{entry.name}" if rel else entry.name
        full = os.path.join(root, name)
        if entry.is_symlink():
            mode = os.stat(full).st_mode  # follows symlinks, as Helm's sympath walk does
            is_dir, is_reg = stat.S_ISDIR(mode), stat.S_ISREG(mode)
        else:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_reg = not is_dir and entry.is_file(follow_symlinks=False)
        if is_dir:
            if not rules.ignore(name, True):
                real = os.path.realpath(full) if entry.is_symlink() else os.path.join(here, entry.name)
                if real in seen:
                    raise ChartLoadError(f"symbolic link loop at {full}", path=full)
                _walk(base, name, rules, out, seen | {real}, max_file, real)
            continue
        if rules.ignore(name, False):
            continue
        if not is_reg:
            raise ChartLoadError(
                f"cannot load irregular file {full} as it has file mode type bits set", path=full)
        with open(full, "rb") as fh:
            data = _read_bounded(fh, max_file)
        if len(data) > max_file:
            raise ChartLoadError(
                f"chart file {_q(entry.name)} is larger than the maximum file size {max_file}", path=full)
        out.append(File(name, data.removeprefix(_BOM)))


def _read_bounded(fh: IO[bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``fh``, even if the file grows while it is read; buffers are
    sized to the file, not to the limit (a 5 MiB buffer per small template would dominate loading)."""
    want = min(os.fstat(fh.fileno()).st_size, limit) + 1
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        piece = fh.read(min(want, limit + 1 - total))
        if not piece:
            break
        chunks.append(piece)
        total += len(piece)
        want = 1 << 16
    return b"".join(chunks)


def _content_type(head: bytes) -> str:
    """Enough of Go's ``http.DetectContentType`` to word Helm's "not an archive" error."""
    if head.startswith(b"\x1f\x8b\x08"):
        return "application/x-gzip"
    if head[:1] in (b"{", b"[") or not head:
        return "text/plain; charset=utf-8"
    if any(b < 0x20 and b not in (9, 10, 12, 13, 27) for b in head):
        return "application/octet-stream"
    return "text/plain; charset=utf-8"


def load_archive_file(path: Path, limits: RenderLimits = DEFAULT_LIMITS) -> ChartModel:
    with open(path, "rb") as fh:
        head = fh.read(512).ljust(512, b"\0")  # Helm sniffs a zero-filled 512-byte buffer
        _check_gzip(path, head)
        fh.seek(0)
        return _wrap_load(lambda: load_archive(fh, limits), str(path))


def _check_gzip(path: Path, head: bytes) -> None:
    if _content_type(head) != "application/x-gzip":
        if str(path).endswith((".yml", ".yaml")):
            raise ChartLoadError(f"file '{path}' seems to be a YAML file, but expected a gzipped archive",
                                 path=str(path))
        raise ChartLoadError(
            f"file '{path}' does not appear to be a gzipped archive; got '{_content_type(head)}'",
            path=str(path))


def _wrap_load(fn: Any, where: str) -> ChartModel:
    try:
        return fn()
    except ChartLoadError as exc:
        exc.path = os.path.join(where, exc.path) if exc.path and not os.path.isabs(exc.path) else where
        raise


def load_archive(data: bytes | IO[bytes], limits: RenderLimits = DEFAULT_LIMITS,
                 budget: ArchiveBudget | None = None) -> ChartModel:
    """Load the chart in a gzipped tarball (the first path segment is the chart directory).

    ``budget`` is shared by the archives nested in one chart, so together they stay within
    ``limits.max_archive``.
    """
    if budget is None:
        budget = ArchiveBudget(limits.max_archive, limits.max_archive_file)
    raw = io.BytesIO(data) if isinstance(data, bytes) else data
    return load_files(read_archive(raw, budget), limits, budget)


def _q(s: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(s)


def load_files(files: list[File], limits: RenderLimits = DEFAULT_LIMITS,
               budget: ArchiveBudget | None = None) -> ChartModel:
    """Route files into a ChartModel (``LoadFiles``), then load subcharts from ``charts/``.

    Nested archives draw on ``budget`` (a fresh one when the chart is not an archive).
    """
    md: Metadata | None = None
    for f in files:
        if f.name == "Chart.yaml":
            md = parse_metadata(f, Metadata())
            if not md.api_version:
                md.api_version = APIVERSION_V1
    chart = ChartModel(metadata=md or Metadata())
    sub_files: dict[str, list[File]] = {}
    for f in files:
        name = f.name
        if name == "Chart.yaml":
            continue
        if name in ("Chart.lock", "requirements.lock"):
            _load_yaml(f, "cannot load " + name)
            if name == "requirements.lock" and md is not None and md.api_version == APIVERSION_V1:
                chart.files.append(f)
        elif name == "values.yaml":
            try:
                chart.values = load_values(f.data.decode("utf-8", "surrogateescape"), multi_doc=True)
            except YAMLError as exc:
                raise ChartLoadError(f"cannot load values.yaml: {exc}", path="values.yaml") from exc
        elif name == "values.schema.json":
            chart.schema = f.data
        elif name == "requirements.yaml":
            if md is None:
                md = Metadata()
                chart.metadata = md
            _parse_requirements(f, md)
            if md.api_version == APIVERSION_V1:
                chart.files.append(f)
        elif name.startswith("templates/"):
            chart.templates.append(f)
        elif name.startswith("charts/"):
            if name.endswith(".prov"):
                chart.files.append(f)
                continue
            rest = name[len("charts/"):]
            cname = rest.split("/", 1)[0]
            sub_files.setdefault(cname, []).append(File(rest, f.data))
        else:
            chart.files.append(f)
    if md is None:
        raise ChartLoadError("Chart.yaml file is missing", path="Chart.yaml")
    _validate(md)
    for cname in sorted(sub_files):
        entries = sub_files[cname]
        if cname[:1] in ("_", "."):
            continue
        try:
            if cname.endswith(".tgz"):
                first = entries[0]
                if first.name != cname:
                    raise ChartLoadError(
                        f"error unpacking subchart tar in {md.name}: expected {cname}, got {first.name}")
                if budget is None:
                    budget = ArchiveBudget(limits.max_archive, limits.max_archive_file)
                sub = load_archive(first.data, limits, budget)
            else:
                inner = [File(e.name.split("/", 1)[1], e.data) for e in entries if "/" in e.name]
                sub = load_files(inner, limits, budget)
        except ChartLoadError as exc:
            raise ChartLoadError(f"error unpacking subchart {cname} in {md.name}: {exc}",
                                 path=f"charts/{cname}" + (f"/{exc.path}" if exc.path else "")) from exc
        chart.add_dependency(sub)
    return chart


def _load_yaml(f: File, prefix: str) -> Any:
    try:
        return load_document(f.data.decode("utf-8", "surrogateescape"))
    except YAMLError as exc:
        raise ChartLoadError(f"{prefix}: {exc}", path=f.name) from exc


_STR_FIELDS = {"name": "name", "home": "home", "version": "version", "description": "description",
               "icon": "icon", "apiVersion": "api_version", "condition": "condition", "tags": "tags",
               "appVersion": "app_version", "kubeVersion": "kube_version", "type": "type"}


def _type_error(value: Any, struct: str, fld: str, gotype: str) -> str:
    kinds = {bool: "bool", float: "number", int: "number", str: "string", list: "array", dict: "object"}
    kind = kinds.get(type(value), "value")
    return (f"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} "
            f"into Go struct field {struct}.{fld} of type {gotype}")


def scalar_text(value: Any) -> str | None:
    """sigs.k8s.io/yaml turns a YAML scalar into the string a Go string field wants."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e19:
            return str(int(value))
        try:
            from kts.codec.gofloat import format_g

            return format_g(value, 32)
        except ImportError:
            return repr(value)
    if isinstance(value, int):
        return str(value)
    return None


def _expect(value: Any, pytype: type, struct: str, fld: str, gotype: str, fname: str) -> Any:
    if value is None:
        return pytype()
    if pytype is str and not isinstance(value, str):
        text = scalar_text(value)
        if text is not None:
            return text
    if (pytype is str and not isinstance(value, str)) or (pytype is bool and not isinstance(value, bool)) \
            or (pytype is list and not isinstance(value, list)) \
            or (pytype is dict and not isinstance(value, dict)):
        raise ChartLoadError(f"cannot load {fname}: {_type_error(value, struct, fld, gotype)}", path=fname)
    return value


_METADATA_KEYS = (*_STR_FIELDS, "deprecated", "sources", "keywords", "maintainers", "annotations",
                  "dependencies")
_DEPENDENCY_KEYS = ("name", "version", "repository", "condition", "alias", "tags", "enabled", "import-values")


def _json_fields(doc: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``doc`` with each key spelled as the struct field it decodes into: encoding/json matches
    field names case-insensitively, and a later key wins."""
    by_fold = {k.lower(): k for k in keys}
    out: dict[str, Any] = {}
    for key, value in doc.items():
        out[key if key in keys else by_fold.get(str(key).lower(), key)] = value
    return out


def parse_metadata(f: File, md: Metadata) -> Metadata:
    """Chart.yaml decoded into ``md`` as ``yaml.Unmarshal`` into ``chart.Metadata`` does (no validation)."""
    doc = _load_yaml(f, "cannot load Chart.yaml")
    if doc is None:
        return md
    if not isinstance(doc, dict):
        raise ChartLoadError(
            "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
            f"{'array' if isinstance(doc, list) else 'string'} into Go value of type v2.Metadata",
            path="Chart.yaml")
    doc = _json_fields(doc, _METADATA_KEYS)
    deferred: ChartLoadError | None = None
    # Go decodes the JSON sigs.k8s.io/yaml made, whose keys are sorted; the first type error wins,
    # and null entries are refused afterwards, by validation.
    for key in _go_order(doc):
        try:
            _metadata_field(md, key, doc[key])
        except ChartLoadError as exc:
            if not exc.message.startswith("validation: "):
                raise
            deferred = deferred or exc
    if deferred is not None:
        raise deferred
    return md


def _go_order(doc: dict[str, Any]) -> list[str]:
    return sorted(doc, key=lambda k: str(k).encode("utf-8", "surrogateescape"))


def _metadata_field(md: Metadata, key: str, value: Any) -> None:
    if key in _STR_FIELDS:
        setattr(md, _STR_FIELDS[key], _expect(value, str, "Metadata", key, "string", "Chart.yaml"))
    elif key == "deprecated":
        md.deprecated = _expect(value, bool, "Metadata", "deprecated", "bool", "Chart.yaml")
    elif key in ("sources", "keywords"):
        items = _expect(value, list, "Metadata", key, "[]string", "Chart.yaml")
        setattr(md, key, [_expect(i, str, "Metadata", key, "string", "Chart.yaml") for i in items])
    elif key == "maintainers":
        md.maintainers = []
        for m in _expect(value, list, "Metadata", "maintainers", "[]*v2.Maintainer", "Chart.yaml"):
            if m is None:
                raise ChartLoadError("validation: maintainers must not contain empty or null nodes",
                                     path="Chart.yaml")
            m = _json_fields(_expect(m, dict, "Metadata", "maintainers", "v2.Maintainer", "Chart.yaml"),
                             ("name", "email", "url"))
            fields = {k: _expect(m.get(k), str, "Maintainer", f"maintainers.{k}", "string", "Chart.yaml")
                      for k in ("email", "name", "url")}
            md.maintainers.append(Maintainer(**fields))
    elif key == "annotations":
        if value is not None:
            ann = _expect(value, dict, "Metadata", "annotations", "map[string]string", "Chart.yaml")
            checked = {k: _expect(ann[k], str, "Metadata", "annotations", "string", "Chart.yaml")
                       for k in _go_order(ann)}
            md.annotations = {k: checked[k] for k in ann}
    elif key == "dependencies":
        md.dependencies = _parse_dependencies(value, "Chart.yaml", "Metadata")


def _parse_dependencies(raw: Any, fname: str, struct: str) -> list[Dependency]:
    out: list[Dependency] = []
    for d in _expect(raw, list, struct, "dependencies", "[]*v2.Dependency", fname):
        if d is None:
            raise ChartLoadError("validation: dependencies must not contain empty or null nodes", path=fname)
        d = _json_fields(_expect(d, dict, struct, "dependencies", "v2.Dependency", fname), _DEPENDENCY_KEYS)
        dep = Dependency()
        for key in _go_order(d):
            if key in ("name", "version", "repository", "condition", "alias"):
                setattr(dep, key, _expect(d[key], str, "Dependency", f"dependencies.{key}", "string", fname))
            elif key == "tags":
                tags = _expect(d["tags"], list, "Dependency", "dependencies.tags", "[]string", fname)
                dep.tags = [_expect(t, str, "Dependency", "dependencies.tags", "string", fname) for t in tags]
            elif key == "enabled":
                dep.enabled = _expect(d["enabled"], bool, "Dependency", "dependencies.enabled", "bool", fname)
            elif key == "import-values":
                dep.import_values = list(_expect(d["import-values"], list, "Dependency",
                                                 "dependencies.import-values", "[]interface {}", fname))
        out.append(dep)
    return out


def _parse_requirements(f: File, md: Metadata) -> None:
    doc = _load_yaml(f, "cannot load requirements.yaml")
    if doc is not None and not isinstance(doc, dict):
        raise ChartLoadError("cannot load requirements.yaml: error unmarshaling JSON: while decoding JSON: "
                             f"json: cannot unmarshal {json_kind(doc)} into Go value of type v2.Metadata",
                             path="requirements.yaml")
    if isinstance(doc, dict):
        doc = _json_fields(doc, ("dependencies",))
        if "dependencies" in doc:
            md.dependencies = _parse_dependencies(doc["dependencies"], "requirements.yaml", "Metadata")


def _sanitize(s: str) -> str:
    out = []
    for ch in s:
        if ch.isspace():
            out.append(" ")
        elif ch.isprintable() or unicodedata.category(ch) == "Zs":
            out.append(ch)
    return "".join(out)


def _is_semver(version: str) -> bool:
    """Helm's ``isValidSemver``: Masterminds' ``NewVersion`` accepts it (no leading zeros in
    numeric pre-release parts, parts that fit a uint64)."""
    try:
        sprig_semver.new_version(version)
    except GoError:
        return False
    return True


def _validate(md: Metadata) -> None:
    def fail(msg: str) -> None:
        raise ChartLoadError("validation: " + msg, path="Chart.yaml")

    for attr in ("name", "description", "home", "icon", "condition", "tags", "app_version", "kube_version"):
        setattr(md, attr, _sanitize(getattr(md, attr)))
    md.sources = [_sanitize(s) for s in md.sources]
    md.keywords = [_sanitize(s) for s in md.keywords]
    if not md.api_version:
        fail("chart.metadata.apiVersion is required")
    if not md.name:
        fail("chart.metadata.name is required")
    if md.name in (".", ".."):
        fail(f"chart.metadata.name {_q(md.name)} is not allowed")
    if md.name != md.name.rstrip("/").rsplit("/", 1)[-1]:
        fail(f"chart.metadata.name {_q(md.name)} is invalid")
    if not md.version:
        fail("chart.metadata.version is required")
    if not _is_semver(md.version):
        fail(f"chart.metadata.version {_q(md.version)} is invalid")
    if md.type not in ("", "application", "library"):
        fail("chart.metadata.type must be application or library")
    for m in md.maintainers:
        m.name, m.email, m.url = _sanitize(m.name), _sanitize(m.email), _sanitize(m.url)
    seen: set[str] = set()
    for dep in md.dependencies:
        dep.name = _sanitize(dep.name)
        dep.version = _sanitize(dep.version)
        dep.repository = _sanitize(dep.repository)
        dep.condition = _sanitize(dep.condition)
        dep.tags = [_sanitize(t) for t in dep.tags]
        if dep.alias and not _ALIAS.match(dep.alias):
            fail(f"dependency {_q(dep.name)} has disallowed characters in the alias")
        key = dep.alias or dep.name
        if key in seen:
            fail(f"more than one dependency with name or alias {_q(key)}")
        seen.add(key)
