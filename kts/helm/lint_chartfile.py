"""``helm lint``'s Chart.yaml rules (``rules.Chartfile``), in Helm's order and wording."""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from typing import Any

import yaml

from kts.gotemplate.gotypes import GoError, go_type_of
from kts.gotemplate.strconv import quote
from kts.helm.chart import APIVERSION_V1, APIVERSION_V2, File, Metadata
from kts.helm.errors import ChartLoadError
from kts.helm.lint import Linter, Severity
from kts.helm.loader import parse_metadata
from kts.helm.yamlio import YAMLError, load_document
from kts.sprig import semver

_FILE = "Chart.yaml"
_METADATA_FIELDS = frozenset({
    "name", "home", "sources", "version", "description", "keywords", "maintainers", "icon", "apiversion",
    "condition", "tags", "appversion", "deprecated", "annotations", "kubeversion", "dependencies", "type"})
_MAINTAINER_FIELDS = frozenset({"name", "email", "url"})
_DEPENDENCY_FIELDS = frozenset({"name", "version", "repository", "condition", "tags", "enabled",
                                "import-values", "alias"})
# SemVer 2.0.0 as Masterminds' StrictNewVersion accepts it: three parts, no "v", no leading zeros.
_NUM = r"(?:0|[1-9][0-9]*)"
_PRE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_STRICT_SEMVER = re.compile(rf"{_NUM}\.{_NUM}\.{_NUM}(?:-{_PRE_ID}(?:\.{_PRE_ID})*)?"
                            r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")
_WIDE = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"  # the non-ASCII letters an address may hold
_ATOM = rf"[a-z0-9!#$%&'*+/=?^_`{{|}}~{_WIDE}-]+"
_DOMAIN_PART = rf"[a-z0-9{_WIDE}](?:[a-z0-9._~{_WIDE}-]*[a-z0-9{_WIDE}])?"
_TLD = rf"[a-z{_WIDE}](?:[a-z0-9._~{_WIDE}-]*[a-z{_WIDE}])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_DOMAIN_PART}\.)+{_TLD}\.?", re.I)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_HOST_LABEL = r"[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9_\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?"
_URL = re.compile(
    r"(?:(?:https?|ftp|tcp|udp|wss?)://)?"  # lower-case schemes only, as govalidator
    r"(?:\S+(?::\S*)?@)?"
    rf"(?:{_OCTET}(?:\.{_OCTET}){{3}}|\[[0-9A-Fa-f:.]+\]|{_HOST_LABEL}(?:\.{_HOST_LABEL})*)\.?"
    r"(?::[0-9]{1,5})?(?:[/?#]\S*)?")


def lint_chartfile(linter: Linter) -> None:
    """Chart.yaml: a parsable file, then each field's rule; later rules need a parsable file."""
    path = os.path.join(linter.chart_dir, _FILE)
    if os.path.isdir(path):
        linter.rule(Severity.ERROR, _FILE, "should be a file, not a directory")
    data, read_error = _read(path)
    generic = _generic(data)
    empty = _empty_maintainers(generic)
    metadata, problem = (None, read_error) if read_error else _load(data, generic, empty)
    if not linter.rule(Severity.ERROR, _FILE, problem and f"unable to parse YAML\n\t{problem}"):
        return
    assert metadata is not None
    strict = _duplicate_keys(data) or _unknown_field(generic)
    linter.rule(Severity.WARNING, _FILE,
                strict and f"failed to strictly parse chart metadata file\n\t{strict}")
    checks: list[tuple[Severity, str | None]] = [
        (Severity.ERROR, _name(metadata)),
        (Severity.ERROR, _api_version(metadata)),
        (Severity.ERROR, _string_typed(generic, "version")),
        (Severity.ERROR, _version(metadata)),
        (Severity.ERROR, _string_typed(generic, "appVersion")),
        (Severity.ERROR, _maintainers(metadata, empty)),
        (Severity.ERROR, _sources(metadata)),
        (Severity.INFO, None if metadata.icon else "icon is recommended"),
        (Severity.ERROR, _icon(metadata)),
        (Severity.ERROR, _v2_only(metadata, "type", "chart type is not valid in apiVersion '{}'. It is valid "
                                                    "in apiVersion '{}'")),
        (Severity.ERROR, _v2_only(metadata, "dependencies", "dependencies are not valid in the Chart file "
                                                            "with apiVersion '{}'. They are valid in "
                                                            "apiVersion '{}'")),
        (Severity.WARNING, None if _is_strict_semver(metadata.version)
         else f"version '{metadata.version}' is not a valid SemVerV2"),
    ]
    for severity, found in checks:
        linter.rule(severity, _FILE, found)


