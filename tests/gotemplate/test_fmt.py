"""fmt on Go values that templates cannot build directly (bytes, sized ints, structs).

Expected strings follow Go's documented fmt output for these types; everything a template
can produce is compared with real Helm in test_fmt_oracle.py.
"""

from __future__ import annotations

from typing import ClassVar

from kts.gotemplate.fmt import format_value, sort_key, sprint, sprintf, sprintln
from kts.gotemplate.gotypes import GoMap, GoObject, GoSlice, Int32, Int64, Uint8, Uint64
from kts.gotemplate.strconv import can_backquote, format_float, quote, quote_to_ascii


class Point(GoObject):
    go_type = "main.Point"
    go_fields: ClassVar[tuple[str, ...]] = ("X", "Label")

    def __init__(self, x: int, label: str) -> None:
        self.X = x
        self.Label = label


class PointPtr(Point):
    go_type = "*main.Point"
    go_kind = "ptr"


class Version(GoObject):
    go_type = "*semver.Version"
    go_kind = "ptr"

    def go_string(self) -> str:
        return "1.2.3"


def test_bytes() -> None:
    assert sprint(b"hi") == "[104 105]"
    assert sprintf("%s|%x|%X|% x|%q", b"hi", b"hi", b"hi", b"hi", b"hi") == 'hi|6869|6869|68 69|"hi"'
    assert sprintf("%#v", b"hi") == "[]byte{0x68, 0x69}"
    assert sprintf("%o", b"\x08") == "[10]"
    assert sprintf("%s", GoSlice([104, 105], "uint8")) == "hi"


def test_sized_integers() -> None:
    assert sprintf("%v %#v %d %x", Uint8(200), Uint8(200), Uint8(200), Uint8(200)) == "200 0xc8 200 c8"
    assert sprintf("%x %d", Int32(-5), Int64(-(2**63))) == "-5 -9223372036854775808"
    assert sprintf("%d %x", Uint64(2**64 - 1), Uint64(2**64 - 1)) == "18446744073709551615 ffffffffffffffff"
    assert sprintf("%T %T %T", Uint8(1), Int32(1), Int64(1)) == "uint8 int32 int64"
    assert sprintf("%*d|", Uint8(4), 7) == "   7|"


def test_structs_pointers_and_stringers() -> None:
    p = Point(1, "x")
    assert format_value(p) == "{1 x}"
    assert sprintf("%+v", p) == "{X:1 Label:x}"
    assert sprintf("%#v", p) == 'main.Point{X:1, Label:"x"}'
    assert sprintf("%v", PointPtr(2, "y")) == "&{2 y}"
    assert sprintf("%#v", PointPtr(2, "y")) == '&main.Point{X:2, Label:"y"}'
    assert sprintf("%d", p) == "{1 %!d(string=x)}"
    v = Version()
    assert sprintf("%v|%s|%q|%x|%T", v, v, v, v, v) == '1.2.3|1.2.3|"1.2.3"|312e322e33|*semver.Version'
    assert sprint([v, {"k": v}]) == "[1.2.3 map[k:1.2.3]]"


def test_complex_and_typed_maps() -> None:
    assert sprint(1 + 2j) == "(1+2i)"
    assert sprintf("%.1f", complex(1.25, -0.5)) == "(1.2-0.5i)"
    m = GoMap({"b": "2", "a": "1"}, elem="string")
    want = 'map[a:1 b:2] map[string]string{"a":"1", "b":"2"} map[string]string'
    assert sprintf("%v %#v %T", m, m, m) == want


def test_map_keys_sort_like_go() -> None:
    assert sprint({"b": 1, "B": 2, "\u00e9": 3, "a": 4}) == "map[B:2 a:4 b:1 \u00e9:3]"
    assert sorted([3, -1, 2.5], key=sort_key) == [-1, 2.5, 3]


def test_sprint_spacing_and_sprintln() -> None:
    assert sprint("a", "b", 1, 2, "c") == "ab1 2c"
    assert sprint(None, None) == "<nil> <nil>"
    assert sprintln("a", 1, None) == "a 1 <nil>\n"


def test_strconv_helpers() -> None:
    assert quote("\ud800x") == '"\\ufffdx"'
    assert quote("\udcff") == '"\\xff"'
    assert quote_to_ascii("\U0001f600\u00e9") == '"\\U0001f600\\u00e9"'
    assert can_backquote("a\tb") and not can_backquote("a`b") and not can_backquote("\ufeff")
    assert format_float(2.5, "f", 0) == "2" and format_float(3.5, "f", 0) == "4"
    assert format_float(1e21, "g") == "1e+21" and format_float(123456789.0, "e", 2) == "1.23e+08"
