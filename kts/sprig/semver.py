"""Sprig's ``semver``/``semverCompare`` with Masterminds/semver v3.5 semantics.

``semver`` yields a ``*semver.Version`` object whose methods (``Major``, ``IncMinor``, ``Compare``...)
templates call; its ``Inc*``/``Set*`` methods return a ``semver.Version`` value, which (as in Go)
lacks the pointer-receiver methods such as ``Original`` and ``LessThan``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from kts.gotemplate.gotypes import FuncMap, GoError, GoObject, GoPanic, Signature, Uint64, gofunc
from kts.gotemplate.strconv import quote

_MAX_UINT64 = 2**64 - 1
_S = r"[\t\n\f\r ]"  # Go's \s
_LOOSE = re.compile(r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
                    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
                    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?\Z")
_CV = (r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
       r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
       r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_CONSTRAINT = re.compile(rf"{_S}*({_OPS}){_S}*({_CV}){_S}*\Z")
_RANGE = re.compile(rf"{_S}*({_CV}){_S}+-{_S}+({_CV}){_S}*")
_FIND = re.compile(rf"({_OPS}){_S}*({_CV})")
_VALID = re.compile(rf"({_S}*({_OPS}){_S}*({_CV}){_S}*)((?:{_S}+|,{_S}*)({_OPS}){_S}*({_CV}){_S}*)*\Z")
_NUM = frozenset("0123456789")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")


def _parse_uint(s: str) -> int | None:
    if not s or not set(s) <= _NUM:
        return None
    value = int(s)
    return value if value <= _MAX_UINT64 else None


def _segment(s: str) -> int:
    value = _parse_uint(s)
    if value is None:
        reason = "value out of range" if s and set(s) <= _NUM else "invalid syntax"
        raise GoError(f'error parsing version segment: strconv.ParseUint: parsing "{s}": {reason}')
    return value


def _validate_prerelease(p: str) -> None:
    for part in p.split("."):
        if part == "":
            raise GoError("invalid prerelease string")
        if set(part) <= _NUM:
            if len(part) > 1 and part[0] == "0":
                raise GoError("version segment starts with 0")
        elif not set(part) <= _ALLOWED:
            raise GoError("invalid prerelease string")


def _validate_metadata(m: str) -> None:
    for part in m.split("."):
        if part == "" or not set(part) <= _ALLOWED:
            raise GoError("invalid metadata string")


def _sig(*params: str, result: str, error: bool = False) -> Signature:
    return Signature(tuple(params), None, result, error)


_PTR = "*semver.Version"
_VALUE = "semver.Version"
_VALUE_METHODS = {
    "String": _sig(result="string"), "Major": _sig(result="uint64"), "Minor": _sig(result="uint64"),
    "Patch": _sig(result="uint64"), "Prerelease": _sig(result="string"), "Metadata": _sig(result="string"),
    "IncPatch": _sig(result=_VALUE), "IncMinor": _sig(result=_VALUE), "IncMajor": _sig(result=_VALUE),
    "SetPrerelease": _sig("string", result=_VALUE, error=True),
    "SetMetadata": _sig("string", result=_VALUE, error=True),
    "MarshalJSON": _sig(result="[]uint8", error=True), "MarshalText": _sig(result="[]uint8", error=True),
}
_POINTER_METHODS = {
    **_VALUE_METHODS, "Original": _sig(result="string"),
    "LessThan": _sig(_PTR, result="bool"), "LessThanEqual": _sig(_PTR, result="bool"),
    "GreaterThan": _sig(_PTR, result="bool"), "GreaterThanEqual": _sig(_PTR, result="bool"),
    "Equal": _sig(_PTR, result="bool"), "Compare": _sig(_PTR, result="int"),
}


class VersionValue(GoObject):
    """A ``semver.Version`` struct value (what the ``Inc*``/``Set*`` methods return)."""

    go_type = _VALUE
    go_kind = "struct"
    go_methods: ClassVar[dict[str, Signature]] = _VALUE_METHODS

    def __init__(self, major: int, minor: int, patch: int, pre: str = "", metadata: str = "",
                 original: str = "") -> None:
        self.major, self.minor, self.patch = major, minor, patch
        self.pre, self.metadata, self.original = pre, metadata, original

    def go_state(self) -> tuple[Any, ...]:
        return (self.major, self.minor, self.patch, self.pre, self.metadata, self.original)

    def go_string(self) -> str:
        return self.String()

    def go_deep_copy(self) -> VersionValue:
        # Every field is unexported, so a deep copy is the zero Version.
        return type(self)(0, 0, 0)

    def String(self) -> str:
        out = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            out += "-" + self.pre
        if self.metadata:
            out += "+" + self.metadata
        return out

    def Major(self) -> Uint64:
        return Uint64(self.major)

    def Minor(self) -> Uint64:
        return Uint64(self.minor)

    def Patch(self) -> Uint64:
        return Uint64(self.patch)

    def Prerelease(self) -> str:
        return self.pre

    def Metadata(self) -> str:
        return self.metadata

    def go_marshal_json(self) -> str:
        return '"' + self.String() + '"'

    def MarshalJSON(self) -> bytes:
        return self.go_marshal_json().encode()

    def MarshalText(self) -> bytes:
        return self.String().encode()

    def _next(self, **changes: Any) -> VersionValue:
        state = dict(zip(("major", "minor", "patch", "pre", "metadata"), self.go_state()[:5], strict=True))
        state.update(changes)
        out = VersionValue(**state)
        prefix = "v" if self.original[:1] == "v" else ""
        out.original = prefix + out.String()
        return out

    def IncPatch(self) -> VersionValue:
        if self.pre:
            return self._next(pre="", metadata="")
        if self.patch == _MAX_UINT64:
            raise GoPanic("patch version increment would overflow uint64")
        return self._next(pre="", metadata="", patch=self.patch + 1)

    def IncMinor(self) -> VersionValue:
        if self.minor == _MAX_UINT64:
            raise GoPanic("minor version increment would overflow uint64")
        return self._next(pre="", metadata="", patch=0, minor=self.minor + 1)

    def IncMajor(self) -> VersionValue:
        if self.major == _MAX_UINT64:
            raise GoPanic("major version increment would overflow uint64")
        return self._next(pre="", metadata="", patch=0, minor=0, major=self.major + 1)

    def SetPrerelease(self, prerelease: str) -> VersionValue:
        if prerelease:
            _validate_prerelease(prerelease)
        return self._next(pre=prerelease)

    def SetMetadata(self, metadata: str) -> VersionValue:
        if metadata:
            _validate_metadata(metadata)
        return self._next(metadata=metadata)


class Version(VersionValue):
    """A ``*semver.Version``, as ``semver`` returns it."""

    go_type = _PTR
    go_kind = "ptr"
    go_methods: ClassVar[dict[str, Signature]] = _POINTER_METHODS

    def Original(self) -> str:
        return self.original

    def Compare(self, o: VersionValue) -> int:
        return compare(self, o)

    def LessThan(self, o: VersionValue) -> bool:
        return compare(self, o) < 0

    def LessThanEqual(self, o: VersionValue) -> bool:
        return compare(self, o) <= 0

    def GreaterThan(self, o: VersionValue) -> bool:
        return compare(self, o) > 0

    def GreaterThanEqual(self, o: VersionValue) -> bool:
        return compare(self, o) >= 0

    def Equal(self, o: VersionValue | None) -> bool:
        if o is self:
            return True
        if o is None:
            return False
        return compare(self, o) == 0


def new_version(v: str) -> Version:
    """``semver.NewVersion`` (coercing: ``1.2`` is ``1.2.0``, leading zeros allowed)."""
    m = _LOOSE.match(v)
    if m is None:
        raise GoError("invalid semantic version")
    major = _segment(m.group(1))
    minor = _segment(m.group(2)[1:]) if m.group(2) else 0
    patch = _segment(m.group(3)[1:]) if m.group(3) else 0
    pre, metadata = m.group(5) or "", m.group(8) or ""
    if pre:
        _validate_prerelease(pre)
    if metadata:
        _validate_metadata(metadata)
    return Version(major, minor, patch, pre, metadata, v)


def _compare_pre_part(s: str, o: str) -> int:
    if s == o:
        return 0
    if s == "":
        return -1
    if o == "":
        return 1
    oi, si = _parse_uint(o), _parse_uint(s)
    if oi is None and si is None:
        return 1 if s > o else -1
    if oi is None:
        return -1
    if si is None:
        return 1
    return 1 if si > oi else -1


def _compare_prerelease(v: str, o: str) -> int:
    sparts, oparts = v.split("."), o.split(".")
    for i in range(max(len(sparts), len(oparts))):
        d = _compare_pre_part(sparts[i] if i < len(sparts) else "", oparts[i] if i < len(oparts) else "")
        if d:
            return d
    return 0


def compare(v: VersionValue, o: VersionValue) -> int:
    for a, b in ((v.major, o.major), (v.minor, o.minor), (v.patch, o.patch)):
        if a != b:
            return -1 if a < b else 1
    if not v.pre and not o.pre:
        return 0
    if not v.pre:
        return 1
    if not o.pre:
        return -1
    return _compare_prerelease(v.pre, o.pre)


# --- constraints ---------------------------------------------------------------------------


class _Constraint:
    def __init__(self, op: str, con: VersionValue, orig: str, dirty: bool = False,
                 minor_dirty: bool = False, patch_dirty: bool = False) -> None:
        self.op, self.con, self.orig = op, con, orig
        self.dirty, self.minor_dirty, self.patch_dirty = dirty, minor_dirty, patch_dirty

    def check(self, v: VersionValue, include_pre: bool) -> bool:
        if v.pre and not include_pre:
            return False
        return _OPS_TABLE[self.op](v, self)


def _is_x(s: str) -> bool:
    return s in ("x", "*", "X")


def _parse_constraint(c: str) -> _Constraint:
    if not c:
        return _Constraint("", Version(0, 0, 0, original="0.0.0"), c, dirty=True)
    m = _CONSTRAINT.match(c)
    if m is None:
        raise GoError(f"improper constraint: {_quote(c)}")
    major, minor, patch, pre = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
    ver = m.group(2)
    dirty = minor_dirty = patch_dirty = False
    if _is_x(major) or major == "":
        ver, dirty = f"0.0.0{pre}", True
    elif _is_x(minor[1:]) or minor == "":
        ver, dirty, minor_dirty = f"{major}.0.0{pre}", True, True
    elif _is_x(patch[1:]) or patch == "":
        ver, dirty, patch_dirty = f"{major}{minor}.0{pre}", True, True
    try:
        con = new_version(ver)
    except GoError:
        raise GoError("constraint parser error") from None
    return _Constraint(m.group(1), con, m.group(2), dirty, minor_dirty, patch_dirty)


def _rewrite_range(c: str) -> str:
    out = c
    for m in _RANGE.finditer(c):
        out = out.replace(m.group(0), f">= {m.group(1)}, <= {m.group(11)} ", 1)
    return out


def parse_constraints(c: str) -> list[tuple[list[_Constraint], bool]]:
    """``semver.NewConstraint``: OR groups of AND constraints, each with its has-prerelease flag."""
    groups = []
    for part in _rewrite_range(c).split("||"):
        if not _VALID.match(part):
            raise GoError(f"improper constraint: {_quote(part)}")
        found = [m.group(0) for m in _FIND.finditer(part)] or [part]
        cons = [_parse_constraint(s) for s in found]
        groups.append((cons, any(x.con.pre for x in cons)))
    return groups


def check(groups: list[tuple[list[_Constraint], bool]], v: VersionValue) -> bool:
    return any(all(c.check(v, has_pre) for c in cons) for cons, has_pre in groups)


def _not_equal(v: VersionValue, c: _Constraint) -> bool:
    if c.dirty:
        if c.con.major != v.major:
            return True
        if c.con.minor != v.minor and not c.minor_dirty:
            return True
        if c.minor_dirty:
            return False
        if c.con.patch != v.patch and not c.patch_dirty:
            return True
        if c.patch_dirty:
            if v.pre or c.con.pre:
                return _compare_prerelease(v.pre, c.con.pre) != 0
            return False
    return compare(v, c.con) != 0


def _greater(v: VersionValue, c: _Constraint) -> bool:
    if not c.dirty:
        return compare(v, c.con) == 1
    if v.major > c.con.major:
        return True
    if v.major < c.con.major or c.minor_dirty:
        return False
    if c.patch_dirty:
        return v.minor > c.con.minor
    return compare(v, c.con) == 1


def _less_equal(v: VersionValue, c: _Constraint) -> bool:
    if not c.dirty:
        return compare(v, c.con) <= 0
    if v.major > c.con.major:
        return False
    return not (v.major == c.con.major and v.minor > c.con.minor and not c.minor_dirty)


def _tilde(v: VersionValue, c: _Constraint) -> bool:
    if compare(v, c.con) < 0:
        return False
    if (c.con.major, c.con.minor, c.con.patch) == (0, 0, 0) and not c.minor_dirty and not c.patch_dirty:
        return True
    if v.major != c.con.major:
        return False
    return not (v.minor != c.con.minor and not c.minor_dirty)


def _tilde_or_equal(v: VersionValue, c: _Constraint) -> bool:
    if c.dirty:
        return _tilde(v, c)
    return compare(v, c.con) == 0


def _caret(v: VersionValue, c: _Constraint) -> bool:
    if compare(v, c.con) < 0:
        return False
    if c.con.major > 0 or c.minor_dirty:
        return v.major == c.con.major
    if v.major > 0:
        return False
    if c.con.minor > 0 or c.patch_dirty:
        return v.minor == c.con.minor
    if v.minor > 0:
        return False
    return c.con.patch == v.patch


_OPS_TABLE = {
    "": _tilde_or_equal, "=": _tilde_or_equal, "!=": _not_equal, ">": _greater,
    "<": lambda v, c: compare(v, c.con) < 0, ">=": lambda v, c: compare(v, c.con) >= 0,
    "=>": lambda v, c: compare(v, c.con) >= 0, "<=": _less_equal, "=<": _less_equal,
    "~": _tilde, "~>": _tilde, "^": _caret,
}


def _quote(s: str) -> str:
    """Go ``%q`` of the constraint texts these errors quote."""
    return quote(s)


@gofunc("string", result=_PTR, error=True)
def semver(version: str) -> Version:
    return new_version(version)


@gofunc("string", "string", result="bool", error=True)
def semverCompare(constraint: str, version: str) -> bool:
    groups = parse_constraints(constraint)
    return check(groups, new_version(version))


FUNCS: FuncMap = {"semver": semver, "semverCompare": semverCompare}