def _is_strict_semver(version: str) -> bool:
    """Masterminds' ``StrictNewVersion``: SemVer 2.0.0 with parts that fit a uint64."""
    if _STRICT_SEMVER.fullmatch(version) is None:
        return False
    core = version.split("+", 1)[0].split("-", 1)[0]
    return all(int(part) < 1 << 64 for part in core.split("."))


def _read(path: str) -> tuple[bytes, str | None]:
    try:
        with open(path, "rb") as fh:
            return fh.read(), None
    except IsADirectoryError:
        return b"", f"read {path}: is a directory"
    except OSError as exc:
        return b"", f"open {path}: {(exc.strerror or str(exc)).lower()}"


def _load(data: bytes, generic: dict[str, Any], empty: set[int]) -> tuple[Metadata | None, str | None]:
    """``LoadChartfile``: the metadata, or the decoding error's text.

    Go decodes a null maintainer into a nil entry (reported by the maintainer rule); kts's
    loader refuses it, so such entries are decoded as empty ones here, from the same values.
    """
    if empty:
        maintainers = [{} if i in empty else m for i, m in enumerate(generic["maintainers"])]
        data = json.dumps({**generic, "maintainers": maintainers}).encode()
    try:
        return parse_metadata(File(_FILE, data), Metadata()), None
    except ChartLoadError as exc:
        return None, exc.message.removeprefix(f"cannot load {_FILE}: ")


def _empty_maintainers(generic: dict[str, Any]) -> set[int]:
    listed = generic.get("maintainers")
    return {i for i, m in enumerate(listed) if m is None} if isinstance(listed, list) else set()


def _duplicate_keys(data: bytes) -> str | None:
    """go-yaml's strict mode: every key set twice in one map, by line."""
    try:
        root = next(iter(yaml.compose_all(data.decode("utf-8", "surrogateescape"), Loader=yaml.SafeLoader)),
                    None)
    except yaml.YAMLError:
        return None
    lines: list[str] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    ident = (key.tag, key.value)
                    if ident in seen:
                        line = key.start_mark.line + 1
                        lines.append(f"  line {line}: key {quote(key.value)} already set in map")
                    seen.add(ident)
                children.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            children.extend(node.value)
        stack.extend(reversed(children))
    if not lines:
        return None
    return "error converting YAML to JSON: yaml: unmarshal errors:\n" + "\n".join(lines)


def _generic(data: bytes) -> dict[str, Any]:
    try:
        doc = load_document(data.decode("utf-8", "surrogateescape"))
    except YAMLError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _unknown_field(doc: dict[str, Any]) -> str | None:
    """``StrictLoadChartfile``: the first key ``chart.Metadata`` has no field for (JSON's
    case-insensitive match), as ``DisallowUnknownFields`` reports it."""

    def first(obj: Any, known: frozenset[str]) -> str | None:
        if isinstance(obj, dict):
            for key in _json_order(obj):
                if str(key).lower() not in known:
                    return ("error unmarshaling JSON: while decoding JSON: json: unknown field "
                            + quote(str(key)))
        return None

    for key in _json_order(doc):
        value = doc[key]
        lowered = str(key).lower()
        if lowered not in _METADATA_FIELDS:
            return first({key: None}, _METADATA_FIELDS)
        if lowered in ("maintainers", "dependencies") and isinstance(value, list):
            known = _MAINTAINER_FIELDS if lowered == "maintainers" else _DEPENDENCY_FIELDS
            for item in value:
                found = first(item, known)
                if found:
                    return found
    return None


def _json_order(obj: dict[str, Any]) -> list[str]:
    """Keys in the order Go decodes them: sigs.k8s.io/yaml writes JSON objects with sorted keys."""
    return sorted(obj, key=lambda k: str(k).encode("utf-8", "surrogateescape"))


