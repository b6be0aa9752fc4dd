"""Sprig's ``urlParse``/``urlJoin``: Go ``net/url`` parsing and reassembly, error texts included."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoPanic, gofunc
from kts.sprig.reflection import kind_or_panic

PATH, PATH_SEGMENT, HOST, ZONE, USER_PASSWORD, QUERY_COMPONENT, FRAGMENT = range(1, 8)
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")


class URLError(Exception):
    """A Go ``net/url`` parse error (the inner error text)."""


def _go_quote(s: bytes) -> str:
    out = ['"']
    text = s.decode("utf-8", "surrogateescape")
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code & 0xFF:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def should_escape(c: int, mode: int) -> bool:
    if c in _ALNUM:
        return False
    if mode in (HOST, ZONE) and c in b"!$&'()*+,;=:[]<>\"":
        return False
    if c in b"-_.~":
        return False
    if c in b"$&+,/:;=?@":
        if mode == PATH:
            return c == ord("?")
        if mode == PATH_SEGMENT:
            return c in b"/;,?"
        if mode == USER_PASSWORD:
            return c in b"@/?:"
        if mode == QUERY_COMPONENT:
            return True
        if mode == FRAGMENT:
            return False
    return not (mode == FRAGMENT and c in b"!()*")


def escape(s: bytes, mode: int) -> bytes:
    out = bytearray()
    for c in s:
        if c == 0x20 and mode == QUERY_COMPONENT:
            out += b"+"
        elif should_escape(c, mode):
            out += b"%%%02X" % c
        else:
            out.append(c)
    return bytes(out)


def unescape(s: bytes, mode: int) -> bytes:
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            if i + 2 >= len(s) or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                raise URLError("invalid URL escape " + _go_quote(s[i:i + 3]))
            if mode == HOST and int(s[i + 1:i + 2], 16) < 8 and s[i:i + 3] != b"%25":
                raise URLError("invalid URL escape " + _go_quote(s[i:i + 3]))
            if mode == ZONE:
                v = int(s[i + 1:i + 3], 16)
                if s[i:i + 3] != b"%25" and v != 0x20 and should_escape(v, HOST):
                    raise URLError("invalid URL escape " + _go_quote(s[i:i + 3]))
            i += 3
            continue
        if mode in (HOST, ZONE) and c < 0x80 and should_escape(c, mode):
            raise URLError("invalid character " + _go_quote(s[i:i + 1]) + " in host name")
        i += 1
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            out.append(int(s[i + 1:i + 3], 16))
            i += 3
            continue
        out.append(0x20 if c == 0x2B and mode == QUERY_COMPONENT else c)
        i += 1
    return bytes(out)


def _valid_port(port: bytes) -> bool:
    return port == b"" or (port[:1] == b":" and all(0x30 <= b <= 0x39 for b in port[1:]))


class _AddrError(Exception):
    def __init__(self, text: bytes, msg: str, at: bytes = b"") -> None:
        where = f" (at {_go_quote(at)})" if at else ""
        super().__init__(f"ParseAddr({_go_quote(text)}): {msg}{where}")


def _parse_ipv4(text: bytes, start: int = 0, end: int | None = None) -> None:
    """Go's ``parseIPv4Fields`` over ``text[start:end]``; errors name the whole ``text``."""
    end = len(text) if end is None else end
    fields, val, dig = 0, 0, 0
    for i in range(start, end):
        c = text[i]
        if 0x30 <= c <= 0x39:
            if dig == 1 and val == 0:
                raise _AddrError(text, "IPv4 field has octet with leading zero")
            val = val * 10 + c - 0x30
            dig += 1
            if val > 255:
                raise _AddrError(text, "IPv4 field has value >255")
        elif c == 0x2E:
            if i == start or i == end - 1 or text[i - 1] == 0x2E:
                raise _AddrError(text, "IPv4 field must have at least one digit", text[i:])
            if fields == 3:
                raise _AddrError(text, "IPv4 address too long")
            fields += 1
            val = dig = 0
        else:
            raise _AddrError(text, "unexpected character", text[i:])
    if fields < 3:
        raise _AddrError(text, "IPv4 address too short")


