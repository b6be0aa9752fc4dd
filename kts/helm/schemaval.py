"""JSON Schema validation that fails the way Helm's validator does.

Helm v4 validates with santhosh-tekuri/jsonschema v6, whose messages (``minimum: got 2,
want 5``), error tree (one ``validation failed`` group per schema with several failures, a
type mismatch reported alone) and compile errors (the schema checked against its draft's
metaschema, dangling references) Helm prints verbatim. This module evaluates keywords in the
same order and builds the same tree. Content keywords stay annotations, as Helm leaves them;
remote (http) references are not fetched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

ROOT_URL = "file:///values.schema.json"

_DRAFTS = {
    "http://json-schema.org/draft-04/schema": 4,
    "http://json-schema.org/draft-06/schema": 6,
    "http://json-schema.org/draft-07/schema": 7,
    "https://json-schema.org/draft/2019-09/schema": 2019,
    "https://json-schema.org/draft/2020-12/schema": 2020,
}
_META_OF = {v: k for k, v in _DRAFTS.items()}
_TYPE_ORDER = ("null", "boolean", "number", "integer", "string", "array", "object")


class SchemaCompileError(Exception):
    """The schema itself is unusable; ``str()`` is the validator's message."""


class Num:
    """A JSON number as written in a schema document (Go's ``json.Number``)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = Fraction(text)


class Invalid:
    """A value with no JSON type (reported as ``invalid jsonType``)."""

    __slots__ = ("go_type",)

    def __init__(self, go_type: str) -> None:
        self.go_type = go_type


def go_quote(s: str) -> str:
    from kts.gotemplate.strconv import quote

    q = quote(s).replace('\\"', '"').replace("'", "\\'")
    return "'" + q[1:-1] + "'"


def _escape(tok: str) -> str:
    return tok.replace("~", "~0").replace("/", "~1")


def json_ptr(tokens: tuple[str, ...]) -> str:
    return "".join("/" + _escape(t) for t in tokens)


@dataclass
class VError:
    """One node of the error tree: ``at '<loc>': <text>`` with nested causes."""

    loc: tuple[str, ...]
    text: str
    kind: str = ""  # "group", "ref", "schema" or "" (a keyword's own failure)
    causes: list[VError] = field(default_factory=list)

    def display(self, out: list[str], indent: int = 0) -> None:
        if not (self.kind == "ref" and len(self.causes) == 1):
            if indent > 0:
                out.append("\n" + "  " * (indent - 1) + "- ")
            indent += 1
            if self.kind == "schema":
                out.append(self.text)
            else:
                out.append(f"at {go_quote(json_ptr(self.loc))}: {self.text}")
        for cause in self.causes:
            cause.display(out, indent)

    def __str__(self) -> str:
        out: list[str] = []
        self.display(out)
        return "".join(out)


# -- values -----------------------------------------------------------------------------


def type_of(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Num, Fraction)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "invalid"


def _rat(v: Any) -> Fraction:
    if isinstance(v, Num):
        return v.value
    if isinstance(v, float):
        return Fraction(repr(v))
    return Fraction(v)


def _is_integer(v: Any) -> bool:
    return _rat(v).denominator == 1


def _go_float(r: Fraction) -> str:
    from kts.gotemplate.strconv import format_float

    return format_float(float(r), "g")


def equals(a: Any, b: Any) -> bool:
    ta, tb = type_of(a), type_of(b)
    if ta != tb:
        return False
    if ta == "number":
        return _rat(a) == _rat(b)
    if ta == "array":
        return len(a) == len(b) and all(equals(x, y) for x, y in zip(a, b, strict=True))
    if ta == "object":
        return a.keys() == b.keys() and all(equals(a[k], b[k]) for k in a)
    return bool(a == b)


def display(v: Any) -> str:
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, (list, dict)):
        return "value"
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Num):
        return v.text
    if isinstance(v, float):
        return _go_float(_rat(v))
    return str(v)


# -- documents and references -----------------------------------------------------------


_SINGLE = ("additionalProperties", "propertyNames", "additionalItems", "items", "contains", "not",
           "if", "then", "else", "unevaluatedProperties", "unevaluatedItems", "contentSchema")
_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies")
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")


def subschemas(s: dict[str, Any]) -> list[tuple[str, Any]]:
    """``(pointer suffix, subschema)`` for every subschema ``s`` holds directly."""
    out: list[tuple[str, Any]] = []
    for kw in _SINGLE:
        if isinstance(s.get(kw), (dict, bool)):
            out.append(("/" + _escape(kw), s[kw]))
    for kw in _MAPS:
        if isinstance(s.get(kw), dict):
            out.extend((f"/{_escape(kw)}/{_escape(k)}", sub) for k, sub in s[kw].items()
                       if isinstance(sub, (dict, bool)))
    for kw in _LISTS:
        if isinstance(s.get(kw), list):
            out.extend((f"/{kw}/{i}", sub) for i, sub in enumerate(s[kw]) if isinstance(sub, (dict, bool)))
    return out


@dataclass
class Doc:
    """A loaded schema document with its resources (``$id``) and anchors indexed."""

    url: str
    root: Any
    draft: int
    resources: dict[str, str] = field(default_factory=dict)  # resource url -> pointer
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (resource, name) -> pointer
    dynamic: dict[str, dict[str, str]] = field(default_factory=dict)  # resource -> name -> pointer
    base_of: dict[str, str] = field(default_factory=dict)  # pointer -> resource url

    def index(self) -> None:
        self.resources[self.url] = ""
        self._walk(self.root, "", self.url)

    def _walk(self, s: Any, ptr: str, base: str) -> None:
        if not isinstance(s, dict):
            self.base_of[ptr] = base
            return
        ident = s.get("id" if self.draft == 4 else "$id")
        if self.draft < 2019 and "$ref" in s:
            ident = None  # every other keyword beside an old draft's $ref is ignored
        if isinstance(ident, str):
            _check_id(ident, f"{self.url}#{ptr}")
            url, frag = urldefrag(join_url(base, ident))
            if url and (url != base or not ptr):
                base = url
                self.resources.setdefault(base, ptr)
            if frag and self.draft < 2019:
                self.anchors[(base, frag)] = ptr
        self.base_of[ptr] = base
        for kw in ("$anchor", "$dynamicAnchor"):
            if isinstance(s.get(kw), str) and self.draft >= 2019:
                self.anchors[(base, s[kw])] = ptr
                if kw == "$dynamicAnchor":
                    self.dynamic.setdefault(base, {})[s[kw]] = ptr
        for suffix, sub in subschemas(s):
            self._walk(sub, ptr + suffix, base)


@dataclass(frozen=True, eq=False)
class Node:
    """A schema inside a document: its value, document and JSON pointer."""

    value: Any
    doc: Doc
    ptr: str

    @property
    def base(self) -> str:
        return self.doc.base_of.get(self.ptr, self.doc.url)

    @property
    def location(self) -> str:
        return f"{self.doc.url}#{self.ptr}"

    def child(self, suffix: str, value: Any) -> Node:
        return Node(value, self.doc, self.ptr + suffix)


def _check_id(ident: str, where: str) -> None:
    """An ``$id`` Go's ``url.Parse`` refuses fails the whole schema, as in the validator."""
    from kts.gotemplate.strconv import go_bytes
    from kts.helm.schemaformat import FormatError, go_parse_url

    ref = ident.partition("#")[0]
    if ref:
        try:
            go_parse_url(go_bytes(ref))
        except FormatError:
            raise SchemaCompileError(f'error in parsing id at "{where}"') from None