def _string_typed(generic: dict[str, Any], key: str) -> str | None:
    if key not in generic:
        return None
    value = generic[key]
    kind = "float64" if isinstance(value, (int, float)) and not isinstance(value, bool) else go_type_of(value)
    return None if kind == "string" else f"{key} should be of type string but it's of type {kind}"


def _name(md: Metadata) -> str | None:
    if not md.name:
        return "name is required"
    if _go_base(md.name) != md.name:
        return f"chart name {quote(md.name)} is invalid"
    return None


def _go_base(path: str) -> str:
    """Go's ``filepath.Base``."""
    if path == "":
        return "."
    stripped = path.rstrip("/")
    if stripped == "":
        return "/"
    return stripped.rsplit("/", 1)[-1]


def _api_version(md: Metadata) -> str | None:
    if md.api_version == "":
        return 'apiVersion is required. The value must be either "v1" or "v2"'
    if md.api_version not in (APIVERSION_V1, APIVERSION_V2):
        return f"apiVersion '{md.api_version}' is not valid. The value must be either \"v1\" or \"v2\""
    return None


def _version(md: Metadata) -> str | None:
    if md.version == "":
        return "version is required"
    try:
        version = semver.new_version(md.version)
    except GoError:
        return f"version '{md.version}' is not a valid SemVer"
    floor = semver.new_version("0.0.0-0")
    if semver.compare(version, floor) <= 0:
        return f"version {quote(version.String())} is less than or equal to {quote('0.0.0-0')}"
    return None


def _maintainers(md: Metadata, empty: set[int]) -> str | None:
    for i, m in enumerate(md.maintainers):
        if i in empty:
            return "a maintainer entry is empty"
        if m.name == "":
            return "each maintainer requires a name"
        if m.email and not is_email(m.email):
            return f"invalid email '{m.email}' for maintainer '{m.name}'"
        if m.url and not is_url(m.url):
            return f"invalid url '{m.url}' for maintainer '{m.name}'"
    return None


def _sources(md: Metadata) -> str | None:
    for source in md.sources:
        if source == "" or not is_request_url(source):
            return f"invalid source URL '{source}'"
    return None


def _icon(md: Metadata) -> str | None:
    if md.icon and not is_request_url(md.icon):
        return f"invalid icon URL '{md.icon}'"
    return None


def _v2_only(md: Metadata, what: str, template: str) -> str | None:
    present = bool(md.type) if what == "type" else bool(md.dependencies)
    if present and md.api_version != APIVERSION_V2:
        return template.format(md.api_version, APIVERSION_V2)
    return None


def is_email(text: str) -> bool:
    """An address of the dot-atom form govalidator's ``IsEmail`` accepts (quoted local parts aside)."""
    return _EMAIL.fullmatch(text) is not None


def is_url(text: str) -> bool:
    """govalidator's ``IsURL``: an http(s)/ftp URL or a bare host, with an optional port and path."""
    if not text or len(text) <= 3 or len(text) >= 2083 or text.startswith("."):
        return False
    candidate = text if ":" not in text or "://" in text else "http://" + text
    try:
        parts = urllib.parse.urlsplit(candidate)
    except ValueError:
        return False
    if parts.netloc.startswith("."):
        return False
    if not parts.netloc and parts.path and "." not in parts.path:
        return False
    return _URL.fullmatch(text) is not None


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_HOST_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$&'()*+,;=:[]<>\"")


def is_request_url(text: str) -> bool:
    """govalidator's ``IsRequestURL``: Go's ``url.ParseRequestURI`` accepts it and it has a scheme."""
    if text == "" or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return False
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme):
        return False
    if not rest.startswith("//"):
        return True  # an opaque URI such as mailto:x, or scheme:/path
    authority = rest[2:].split("?", 1)[0].split("/", 1)[0]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        return "]" in host
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return False
    return all(c in _HOST_OK or ord(c) >= 0x80 for c in name) and _escapes_ok(name) and _escapes_ok(rest)


def _escapes_ok(text: str) -> bool:
    return re.search(r"%(?![0-9A-Fa-f]{2})", text) is None
