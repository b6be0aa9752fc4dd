"""Go's fmt package (Sprint, Sprintln, Sprintf) over the kts Go value model.

Templates reach fmt through ``print``/``printf``/``println``, through ``{{ value }}``
output and through Sprig's ``toString``/``quote``; every byte must match Go, including
the ``%!verb(type=value)`` error inserts.
"""

from __future__ import annotations

import math
from typing import Any

from kts.gotemplate import strconv
from kts.gotemplate.deep import descend
from kts.gotemplate.gotypes import GoInt, GoObject, GoSlice, Uint8, go_type_of
from kts.gotemplate.limits import check_string
from kts.gotemplate.strconv import go_bytes, is_escaped_byte

__all__ = ["format_value", "sprint", "sprintf", "sprintln"]

_LDIGITS = "0123456789abcdefx"
_UDIGITS = "0123456789ABCDEFX"
_TOO_LARGE = 1_000_000
# Nested containers print recursively, as Go's do; every _HOP_DEPTH levels the printing charges
# the frames below it (print_value -> print_map -> print_value) and may move to a fresh thread.
_HOP_DEPTH = 200
_HOP_COST = 3 * _HOP_DEPTH


def _is_unsigned(v: Any) -> bool:
    return isinstance(v, GoInt) and not v.signed


def _go_type(v: Any) -> str:
    if type(v) is bytearray:
        return "[]uint8"
    return go_type_of(v)


def _sort_key(k: Any) -> Any:
    """Go's fmtsort order for map keys of one type (strings bytewise, numbers numeric)."""
    if isinstance(k, str):
        return (3, go_bytes(k))
    if isinstance(k, bool):
        return (1, k)
    if isinstance(k, float) and math.isnan(k):
        return (2, -math.inf, 0)
    if isinstance(k, (int, float)):
        return (2, k, 1)
    if k is None:
        return (0,)
    return (4, str(k))


def _is_string_kind(v: Any) -> bool:
    return isinstance(v, str)


