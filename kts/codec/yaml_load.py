"""Decode YAML exactly as go-yaml v2 does into ``interface{}``.

PyYAML's scanner and parser are ports of the same libyaml code go-yaml embeds, so we use
their event stream, translate their error texts to libyaml's, and do go-yaml's own work on
top: node building (anchors may be redefined), YAML 1.1 typing, merge keys, alias checks.
"""

from __future__ import annotations

import base64
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import yaml as pyyaml
from yaml import events as ev

from kts.codec import stackless
from kts.codec.stackless import Step
from kts.codec.yaml_resolve import BINARY, MERGE, STR, ResolveError, resolve


class GoYAMLError(ValueError):
    """A go-yaml failure; ``str()`` is Go's text (``yaml: line 3: ...``)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(eq=False)
class Node:
    kind: str  # "scalar" | "seq" | "map" | "alias"
    line: int
    tag: str = ""
    value: str = ""
    implicit: bool = False
    children: list[Node] = field(default_factory=list)
    alias: Node | None = None


MAX_DEPTH = 10000  # go-yaml's max_flow_level and max_indents
_DEPTH_PROBLEM = f"exceeded max depth of {MAX_DEPTH}"

_BLANKZ = "\0 \t\r\n\x85\u2028\u2029"
_SPACES = re.compile(" *")
_COMMENT_RUN = re.compile("[^\0\r\n\x85\u2028\u2029\ufeff]*")
_BLOCK_PLAIN_RUN = re.compile("[^\0 \t\r\n\x85\u2028\u2029\ufeff:]*")
_FLOW_PLAIN_RUN = re.compile("[^\0 \t\r\n\x85\u2028\u2029\ufeff:,?\\[\\]{}]*")
_BLANK_OR_BREAK = " \t\r\n\x85\u2028\u2029"


class _EventSource(pyyaml.reader.Reader, pyyaml.scanner.Scanner, pyyaml.parser.Parser):
    """PyYAML's reader, scanner and parser, with libyaml's rules where PyYAML departs from them
    (tabs as separators, tabs and ``:`` inside plain scalars)."""

    allow_simple_key: bool

    # go-yaml knows ``\\'`` but not ``\\/`` in double-quoted scalars.
    ESCAPE_REPLACEMENTS = {**{k: v for k, v in pyyaml.scanner.Scanner.ESCAPE_REPLACEMENTS.items()
                              if k != "/"}, "'": "'"}

    def __init__(self, text: str) -> None:
        pyyaml.reader.Reader.__init__(self, text)
        pyyaml.scanner.Scanner.__init__(self)
        pyyaml.parser.Parser.__init__(self)
        # Saved keys in the order they were met, which is also their order in the text.
        self.possible_simple_keys: OrderedDict[int, Any] = OrderedDict()

    # -- linear simple-key bookkeeping --------------------------------------------------------
    # PyYAML scans every saved key of every flow level before each token, which is quadratic
    # in the nesting depth. Keys are saved in text order, so the stale ones (on an earlier line
    # or more than 1024 characters back) are always the oldest: go-yaml checks them lazily, in
    # the same order, with the same errors.

    def next_possible_simple_key(self) -> int | None:
        keys = self.possible_simple_keys
        if not keys:
            return None
        return keys[next(iter(keys))].token_number  # type: ignore[no-any-return]

    def stale_possible_simple_keys(self) -> None:
        keys = self.possible_simple_keys
        while keys:
            level = next(iter(keys))
            key = keys[level]
            if key.line == self.line and self.index - key.index <= 1024:
                return
            if key.required:
                raise pyyaml.scanner.ScannerError("while scanning a simple key", key.mark,
                                                  "could not find expected ':'", self.get_mark())
            del keys[level]

    # -- go-yaml's depth limits (scannerc.go: max_flow_level, max_indents) --------------------

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            self.save_possible_simple_key()
            raise pyyaml.scanner.ScannerError("while increasing flow level", self.get_mark(),
                                              _DEPTH_PROBLEM, self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        if self.indent < column and len(self.indents) >= MAX_DEPTH:
            raise pyyaml.scanner.ScannerError("while increasing indent level", self.get_mark(),
                                              _DEPTH_PROBLEM, self.get_mark())
        return super().add_indent(column)  # type: ignore[no-any-return]

    def scan_yaml_directive_value(self, start_mark: Any) -> tuple[int, int]:
        while self.peek() in " \t":
            self.forward()
        major = self.scan_yaml_directive_number(start_mark)
        if self.peek() != ".":
            raise pyyaml.scanner.ScannerError(
                "while scanning a directive", start_mark,
                f"expected a digit or '.', but found {self.peek()!r}", self.get_mark())
        self.forward()
        return major, self.scan_yaml_directive_number(start_mark)

    def scan_directive_ignored_line(self, start_mark: Any) -> None:
        self._scan_ignored_line("while scanning a directive", start_mark)

    def _scan_ignored_line(self, context: str, start_mark: Any) -> None:
        """Blanks and an optional comment up to the line break, as libyaml allows them."""
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0\r\n\x85\u2028\u2029":
                self.forward()
        ch = self.peek()
        if ch not in "\0\r\n\x85\u2028\u2029":
            raise pyyaml.scanner.ScannerError(
                context, start_mark, f"expected a comment or a line break, but found {ch!r}", self.get_mark())
        self.scan_line_break()

    def process_directives(self) -> Any:
        # go-yaml accepts only %YAML 1.1 (PyYAML merely warns about other minor versions).
        start = self.peek_token().start_mark
        result = super().process_directives()
        if self.yaml_version not in (None, (1, 1)):
            raise pyyaml.parser.ParserError(None, None, "found incompatible YAML document", start)
        return result

    def scan_block_scalar_indicators(self, start_mark: Any) -> tuple[bool | None, int | None]:
        # libyaml lets a comment or blanks follow the indicators directly.
        chomping: bool | None = None
        increment: int | None = None
        ch = self.peek()
        if ch in "+-":
            chomping = ch == "+"
            self.forward()
            ch = self.peek()
            if ch in "0123456789":
                increment = self._scan_indentation_indicator(start_mark)
        elif ch in "0123456789":
            increment = self._scan_indentation_indicator(start_mark)
            ch = self.peek()
            if ch in "+-":
                chomping = ch == "+"
                self.forward()
        return chomping, increment

    def _scan_indentation_indicator(self, start_mark: Any) -> int:
        increment = int(self.peek())
        if increment == 0:
            raise pyyaml.scanner.ScannerError(
                "while scanning a block scalar", start_mark,
                "expected indentation indicator in the range 1-9, but found 0", self.get_mark())
        self.forward()
        return increment

    def scan_block_scalar_ignored_line(self, start_mark: Any) -> None:
        self._scan_ignored_line("while scanning a block scalar", start_mark)

    def scan_to_next_token(self) -> None:
        found = False
        while not found:
            if self.column == 0 and self.peek() == "\ufeff":
                self.forward()
            # libyaml: tabs separate tokens in flow context and where no simple key may start.
            while True:
                self._advance_run(_SPACES)
                if (self.flow_level or not self.allow_simple_key) and self.peek() == "\t":
                    self.forward()
                    continue
                break
            if self.peek() == "#":
                self._advance_run(_COMMENT_RUN)
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                found = True

    def _advance_run(self, pattern: re.Pattern[str]) -> str:
        """Consume the run ``pattern`` matches here at once (PyYAML's ``forward`` goes a character
        at a time); runs hold no line break and no BOM, so only the column moves."""
        run: str = pattern.match(self.buffer, self.pointer).group()  # type: ignore[union-attr]
        if run:
            n = len(run)
            self.pointer += n
            self.index += n
            self.column += n
        return run

    def scan_plain(self) -> Any:
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        leading_break = ""
        trailing_breaks: list[str] = []
        whitespaces = ""
        leading_blanks = False
        while True:
            if (self.column == 0 and self.prefix(3) in ("---", "...")
                    and self.peek(3) in _BLANKZ):
                break
            if self.peek() == "#":
                break
            while self.peek() not in _BLANKZ:
                ch = self.peek()
                if (ch == ":" and self.peek(1) in _BLANKZ) or (self.flow_level and ch in ",?[]{}"):
                    break
                if leading_blanks:
                    if leading_break == "\n":
                        chunks.append("".join(trailing_breaks) if trailing_breaks else " ")
                    else:
                        chunks.append(leading_break)
                        chunks.extend(trailing_breaks)
                    trailing_breaks = []
                    leading_break = ""
                    leading_blanks = False
                elif whitespaces:
                    chunks.append(whitespaces)
                    whitespaces = ""
                chunks.append(ch)
                self.forward()
                run = self._advance_run(_FLOW_PLAIN_RUN if self.flow_level else _BLOCK_PLAIN_RUN)
                if run:
                    chunks.append(run)
                end_mark = self.get_mark()
            if self.peek() not in _BLANK_OR_BREAK:
                break
            while self.peek() in _BLANK_OR_BREAK:
                ch = self.peek()
                if ch in " \t":
                    if leading_blanks and self.column < indent and ch == "\t":
                        raise pyyaml.scanner.ScannerError(
                            "while scanning a plain scalar", start_mark,
                            "found a tab character that violates indentation", self.get_mark())
                    if not leading_blanks:
                        whitespaces += ch
                    self.forward()
                elif not leading_blanks:
                    whitespaces = ""
                    leading_break = self.scan_line_break()
                    leading_blanks = True
                else:
                    trailing_breaks.append(self.scan_line_break())
            if not self.flow_level and self.column < indent:
                break
        if leading_blanks:
            self.allow_simple_key = True
        return pyyaml.tokens.ScalarToken("".join(chunks), True, start_mark, end_mark)


# PyYAML problem texts -> libyaml's (the first match wins; groups are not used).
_PROBLEMS: list[tuple[str, str]] = [
    (r"mapping values are not allowed here", "mapping values are not allowed in this context"),
    (r"mapping keys are not allowed here", "mapping keys are not allowed in this context"),
    (r"sequence entries are not allowed here", "block sequence entries are not allowed in this context"),
    (r"found character .* that cannot start any token", "found character that cannot start any token"),
    (r"found a tab character that violates indentation", "found a tab character that violates indentation"),
    (r"could not find expected ':'", "could not find expected ':'"),
    (r"found unexpected end of stream", "found unexpected end of stream"),
    (r"found unexpected document separator", "found unexpected document indicator"),
    (r"found unknown escape character", "found unknown escape character"),
    (r"expected escape sequence of", "did not find expected hexdecimal number"),
    (r"expected the node content", "did not find expected node content"),
    (r"expected ',' or '\]'", "did not find expected ',' or ']'"),
    (r"expected ',' or '\}'", "did not find expected ',' or '}'"),
    (r"expected '<document start>'", "did not find expected <document start>"),
    (r"found undefined tag handle", "found undefined tag handle"),
    (r"expected a comment or a line break", "did not find expected comment or line break"),
    (r"expected chomping or indentation indicators", "did not find expected comment or line break"),
    (r"expected indentation indicator in the range 1-9", "found an indentation indicator equal to 0"),
    (r"expected alphabetic or numeric character", "did not find expected alphabetic or numeric character"),
    (r"invalid indentation or unclosed", "did not find expected ',' or ']'"),
    (r"found duplicate YAML directive", "found duplicate %YAML directive"),
    (r"expected a digit or ' '", "did not find expected comment or line break"),
    (r"expected a digit or '\.'", "did not find expected digit or '.' character"),
    (r"expected a digit, but found", "did not find expected version number"),
    (r"found incompatible YAML document", "found incompatible YAML document"),
    (r"duplicate tag handle", "found duplicate %TAG directive"),
    (r"expected '>'", "did not find the expected '>'"),
    (r"expected ' ', but found", "did not find expected whitespace or line break"),
    (r"expected URI", "did not find expected whitespace or line break"),
    (r"unacceptable character", "control characters are not allowed"),
    (r"exceeded max depth of", _DEPTH_PROBLEM),
]


def _translate(exc: pyyaml.MarkedYAMLError, last_event: Any = None, source: str = "") -> GoYAMLError:
    problem = exc.problem or ""
    context = exc.context or ""
    text = problem
    for pattern, go_text in _PROBLEMS:
        if re.search(pattern, problem):
            text = go_text
            break
    else:
        if problem.startswith("expected <block end>"):
            text = ("did not find expected '-' indicator" if "collection" in context
                    else "did not find expected key")
    if ("'\\t'" in problem and isinstance(last_event, ev.ScalarEvent)
            and last_event.style in ("|", ">")):
        text = "found a tab character where an indentation space is expected"
    problem_line = exc.problem_mark.line if exc.problem_mark is not None else 0
    context_line = exc.context_mark.line if exc.context_mark is not None else 0
    scanner = isinstance(exc, (pyyaml.scanner.ScannerError, pyyaml.reader.ReaderError))
    if isinstance(exc, pyyaml.reader.ReaderError):
        return GoYAMLError("yaml: " + text, None)
    mark = exc.problem_mark
    at_end = mark is not None and mark.index >= len(source) and mark.column != 0
    if at_end and (not scanner or text == "could not find expected ':'"):
        # libyaml ends the stream on a fresh line when the text lacks a final line break.
        problem_line += 1
    line = 0
    if problem_line != 0:
        line = problem_line + (1 if scanner else 0)
    elif context_line != 0:
        line = context_line
    if line:
        return GoYAMLError(f"yaml: line {line}: {text}", line)
    return GoYAMLError("yaml: " + text, None)


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None

_EMPTY_FLOW = re.compile(r"\[\]|\{\}")
# Inside flow collections newer libyaml ends a plain scalar at ``?`` and at ``:`` before a
# flow indicator, and reads local tags differently; go-yaml's port does neither.
_FLOW_COLON = re.compile(r":[,?\[\]{}]")


def _fast_path_ok(text: str) -> bool:
    """Whether the C libyaml parser may stand in for go-yaml's older port of it.

    Newer libyaml reads ``?``, ``:`` and tags inside flow collections differently, accepts
    ``%YAML 1.2`` and the ``\\/`` escape, and go-yaml treats tabs its own way, so only texts
    free of those constructs take the fast path (errors are always re-parsed by the Python
    path for go-yaml's exact messages).
    """
    if (_CParser is None or "\t" in text or "\\/" in text or text.startswith("%")
            or "\n%" in text or "\r%" in text):
        return False
    if "[" in text or "{" in text:
        stripped = _EMPTY_FLOW.sub("", text)
        if "[" in stripped or "{" in stripped:
            return "?" not in text and "!" not in text and _FLOW_COLON.search(text) is None
    return True


class _Composer:
    """go-yaml's parser.go: events to nodes; an anchor names the latest node defining it."""

    def __init__(self, text: str, fast: bool = False) -> None:
        self.src = _CParser(text) if fast else _EventSource(text)
        self.anchors: dict[str, Node] = {}
        self.last_event: Any = None

    def next(self) -> Any:
        self.last_event = self.src.get_event()
        return self.last_event

    def peek(self) -> Any:
        return self.src.peek_event()

    def first_document(self) -> Node | None:
        self.next()  # stream start
        if isinstance(self.peek(), ev.StreamEndEvent):
            return None
        self.next()  # document start
        node = self.node()
        self.next()  # document end
        return node

    def node(self) -> Node:
        """The next node, its collections filled in document order (no recursion: the text may
        nest as deep as go-yaml's limits)."""
        open_: list[Node] = []
        while True:
            event = self.next()
            line = event.start_mark.line
            cls = type(event)
            n: Node
            if cls is ev.ScalarEvent:
                if event.style == '"' and any(0xD800 <= ord(c) <= 0xDFFF for c in event.value):
                    where = f"line {line + 1}: " if line else ""
                    raise GoYAMLError(f"yaml: {where}found invalid Unicode character escape code",
                                      line + 1 if line else None)
                n = Node("scalar", line, tag=_tag(event.tag), value=event.value,
                         implicit=bool(event.implicit[0]))
                self._anchor(event, n)
            elif cls is ev.SequenceStartEvent or cls is ev.MappingStartEvent:
                n = Node("seq" if cls is ev.SequenceStartEvent else "map", line, tag=_tag(event.tag))
                self._anchor(event, n)
                open_.append(n)
                continue
            elif cls is ev.SequenceEndEvent or cls is ev.MappingEndEvent:
                n = open_.pop()
            elif cls is ev.AliasEvent:
                target = self.anchors.get(event.anchor)
                if target is None:
                    raise GoYAMLError(f"yaml: unknown anchor '{event.anchor}' referenced")
                n = Node("alias", line, value=event.anchor, alias=target)
            else:
                raise GoYAMLError(f"yaml: attempted to parse unknown event: {cls.__name__}")
            if not open_:
                return n
            open_[-1].children.append(n)

    def _anchor(self, event: Any, n: Node) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = n


def _tag(tag: str | None) -> str:
    return tag or ""


_READER_BAD = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reader_check(text: str) -> None:
    """go-yaml's reader: raw bytes that are not UTF-8 (surrogate-escaped) and control characters."""
    m = _READER_BAD.search(text)
    if m is None:
        return
    if not "\udc80" <= m.group() <= "\udcff":
        raise GoYAMLError("yaml: control characters are not allowed")
    data = text[m.start():].encode("utf-8", "surrogateescape")
    i = 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            width, value = 1, b
        elif b & 0xE0 == 0xC0:
            width, value = 2, b & 0x1F
        elif b & 0xF0 == 0xE0:
            width, value = 3, b & 0x0F
        elif b & 0xF8 == 0xF0:
            width, value = 4, b & 0x07
        else:
            raise GoYAMLError("yaml: invalid leading UTF-8 octet")
        if i + width > len(data):
            raise GoYAMLError("yaml: incomplete UTF-8 octet sequence")
        for k in range(1, width):
            t = data[i + k]
            if t & 0xC0 != 0x80:
                raise GoYAMLError("yaml: invalid trailing UTF-8 octet")
            value = (value << 6) + (t & 0x3F)
        if not (width == 1 or (width == 2 and value >= 0x80) or (width == 3 and value >= 0x800)
                or (width == 4 and value >= 0x10000)):
            raise GoYAMLError("yaml: invalid length of a UTF-8 sequence")
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            raise GoYAMLError("yaml: invalid Unicode character")
        if not (value in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= value <= 0x7E or 0xA0 <= value <= 0xD7FF
                or 0xE000 <= value <= 0xFFFD or 0x10000 <= value <= 0x10FFFF):
            raise GoYAMLError("yaml: control characters are not allowed")
        i += width


def parse_first_document(text: str) -> Node | None:
    """The node tree of the first document (later documents are never read), or None."""
    _reader_check(text)
    if _fast_path_ok(text):
        try:
            return _Composer(text, fast=True).first_document()
        except (pyyaml.YAMLError, GoYAMLError):
            pass
    composer = _Composer(text)
    try:
        return composer.first_document()
    except pyyaml.MarkedYAMLError as exc:
        raise _translate(exc, composer.last_event, text) from None
    except pyyaml.reader.ReaderError as exc:
        raise GoYAMLError("yaml: control characters are not allowed") from exc


# ---------------------------------------------------------------------------------------------
# Decoding into interface{}: maps keep typed keys as (kind, value) pairs until stringified.


@dataclass(frozen=True)
class Key:
    """A Go map[interface{}] key: its kind keeps 1, 1.0 and true apart."""

    kind: str
    value: Any


def _key_kind(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint64" if value >= 1 << 63 else "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "binary"
    return "composite"


class Decoder:
    """go-yaml decode.go for an ``interface{}`` target (alias loop and expansion checks).

    Each method is the recursive Go function written as a ``stackless`` step: where Go recurses
    it yields a ``Node`` to decode, or a ``_Into``/``_Merge`` task, and receives the result.
    """

    def __init__(self) -> None:
        self.active_aliases: set[int] = set()
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0

    def decode(self, n: Node) -> Any:
        return stackless.run(self._step, n)

    def _step(self, task: Any) -> Step[Any]:
        if type(task) is Node:
            return self._decode(task)
        if type(task) is _Into:
            return self._mapping_into(task.node, task.out)
        return self._merge(task.node, task.out)

    def _decode(self, n: Node) -> Step[Any]:
        self.decode_count += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if (self.alias_count > 100 and self.decode_count > 1000
                and self.alias_count / self.decode_count > _allowed_alias_ratio(self.decode_count)):
            raise GoYAMLError("yaml: document contains excessive aliasing")
        kind = n.kind
        if kind == "scalar":
            return self.scalar(n)
        if kind == "seq":
            items: list[Any] = []
            for c in n.children:
                items.append((yield c))
            return items
        if kind == "alias":
            if id(n) in self.active_aliases:
                raise GoYAMLError(f"yaml: anchor '{n.value}' value contains itself")
            self.active_aliases.add(id(n))
            self.alias_depth += 1
            assert n.alias is not None
            value = yield n.alias
            self.alias_depth -= 1
            self.active_aliases.discard(id(n))
            return value
        out: dict[Key, Any] = {}
        yield _Into(n, out)
        return out

    def scalar(self, n: Node) -> Any:
        if n.tag == "" and not n.implicit:
            return n.value
        try:
            tag, value = resolve(n.tag, n.value)
        except ResolveError as exc:
            raise GoYAMLError(f"yaml: {exc}") from None
        if tag == BINARY:
            try:
                return base64.b64decode(value.replace("\r", "").replace("\n", "").encode(), validate=True)
            except (ValueError, UnicodeEncodeError):
                raise GoYAMLError("yaml: !!binary value contains invalid base64 data") from None
        if tag.endswith(":timestamp"):
            return n.value
        return value

    def _mapping_into(self, n: Node, out: dict[Key, Any]) -> Step[None]:
        kids = n.children
        for i in range(0, len(kids), 2):
            if _is_merge(kids[i]):
                yield _Merge(kids[i + 1], out)
                continue
            k = yield kids[i]
            if isinstance(k, (list, dict)):
                raise GoYAMLError(f"yaml: invalid map key: {_go_repr(k)}")
            out[Key(_key_kind(k), k)] = yield kids[i + 1]

    def _merge(self, n: Node, out: dict[Key, Any]) -> Step[None]:
        def want_map() -> GoYAMLError:
            return GoYAMLError("yaml: map merge requires map or sequence of maps as the value")

        if n.kind == "map":
            yield from self._merge_one(n, out)
        elif n.kind == "alias":
            if n.alias is not None and n.alias.kind != "map":
                raise want_map()
            yield from self._merge_one(n, out)
        elif n.kind == "seq":
            for child in reversed(n.children):
                if child.kind == "alias":
                    if child.alias is not None and child.alias.kind != "map":
                        raise want_map()
                elif child.kind != "map":
                    raise want_map()
                yield from self._merge_one(child, out)
        else:
            raise want_map()

    def _merge_one(self, n: Node, out: dict[Key, Any]) -> Step[None]:
        self.decode_count += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if n.kind == "alias":
            if id(n) in self.active_aliases:
                raise GoYAMLError(f"yaml: anchor '{n.value}' value contains itself")
            self.active_aliases.add(id(n))
            self.alias_depth += 1
            assert n.alias is not None
            self.decode_count += 1
            self.alias_count += 1
            yield _Into(n.alias, out)
            self.alias_depth -= 1
            self.active_aliases.discard(id(n))
        else:
            yield _Into(n, out)


@dataclass(frozen=True, eq=False)
class _Into:
    """Task: decode mapping ``node``'s pairs into ``out`` (go-yaml's d.mappingSlice/d.mapping)."""

    node: Node
    out: dict[Key, Any]


@dataclass(frozen=True, eq=False)
class _Merge:
    """Task: merge the value of a ``<<`` key into ``out``."""

    node: Node
    out: dict[Key, Any]


def _is_merge(n: Node) -> bool:
    return n.kind == "scalar" and n.value == "<<" and (n.implicit or n.tag == MERGE)


def _allowed_alias_ratio(count: int) -> float:
    low, high = 400000, 4000000
    if count <= low:
        return 0.99
    if count >= high:
        return 0.10
    return 0.99 - 0.89 * ((count - low) / (high - low))


def _go_repr(value: Any) -> str:
    if isinstance(value, dict):
        # fmt sorts map keys: by dynamic type (an address order in Go), then by value.
        rank = {"string": 0, "int": 1, "uint64": 2, "float64": 3, "bool": 4}
        items = sorted(value.items(), key=lambda kv: (rank.get(kv[0].kind, 5), str(kv[0].value)))
        inner = ", ".join(f"{_go_repr(k.value)}:{_go_repr(v)}" for k, v in items)
        return "map[interface {}]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_repr(v) for v in value) + "}"
    if isinstance(value, str):
        from kts.gotemplate.strconv import quote

        return quote(value)
    if value is None:
        return "interface {}(nil)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def decode_first_document(text: str) -> Any:
    """``yaml.Unmarshal(text, &v)`` with ``v interface{}``; maps have ``Key`` keys."""
    node = parse_first_document(text)
    if node is None:
        return None
    decoder = Decoder()
    decoder.decode_count = 1  # go-yaml counts the document node too
    return decoder.decode(node)


__all__ = ["STR", "Decoder", "GoYAMLError", "Key", "Node", "decode_first_document",
           "parse_first_document"]