def _parse_ipv6(text: bytes) -> None:
    s, pct, zone = text.partition(b"%")
    if pct and not zone:
        raise _AddrError(text, "zone must be a non-empty string")
    ellipsis = -1
    if s[:2] == b"::":
        ellipsis, s = 0, s[2:]
        if not s:
            return
    i = 0
    while i < 16:
        off, acc = 0, 0
        while off < len(s) and chr(s[off]) in "0123456789abcdefABCDEF":
            acc = acc * 16 + int(chr(s[off]), 16)
            if off > 3:
                raise _AddrError(text, "each group must have 4 or less digits", s)
            off += 1
        if off == 0:
            raise _AddrError(text, "each colon-separated field must have at least one digit", s)
        if off < len(s) and s[off] == 0x2E:
            if ellipsis < 0 and i != 12:
                raise _AddrError(text, "embedded IPv4 address must replace the final 2 fields of the "
                                       "address", s)
            if i + 4 > 16:
                raise _AddrError(text, "too many hex fields to fit an embedded IPv4 at the end of the "
                                       "address", s)
            end = len(text) - (len(zone) + 1 if zone else 0)
            _parse_ipv4(text, end - len(s), end)
            s, i = b"", i + 4
            break
        i += 2
        s = s[off:]
        if not s:
            break
        if s[0] != 0x3A:
            raise _AddrError(text, "unexpected character, want colon", s)
        if len(s) == 1:
            raise _AddrError(text, "colon must be followed by more characters", s)
        s = s[1:]
        if s[0] == 0x3A:
            if ellipsis >= 0:
                raise _AddrError(text, "multiple :: in address", s)
            ellipsis, s = i, s[1:]
            if not s:
                break
    if s:
        raise _AddrError(text, "trailing garbage after address", s)
    if i < 16 and ellipsis < 0:
        raise _AddrError(text, "address string too short")
    if i >= 16 and ellipsis >= 0:
        raise _AddrError(text, "the :: must expand to at least one field of zeros")


def _check_ip_literal(text: bytes) -> None:
    """Go's ``netip.ParseAddr`` for a bracketed host: IPv6 only (IPv4-mapped allowed)."""
    for c in text:
        if c == 0x2E:
            try:
                _parse_ipv4(text)
            except _AddrError as exc:
                raise URLError(f"invalid host: {exc}") from None
            raise URLError("invalid IP-literal")
        if c == 0x3A:
            try:
                _parse_ipv6(text)
            except _AddrError as exc:
                raise URLError(f"invalid host: {exc}") from None
            return
        if c == 0x25:
            raise URLError(f"invalid host: {_AddrError(text, 'missing IPv6 address')}")
    raise URLError(f"invalid host: {_AddrError(text, 'unable to parse IP')}")


def _parse_host(scheme: bytes, host: bytes) -> bytes:
    open_idx = host.rfind(b"[")
    if open_idx > 0:
        raise URLError("invalid IP-literal")
    if open_idx == 0:
        close = host.rfind(b"]")
        if close < 0:
            raise URLError("missing ']' in host")
        colon_port = host[close + 1:]
        if not _valid_port(colon_port):
            raise URLError(f"invalid port {_go_quote(colon_port)} after host")
        port = unescape(colon_port, HOST)
        name = host[1:close]
        zone = name.find(b"%25")
        if zone >= 0:
            literal = unescape(name[:zone], HOST) + unescape(name[zone:], ZONE)
        else:
            literal = unescape(name, HOST)
        _check_ip_literal(literal)
        return b"[" + literal + b"]" + port
    first = host.find(b":")
    if first != -1:
        last = host.rfind(b":")
        # Only http(s) hosts must have a single colon; others may list several host:port pairs.
        colon = first if scheme in (b"http", b"https") else last
        if not _valid_port(host[colon:]):
            raise URLError(f"invalid port {_go_quote(host[colon:])} after host")
    return unescape(host, HOST)


_USERINFO_OK = _ALNUM | frozenset(b"-._:~!$&'()*+,;=%@")


class URL:
    """The fields of Go's ``url.URL`` that Sprig reads or writes (strings as UTF-8 bytes)."""

    def __init__(self) -> None:
        self.scheme = self.opaque = self.host = self.path = self.raw_query = self.fragment = b""
        self.user: tuple[bytes, bytes | None] | None = None
        self.force_query = False

    def userinfo(self) -> bytes:
        if self.user is None:
            return b""
        name, password = self.user
        out = escape(name, USER_PASSWORD)
        if password is not None:
            out += b":" + escape(password, USER_PASSWORD)
        return out

    def hostname(self) -> bytes:
        host = self.host
        colon = host.rfind(b":")
        if colon != -1 and _valid_port(host[colon:]):
            host = host[:colon]
        if host.startswith(b"[") and host.endswith(b"]"):
            host = host[1:-1]
        return host

    def string(self) -> bytes:
        buf = bytearray()
        if self.scheme:
            buf += self.scheme + b":"
        if self.opaque:
            buf += self.opaque
        else:
            if self.scheme or self.host or self.user is not None:
                if self.host or self.path or self.user is not None:
                    buf += b"//"
                if self.user is not None:
                    buf += self.userinfo() + b"@"
                if self.host:
                    buf += escape(self.host, HOST)
            path = b"*" if self.path == b"*" else escape(self.path, PATH)
            if path and path[:1] != b"/" and self.host:
                buf += b"/"
            if not buf and b":" in path.split(b"/", 1)[0]:
                buf += b"./"
            buf += path
        if self.force_query or self.raw_query:
            buf += b"?" + self.raw_query
        if self.fragment:
            buf += b"#" + escape(self.fragment, FRAGMENT)
        return bytes(buf)