class _Printer:
    """One formatting run: an output buffer plus the current directive's flags."""

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.clear_flags()
        self.erroring = False
        self.counted = 0  # parts of ``buf`` whose length ``size`` includes
        self.size = 0

    def check_size(self) -> None:
        """Fail once the output passes the string limit, before joining it: widths, many
        operands and lists sharing one big element can make far more text than went in."""
        buf = self.buf
        if len(buf) > self.counted:
            self.size += sum(map(len, buf[self.counted:]))
            self.counted = len(buf)
            if self.size > 4096:
                check_string(self.size)

    def clear_flags(self) -> None:
        self.wid = 0
        self.prec = 0
        self.wid_present = False
        self.prec_present = False
        self.minus = False
        self.plus = False
        self.sharp = False
        self.space = False
        self.zero = False
        self.plus_v = False
        self.sharp_v = False

    # -- padding -----------------------------------------------------------

    def write_padding(self, n: int) -> None:
        if n > 0:
            self.buf.append(("0" if self.zero else " ") * n)

    def pad(self, s: str) -> None:
        """Write s padded to the width (counted in runes) on the left or right."""
        if not self.wid_present or self.wid == 0:
            self.buf.append(s)
            return
        width = self.wid - len(s)
        if not self.minus:
            self.write_padding(width)
            self.buf.append(s)
        else:
            self.buf.append(s)
            # Zero padding never goes on the right.
            old = self.zero
            self.zero = False
            self.write_padding(width)
            self.zero = old

    def truncate(self, s: str) -> str:
        if self.prec_present and self.prec < len(s):
            return s[: self.prec]
        return s

    # -- scalar formatters --------------------------------------------------

    def fmt_integer(self, u: int, base: int, signed: bool, verb: str, digits: str) -> None:
        negative = signed and u < 0
        if negative:
            u = -u
        elif not signed and u < 0:
            u &= (1 << 64) - 1
        prec = 0
        if self.prec_present:
            prec = self.prec
            if prec == 0 and u == 0:
                old = self.zero
                self.zero = False
                self.write_padding(self.wid)
                self.zero = old
                return
        elif self.zero and not self.minus and self.wid_present:
            prec = self.wid
            if negative or self.plus or self.space:
                prec -= 1
        if base == 10:
            body = str(u)
        elif base == 16:
            body = format(u, "x")
            if digits is _UDIGITS:
                body = body.upper()
        elif base == 8:
            body = format(u, "o")
        else:
            body = format(u, "b")
        if len(body) < prec:
            body = "0" * (prec - len(body)) + body
        if self.sharp:
            if base == 2:
                body = "0b" + body
            elif base == 8:
                if body[0] != "0":
                    body = "0" + body
            elif base == 16:
                body = "0" + digits[16] + body
        if verb == "O":
            body = "0o" + body
        if negative:
            body = "-" + body
        elif self.plus:
            body = "+" + body
        elif self.space:
            body = " " + body
        old = self.zero
        self.zero = False
        self.pad(body)
        self.zero = old

    def fmt_unicode(self, u: int) -> None:
        u &= (1 << 64) - 1
        prec = 4
        if self.prec_present and self.prec > 4:
            prec = self.prec
        body = "U+" + format(u, "X").rjust(prec, "0")
        if self.sharp and u <= strconv.MAX_RUNE and strconv.is_print(u):
            body += " '" + chr(u) + "'"
        old = self.zero
        self.zero = False
        self.pad(body)
        self.zero = old

    def fmt_c(self, c: int) -> None:
        c &= (1 << 64) - 1
        if c > strconv.MAX_RUNE or 0xD800 <= c <= 0xDFFF:
            c = strconv.RUNE_ERROR
        self.pad(chr(c))

    def fmt_qc(self, c: int) -> None:
        c &= (1 << 64) - 1
        if c > strconv.MAX_RUNE:
            c = strconv.RUNE_ERROR
        if self.plus:
            self.pad(strconv.quote_rune_to_ascii(c))
        else:
            self.pad(strconv.quote_rune(c))

    def fmt_float(self, v: float, verb: str, prec: int) -> None:
        if self.prec_present:
            prec = self.prec
        num = strconv.format_float(v, verb, prec)
        if num[0] in "+-":
            sign, num = num[0], num[1:]
        else:
            sign = "+"
        if self.space and sign == "+" and not self.plus:
            sign = " "
        if num[0] in "IN":
            old = self.zero
            self.zero = False
            if num[0] == "N" and not self.space and not self.plus:
                self.pad(num)
            else:
                self.pad(sign + num)
            self.zero = old
            return
        if self.sharp and verb != "b":
            num = self._sharp_float(num, verb, prec)
        if self.plus or sign != "+":
            if self.zero and not self.minus and self.wid_present and self.wid > len(num) + 1:
                self.buf.append(sign)
                self.write_padding(self.wid - len(num) - 1)
                self.buf.append(num)
                return
            self.pad(sign + num)
            return
        self.pad(num)

    @staticmethod
    def _sharp_float(num: str, verb: str, prec: int) -> str:
        """``%#g`` and friends: keep a decimal point and trailing zeros."""
        digits = 0
        if verb in "vgGx":  # not X, as in Go
            digits = prec
            if digits == -1:
                digits = 6
        tail = ""
        has_point = False
        saw_nonzero = False
        i = 0
        while i < len(num):
            ch = num[i]
            if ch == ".":
                has_point = True
            elif ch in "pP" or (ch in "eE" and verb not in "xX"):
                tail = num[i:]
                num = num[:i]
                break
            else:
                if ch != "0":
                    saw_nonzero = True
                if saw_nonzero:
                    digits -= 1
            i += 1
        if not has_point:
            if num == "0":
                digits -= 1
            num += "."
        if digits > 0:
            num += "0" * digits
        return num + tail

    def fmt_s(self, s: str) -> None:
        self.pad(self.truncate(s))

    def fmt_sbx(self, b: bytes, digits: str) -> None:
        length = len(b)
        if self.prec_present and self.prec < length:
            length = self.prec
        width = 2 * length
        if width > 0:
            if self.space:
                if self.sharp:
                    width *= 2
                width += length - 1
            elif self.sharp:
                width += 2
        else:
            if self.wid_present:
                self.write_padding(self.wid)
            return
        if self.wid_present and self.wid > width and not self.minus:
            self.write_padding(self.wid - width)
        out = []
        prefix = "0" + digits[16]
        if self.sharp:
            out.append(prefix)
        for i in range(length):
            if self.space and i > 0:
                out.append(" ")
                if self.sharp:
                    out.append(prefix)
            c = b[i]
            out.append(digits[c >> 4] + digits[c & 15])
        self.buf.append("".join(out))
        if self.wid_present and self.wid > width and self.minus:
            old = self.zero
            self.zero = False
            self.write_padding(self.wid - width)
            self.zero = old

    def fmt_q(self, s: str) -> None:
        s = self.truncate(s)
        if self.sharp and strconv.can_backquote(s):
            self.pad("`" + s + "`")
        elif self.plus:
            self.pad(strconv.quote_to_ascii(s))
        else:
            self.pad(strconv.quote(s))

    # -- dispatch -----------------------------------------------------------

    def bad_verb(self, verb: str, arg: Any, has_arg: bool = True) -> None:
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        if arg is None or not has_arg:
            self.buf.append("<nil>")
        else:
            self.buf.append(_go_type(arg) + "=")
            self.print_arg(arg, "v")
        self.buf.append(")")
        self.erroring = False

    def print_arg(self, arg: Any, verb: str) -> None:
        if arg is None:
            if verb in "Tv":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, None)
            return
        if verb == "T":
            self.fmt_s(_go_type(arg))
            return
        self.print_value(arg, verb, 0)

    def fmt_bool(self, v: bool, verb: str) -> None:
        if verb in "tv":
            self.pad("true" if v else "false")
        else:
            self.bad_verb(verb, v)

    def fmt_int(self, v: int, verb: str) -> None:
        signed = not _is_unsigned(v)
        if verb == "v":
            if self.sharp_v and not signed:
                self.sharp = True
                self.fmt_integer(int(v), 16, signed, verb, _LDIGITS)
                self.sharp = False
            else:
                self.fmt_integer(int(v), 10, signed, verb, _LDIGITS)
        elif verb == "d":
            self.fmt_integer(int(v), 10, signed, verb, _LDIGITS)
        elif verb == "b":
            self.fmt_integer(int(v), 2, signed, verb, _LDIGITS)
        elif verb in "oO":
            self.fmt_integer(int(v), 8, signed, verb, _LDIGITS)
        elif verb == "x":
            self.fmt_integer(int(v), 16, signed, verb, _LDIGITS)
        elif verb == "X":
            self.fmt_integer(int(v), 16, signed, verb, _UDIGITS)
        elif verb == "c":
            self.fmt_c(int(v))
        elif verb == "q":
            self.fmt_qc(int(v))
        elif verb == "U":
            self.fmt_unicode(int(v))
        else:
            self.bad_verb(verb, v)

    def fmt_float_verb(self, v: float, verb: str) -> None:
        if verb == "v":
            self.fmt_float(v, "g", -1)
        elif verb in "bgGxX":
            self.fmt_float(v, verb, -1)
        elif verb in "feE":
            self.fmt_float(v, verb, 6)
        elif verb == "F":
            self.fmt_float(v, "f", 6)
        else:
            self.bad_verb(verb, v)

    def fmt_string(self, v: str, verb: str) -> None:
        if verb == "v":
            if self.sharp_v:
                self.fmt_q(v)
            else:
                self.fmt_s(v)
        elif verb == "s":
            self.fmt_s(v)
        elif verb == "x":
            self.fmt_sbx(go_bytes(v), _LDIGITS)
        elif verb == "X":
            self.fmt_sbx(go_bytes(v), _UDIGITS)
        elif verb == "q":
            self.fmt_q(v)
        else:
            self.bad_verb(verb, v)

    def fmt_bytes(self, v: bytes, verb: str, depth: int) -> None:
        if verb in "vd":
            if self.sharp_v:
                self.buf.append("[]byte{")
                for i, c in enumerate(v):
                    if i:
                        self.buf.append(", ")
                    self.buf.append("0x" + format(c, "x"))
                self.buf.append("}")
            else:
                self.buf.append("[")
                for i, c in enumerate(v):
                    if i:
                        self.buf.append(" ")
                    self.fmt_integer(c, 10, False, verb, _LDIGITS)
                self.buf.append("]")
        elif verb == "s":
            self.fmt_s(strconv.from_go_bytes(bytes(v)))
        elif verb == "x":
            self.fmt_sbx(bytes(v), _LDIGITS)
        elif verb == "X":
            self.fmt_sbx(bytes(v), _UDIGITS)
        elif verb == "q":
            self.fmt_q(strconv.from_go_bytes(bytes(v)))
        else:
            self.buf.append("[")
            for i, c in enumerate(v):
                if i:
                    self.buf.append(" ")
                self.print_value(Uint8(c), verb, depth + 1)
            self.buf.append("]")

    def print_value(self, v: Any, verb: str, depth: int) -> None:
        """Format one value (a top-level operand or a container element)."""
        if v is None:
            # A nil interface inside a container.
            self.buf.append("interface {}(nil)" if self.sharp_v else "<nil>")
            return
        if verb == "p":
            self.fmt_pointer(v)
            return
        if isinstance(v, bool):
            self.fmt_bool(v, verb)
        elif isinstance(v, int):
            stringer = getattr(v, "go_string", None) if isinstance(v, GoInt) else None
            if stringer is not None and not self.erroring and not self.sharp_v and verb in "vsxXq":
                self.fmt_string(stringer(), verb)
            else:
                self.fmt_int(v, verb)
        elif isinstance(v, float):
            self.fmt_float_verb(v, verb)
        elif isinstance(v, str):
            self.fmt_string(v, verb)
        elif isinstance(v, (bytes, bytearray)):
            self.fmt_bytes(bytes(v), verb, depth)
        elif isinstance(v, dict):
            if depth % _HOP_DEPTH == _HOP_DEPTH - 1:
                descend(_HOP_COST, self.print_map, v, verb, depth)
            else:
                self.print_map(v, verb, depth)
        elif isinstance(v, list):
            if depth % _HOP_DEPTH == _HOP_DEPTH - 1:
                descend(_HOP_COST, self.print_list, v, verb, depth)
            else:
                self.print_list(v, verb, depth)
        elif isinstance(v, GoObject):
            if depth % _HOP_DEPTH == _HOP_DEPTH - 1:
                descend(_HOP_COST, self.print_object, v, verb, depth)
            else:
                self.print_object(v, verb, depth)
        elif isinstance(v, complex):
            self.fmt_complex(v, verb)
        else:
            self.buf.append("%!" + verb + "(" + _go_type(v) + "=?)")

    def fmt_pointer(self, v: Any) -> None:
        if isinstance(v, (dict, list, GoObject)) and not (isinstance(v, GoObject) and v.go_kind == "struct"):
            self.fmt_integer(0xC000010000 + (id(v) & 0xFFFFF0), 16, False, "v", _LDIGITS)
            return
        self.bad_verb("p", v)

    def fmt_complex(self, v: complex, verb: str) -> None:
        if verb not in "vbgGxXfFeE":
            self.bad_verb(verb, v)
            return
        old_plus, old_space, old_wid = self.plus, self.space, self.wid
        self.buf.append("(")
        self.fmt_float_verb(v.real, verb)
        self.plus = True
        self.space = False
        self.fmt_float_verb(v.imag, verb)
        self.buf.append("i)")
        self.plus, self.space, self.wid = old_plus, old_space, old_wid

    def print_map(self, m: dict, verb: str, depth: int) -> None:
        if self.sharp_v:
            if getattr(m, "go_nil", False):
                self.buf.append(_go_type(m) + "(nil)")
                return
            self.buf.append(_go_type(m) + "{")
        else:
            self.buf.append("map[")
        keys = sorted(m, key=_sort_key)
        for i, k in enumerate(keys):
            if i:
                self.buf.append(", " if self.sharp_v else " ")
                self.check_size()
            self.print_value(k, verb, depth + 1)
            self.buf.append(":")
            self.print_value(m[k], verb, depth + 1)
        self.buf.append("}" if self.sharp_v else "]")

    def print_list(self, items: list, verb: str, depth: int) -> None:
        if isinstance(items, GoSlice) and items.elem == "uint8" and verb in "sqxX":
            self.fmt_bytes(bytes(items), verb, depth)
            return
        if self.sharp_v:
            if getattr(items, "go_nil", False):
                self.buf.append(_go_type(items) + "(nil)")
                return
            self.buf.append(_go_type(items) + "{")
            for i, item in enumerate(items):
                if i:
                    self.buf.append(", ")
                    self.check_size()
                self.print_value(item, verb, depth + 1)
            self.buf.append("}")
            return
        self.buf.append("[")
        for i, item in enumerate(items):
            if i:
                self.buf.append(" ")
                self.check_size()
            self.print_value(item, verb, depth + 1)
        self.buf.append("]")

    def print_object(self, obj: GoObject, verb: str, depth: int) -> None:
        if not self.erroring and not self.sharp_v and verb in "vsxXq" and not obj.go_string_on_pointer:
            text = obj.go_string()
            if text is not None:
                self.fmt_string(text, verb)
                return
        if obj.go_kind == "ptr":
            if depth > 0:
                self.fmt_pointer(obj)
                return
            self.buf.append("&")
        self.print_struct(obj, verb, depth)

    def print_struct(self, obj: GoObject, verb: str, depth: int) -> None:
        if self.sharp_v:
            self.buf.append(obj.go_type.lstrip("*"))
        self.buf.append("{")
        for i, (name, value) in enumerate(obj.go_struct_fields()):
            if i:
                self.buf.append(", " if self.sharp_v else " ")
            if self.plus_v or self.sharp_v:
                self.buf.append(name + ":")
            self.print_value(value, verb, depth + 1)
        self.buf.append("}")

    # -- Printf ---------------------------------------------------------------

    def do_printf(self, fmt: str, args: tuple[Any, ...]) -> None:
        end = len(fmt)
        arg_num = 0
        after_index = False
        self.reordered = False
        i = 0
        while i < end:
            self.check_size()
            self.good_arg_num = True
            lasti = i
            pct = fmt.find("%", i)
            i = end if pct < 0 else pct
            if i > lasti:
                self.buf.append(fmt[lasti:i])
            if i >= end:
                break
            i += 1
            self.clear_flags()
            while i < end:
                c = fmt[i]
                if c == "#":
                    self.sharp = True
                elif c == "0":
                    self.zero = not self.minus
                elif c == "+":
                    self.plus = True
                elif c == "-":
                    self.minus = True
                    self.zero = False
                elif c == " ":
                    self.space = True
                else:
                    break
                i += 1

            arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))

            if i < end and fmt[i] == "*":
                i += 1
                self.wid, self.wid_present, arg_num = _int_from_arg(args, arg_num)
                if not self.wid_present:
                    self.buf.append("%!(BADWIDTH)")
                if self.wid < 0:
                    self.wid = -self.wid
                    self.minus = True
                    self.zero = False
                after_index = False
            else:
                self.wid, self.wid_present, i = _parsenum(fmt, i, end)
                if after_index and self.wid_present:
                    self.good_arg_num = False

            if i + 1 < end and fmt[i] == ".":
                i += 1
                if after_index:
                    self.good_arg_num = False
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))
                if i < end and fmt[i] == "*":
                    i += 1
                    self.prec, self.prec_present, arg_num = _int_from_arg(args, arg_num)
                    if self.prec < 0:
                        self.prec = 0
                        self.prec_present = False
                    if not self.prec_present:
                        self.buf.append("%!(BADPREC)")
                    after_index = False
                else:
                    self.prec, self.prec_present, i = _parsenum(fmt, i, end)
                    if not self.prec_present:
                        self.prec = 0
                        self.prec_present = True

            if not after_index:
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))

            if i >= end:
                self.buf.append("%!(NOVERB)")
                break

            verb = fmt[i]
            i += 1
            if is_escaped_byte(verb):
                verb = "\ufffd"

            if verb == "%":
                self.buf.append("%")
            elif not self.good_arg_num:
                self.buf.append("%!" + verb + "(BADINDEX)")
            elif arg_num >= len(args):
                self.buf.append("%!" + verb + "(MISSING)")
            else:
                if verb == "v":
                    self.sharp_v = self.sharp
                    self.sharp = False
                    self.plus_v = self.plus
                    self.plus = False
                self.print_arg(args[arg_num], verb)
                arg_num += 1

        if not self.reordered and arg_num < len(args):
            self.clear_flags()
            self.buf.append("%!(EXTRA ")
            for n, arg in enumerate(args[arg_num:]):
                if n:
                    self.buf.append(", ")
                if arg is None:
                    self.buf.append("<nil>")
                else:
                    self.buf.append(_go_type(arg) + "=")
                    self.print_arg(arg, "v")
            self.buf.append(")")

    def arg_number(self, arg_num: int, fmt: str, i: int, num_args: int) -> tuple[int, int, bool]:
        if len(fmt) <= i or fmt[i] != "[":
            return arg_num, i, False
        self.reordered = True
        index, wid, ok = _parse_arg_number(fmt[i:])
        if ok and 0 <= index < num_args:
            return index, i + wid, True
        self.good_arg_num = False
        return arg_num, i + wid, ok


