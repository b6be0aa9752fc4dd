"""Rendered templates to Kubernetes documents: Helm's split, hook detection and install-order sort."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kts.helm.errors import ManifestError
from kts.helm.yamlio import YAMLError, load_document
from kts.ordering import INSTALL_RANK

HOOK_ANNOTATION = "helm.sh/hook"
HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight"
HOOK_DELETE_ANNOTATION = "helm.sh/hook-delete-policy"
HOOK_EVENTS = {
    "pre-install": "pre-install", "post-install": "post-install", "pre-delete": "pre-delete",
    "post-delete": "post-delete", "pre-upgrade": "pre-upgrade", "post-upgrade": "post-upgrade",
    "pre-rollback": "pre-rollback", "post-rollback": "post-rollback", "test": "test", "test-success": "test",
}

# Go's regexp \s is ASCII whitespace only.
_SEP = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")
_UNICODE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
                 "\u200a\u2028\u2029\u202f\u205f\u3000"


def split_manifests(text: str) -> list[str]:
    """``SplitManifests`` of Helm v4.2.0-4.2.3: left-trimmed documents, trailing newlines kept."""
    text = text.lstrip(_UNICODE_SPACE)
    out = []
    for doc in _SEP.split(text):
        if doc.strip(_UNICODE_SPACE) == "":
            continue
        out.append(doc.lstrip(_UNICODE_SPACE))
    return out


@dataclass
class Manifest:
    """One rendered document: its template path, text, head fields and hook data."""

    path: str
    content: str
    kind: str = ""
    api_version: str = ""
    name: str = ""
    annotations: dict[str, str] = field(default_factory=dict)
    events: tuple[str, ...] = ()
    weight: int = 0
    delete_policies: tuple[str, ...] = ()
    document: Any = field(default=None, repr=False, compare=False)  # the decoded YAML, kept for reuse


def _scalar_str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e19 else repr(v)
    if isinstance(v, (dict, list)):
        raise TypeError
    return str(v)


_METADATA_TYPE = ('struct { Name string "json:\\"name\\""; '
                  'Annotations map[string]string "json:\\"annotations\\"" }')


def _head(path: str, doc: str) -> Manifest:
    def fail(msg: str) -> ManifestError:
        return ManifestError(f"YAML parse error on {path}: {msg}", template=path)

    try:
        obj = load_document(doc)
    except YAMLError as exc:
        raise fail(str(exc)) from exc
    except Exception as exc:  # the codec's own error type
        raise fail(str(exc)) from exc
    m = Manifest(path, doc, document=obj)
    if obj is None:
        return m
    if not isinstance(obj, dict):
        kind = "array" if isinstance(obj, list) else "string" if isinstance(obj, str) else \
            "bool" if isinstance(obj, bool) else "number"
        raise fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                   f"{kind} into Go value of type util.SimpleHead")
    def field_error(value: Any, where: str, gotype: str) -> ManifestError:
        kind = "object" if isinstance(value, dict) else "array"
        return fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                    f"{kind} into Go struct field {where} of type {gotype}")

    for key, attr in (("apiVersion", "api_version"), ("kind", "kind")):
        value = obj.get(key)
        if isinstance(value, (dict, list)):
            raise field_error(value, f"SimpleHead.{key}", "string")
        setattr(m, attr, _scalar_str(value))
    md = obj.get("metadata")
    if md is not None:
        if not isinstance(md, dict):
            raise field_error(md, "SimpleHead.metadata", _METADATA_TYPE)
        name = md.get("name")
        if isinstance(name, (dict, list)):
            raise field_error(name, ".metadata.name", "string")
        m.name = _scalar_str(name)
        ann = md.get("annotations")
        if ann is not None:
            if not isinstance(ann, dict):
                raise field_error(ann, ".metadata.annotations", "map[string]string")
            for k, v in ann.items():
                if isinstance(v, (dict, list)):
                    raise field_error(v, ".metadata.annotations", "string")
                m.annotations[k] = _scalar_str(v)
    return m


def _atoi(s: str) -> int:
    if re.fullmatch(r"[+-]?[0-9]+", s):
        v = int(s)
        if -(1 << 63) <= v < (1 << 63):
            return v
    return 0


def sort_manifests(files: dict[str, str]) -> tuple[list[Manifest], list[Manifest]]:
    """``SortManifests``: (hooks, generic manifests), each stably sorted by install order."""
    hooks: list[Manifest] = []
    generic: list[Manifest] = []
    for path in sorted(files, key=lambda p: p.encode("utf-8", "surrogateescape")):
        content = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or content.strip(_UNICODE_SPACE) == "":
            continue
        for doc in split_manifests(content):
            m = _head(path, doc)
            if HOOK_ANNOTATION not in m.annotations:
                generic.append(m)
                continue
            events = []
            unknown = False
            for h in m.annotations[HOOK_ANNOTATION].split(","):
                e = HOOK_EVENTS.get(h.strip().lower())
                if e is None:
                    unknown = True
                    break
                events.append(e)
            if unknown:
                continue
            m.events = tuple(events)
            m.weight = _atoi(m.annotations.get(HOOK_WEIGHT_ANNOTATION, ""))
            if HOOK_DELETE_ANNOTATION in m.annotations:
                m.delete_policies = tuple(p.strip().lower()
                                          for p in m.annotations[HOOK_DELETE_ANNOTATION].split(","))
            hooks.append(m)
    return sort_by_kind(hooks), sort_by_kind(generic)


def _kind_key(kind: str) -> tuple[int, bytes]:
    rank = INSTALL_RANK.get(kind)
    if rank is not None:
        return (0, rank.to_bytes(2, "big"))
    return (1, kind.encode("utf-8", "surrogateescape"))


def sort_by_kind(items: list[Manifest]) -> list[Manifest]:
    """Stable sort: known kinds in install order, then unknown kinds alphabetically."""
    return sorted(items, key=lambda m: _kind_key(m.kind))


def notes_dropped(rendered: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in rendered.items() if not k.endswith("NOTES.txt")}


def frame(path: str, content: str) -> str:
    return f"---\n# Source: {path}\n{content}\n"


@dataclass
class RenderedObject:
    """A Kubernetes object from a rendered chart, in Helm's install order."""

    source: str
    object: dict[str, Any]
    hook_events: tuple[str, ...] = ()
    hook_weight: int = 0
    hook_delete_policies: tuple[str, ...] = ()


def _ints(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _ints(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_ints(x) for x in v]
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
        return int(v)
    return v


def parse_objects(rendered: dict[str, str]) -> list[RenderedObject]:
    """Every object of a render: manifests in install order, then hooks in install order.

    Numbers are plain Python ints where integral (as Kubernetes wants them).
    """
    hooks, generic = sort_manifests(notes_dropped(rendered))
    out: list[RenderedObject] = []
    for m in [*generic, *hooks]:
        obj = m.document
        if not isinstance(obj, dict) or not obj:
            continue
        out.append(RenderedObject(m.path, _ints(obj), m.events, m.weight, m.delete_policies))
    return out


def parse_documents(path: str, text: str) -> list[RenderedObject]:
    """The objects of one file in file order: for ``crds/`` files, which Helm neither renders nor sorts."""
    out: list[RenderedObject] = []
    for doc in split_manifests(text):
        obj = _head(path, doc).document
        if isinstance(obj, dict) and obj:
            out.append(RenderedObject(path, _ints(obj)))
    return out