def join_url(base: str, ref: str) -> str:
    """``ref`` resolved against ``base``.

    Python's parser refuses some hosts Go's accepts (``http://a]b/``); such a reference
    is taken as it is written.
    """
    try:
        return urljoin(base, ref)
    except ValueError:
        return ref


def _pointer_get(root: Any, ptr: str) -> Any:
    cur = root
    for raw in ptr.split("/")[1:]:
        tok = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict) and tok in cur:
            cur = cur[tok]
        elif isinstance(cur, list) and tok.isdigit() and int(tok) < len(cur):
            cur = cur[int(tok)]
        else:
            raise KeyError(tok)
    return cur


def draft_of(root: Any, default: int = 2020) -> int:
    if isinstance(root, dict) and isinstance(root.get("$schema"), str):
        url = urldefrag(root["$schema"])[0]
        if url in _DRAFTS:
            return _DRAFTS[url]
        raise SchemaCompileError(f'failing loading "{root["$schema"]}": remote metaschemas are not fetched')
    return default


class Registry:
    """The documents a validation can reach: the chart's schema and the metaschemas."""

    def __init__(self, root_doc: Doc) -> None:
        self.docs: dict[str, Doc] = {}
        self.add(root_doc)

    def add(self, doc: Doc) -> None:
        doc.index()
        self.docs[doc.url] = doc

    def _doc_for(self, url: str) -> tuple[Doc, str]:
        for doc in self.docs.values():
            if url in doc.resources:
                return doc, doc.resources[url]
        if url in self.docs:
            return self.docs[url], ""
        return self._load(url), ""

    def _load(self, url: str) -> Doc:
        if url.startswith("urn:"):
            doc = Doc(url, True, 2020)
        elif url.rstrip("#") in _DRAFTS:
            from jsonschema_specifications import REGISTRY

            contents = REGISTRY.contents(url.rstrip("#"))
            doc = Doc(url, contents, draft_of(contents))
        elif url.startswith("https://json-schema.org/draft/"):
            from jsonschema_specifications import REGISTRY

            try:
                contents = REGISTRY.contents(url)
            except Exception:
                raise SchemaCompileError(f'failing loading "{url}": not found') from None
            doc = Doc(url, contents, draft_of(contents))
        elif url.startswith("file://"):
            from kts.helm.gojson import GoJSONError, loads

            path = unquote(url[len("file://"):])
            try:
                with open(path, "rb") as fh:
                    contents = loads(fh.read())
            except OSError as exc:
                reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
                raise SchemaCompileError(f'failing loading "{url}": open {path}: {reason}') from None
            except GoJSONError as exc:
                raise SchemaCompileError(f'failing loading "{url}": {exc}') from None
            doc = Doc(url, contents, draft_of(contents))
        else:
            raise SchemaCompileError(f'failing loading "{url}": remote schemas are not fetched')
        self.add(doc)
        return doc

    def resolve(self, base: str, ref: str) -> Node:
        url, frag = urldefrag(ref if ref.startswith("urn:") else join_url(base, ref))
        doc, res_ptr = self._doc_for(url)
        if frag == "" or frag.startswith("/"):
            ptr = res_ptr + frag
            try:
                value = _pointer_get(doc.root, ptr)
            except KeyError:
                where = f"{doc.url}#{ptr}" if res_ptr else f"{url}#{frag}"
                if url != doc.url and not res_ptr:
                    where = f"{doc.url}#{frag}"
                raise SchemaCompileError(f'json-pointer in "{where}" not found') from None
            return Node(value, doc, ptr)
        res_url = doc.base_of.get(res_ptr, doc.url)
        ptr = doc.anchors.get((res_url, frag))  # type: ignore[assignment]
        if ptr is None:
            raise SchemaCompileError(f'anchor in "{url}#{frag}" not found in schema "{url}"')
        return Node(_pointer_get(doc.root, ptr), doc, ptr)