def _parsenum(s: str, start: int, end: int) -> tuple[int, bool, int]:
    if start >= end:
        return 0, False, end
    num = 0
    isnum = False
    i = start
    while i < end and "0" <= s[i] <= "9":
        if num > _TOO_LARGE:
            return 0, False, end
        num = num * 10 + ord(s[i]) - 48
        isnum = True
        i += 1
    return num, isnum, i


def _parse_arg_number(fmt: str) -> tuple[int, int, bool]:
    if len(fmt) < 3:
        return 0, 1, False
    for i in range(1, len(fmt)):
        if fmt[i] == "]":
            width, ok, newi = _parsenum(fmt, 1, i)
            if not ok or newi != i:
                return 0, i + 1, False
            return width - 1, i + 1, True
    return 0, 1, False


def _int_from_arg(args: tuple[Any, ...], arg_num: int) -> tuple[int, bool, int]:
    num, is_int, new = 0, False, arg_num
    if arg_num < len(args):
        a = args[arg_num]
        if isinstance(a, int) and not isinstance(a, bool):
            if _is_unsigned(a):
                is_int = int(a) < (1 << 63)
            else:
                is_int = True
            num = int(a) if is_int else 0
        new = arg_num + 1
        if num > _TOO_LARGE or num < -_TOO_LARGE:
            num, is_int = 0, False
    return num, is_int, new