def _get_scheme(raw: bytes) -> tuple[bytes, bytes]:
    for i, c in enumerate(raw):
        if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A:
            continue
        if 0x30 <= c <= 0x39 or c in b"+-.":
            if i == 0:
                return b"", raw
            continue
        if c == 0x3A:
            if i == 0:
                raise URLError("missing protocol scheme")
            return raw[:i], raw[i + 1:]
        return b"", raw
    return b"", raw


def _parse(raw: bytes) -> URL:
    if any(b < 0x20 or b == 0x7F for b in raw):
        raise URLError("net/url: invalid control character in URL")
    url = URL()
    if raw == b"*":
        url.path = b"*"
        return url
    scheme, rest = _get_scheme(raw)
    url.scheme = scheme.lower()
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        url.force_query = True
        rest = rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition(b"?")
    if not rest.startswith(b"/"):
        if url.scheme:
            url.opaque = rest
            return url
        if b":" in rest.split(b"/", 1)[0]:
            raise URLError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
        authority, slash, tail = rest[2:].partition(b"/")
        rest = slash + tail
        at = authority.rfind(b"@")
        url.host = _parse_host(url.scheme, authority if at < 0 else authority[at + 1:])
        if at >= 0:
            info = authority[:at]
            if not all(c in _USERINFO_OK for c in info):
                raise URLError("net/url: invalid userinfo")
            if b":" not in info:
                url.user = (unescape(info, USER_PASSWORD), None)
            else:
                name, _, password = info.partition(b":")
                url.user = (unescape(name, USER_PASSWORD), unescape(password, USER_PASSWORD))
    url.path = unescape(rest, PATH)
    return url


def parse_url(raw: str) -> URL:
    """Go ``url.Parse``; a failure raises URLError with Go's ``parse "...": ...`` text."""
    data = raw.encode("utf-8", "surrogateescape")
    head, hash_, frag = data.partition(b"#")
    try:
        url = _parse(head)
    except URLError as exc:
        raise URLError(f"parse {_go_quote(head)}: {exc}") from None
    if hash_ and frag:
        try:
            url.fragment = unescape(frag, FRAGMENT)
        except URLError as exc:
            raise URLError(f"parse {_go_quote(data)}: {exc}") from None
    return url


def _s(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


@gofunc("string", result="map[string]interface {}")
def urlParse(v: str) -> dict[str, Any]:
    try:
        url = parse_url(v)
    except URLError as exc:
        raise GoPanic(f"unable to parse url: {exc}") from None
    return {
        "scheme": _s(url.scheme), "host": _s(url.host), "hostname": _s(url.hostname()),
        "path": _s(url.path), "query": _s(url.raw_query), "opaque": _s(url.opaque),
        "fragment": _s(url.fragment), "userinfo": _s(url.userinfo()),
    }


def _dict_string(d: dict[str, Any], key: str) -> bytes:
    if key not in d:
        return b""
    value = d[key]
    kind = kind_or_panic(value)
    if not isinstance(value, str):
        raise GoPanic(f"unable to parse {key} key, must be of type string, but {kind} found")
    return value.encode("utf-8", "surrogateescape")


@gofunc("map[string]interface {}", result="string")
def urlJoin(d: dict[str, Any]) -> str:
    url = URL()
    url.scheme = _dict_string(d, "scheme")
    url.host = _dict_string(d, "host")
    url.path = _dict_string(d, "path")
    url.raw_query = _dict_string(d, "query")
    url.opaque = _dict_string(d, "opaque")
    url.fragment = _dict_string(d, "fragment")
    info = _dict_string(d, "userinfo")
    if info:
        try:
            parsed = parse_url("proto://" + _s(info) + "@host")
        except URLError as exc:
            raise GoPanic(f"unable to parse userinfo in dict: {exc}") from None
        url.user = parsed.user
    return _s(url.string())


FUNCS: FuncMap = {"urlParse": urlParse, "urlJoin": urlJoin}