# ---------------------------------------------------------------------------
# Public API


def sprintf(format: str, *args: Any) -> str:
    """Go's ``fmt.Sprintf``."""
    p = _Printer()
    p.do_printf(format, args)
    p.check_size()
    return "".join(p.buf)


def sprint(*args: Any) -> str:
    """Go's ``fmt.Sprint``: a space between operands when neither is a string."""
    p = _Printer()
    prev_string = False
    for n, arg in enumerate(args):
        is_string = _is_string_kind(arg)
        if n > 0 and not is_string and not prev_string:
            p.buf.append(" ")
        p.check_size()
        p.print_arg(arg, "v")
        prev_string = is_string
    p.check_size()
    return "".join(p.buf)


def sprintln(*args: Any) -> str:
    """Go's ``fmt.Sprintln``: operands separated by spaces, then a newline."""
    p = _Printer()
    for n, arg in enumerate(args):
        if n:
            p.buf.append(" ")
        p.check_size()
        p.print_arg(arg, "v")
    p.buf.append("\n")
    return "".join(p.buf)


def format_printable(v: GoObject) -> str:
    """How ``{{ x }}`` prints a struct or pointer: through ``String()`` when the value or its
    address has one, else ``%v`` of the struct itself (a pointer is dereferenced first)."""
    text = v.go_string()
    if text is not None:
        return text
    p = _Printer()
    p.print_struct(v, "v", 0)
    return "".join(p.buf)


def format_value(v: Any) -> str:
    """``%v`` of one value."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return strconv.format_float(v, "g", -1)
    p = _Printer()
    p.print_arg(v, "v")
    return "".join(p.buf)


def sort_key(k: Any) -> Any:
    """The order fmt prints map keys in (Go's internal/fmtsort)."""
    return _sort_key(k)
