"""The ``format`` assertions of Helm's validator, with its error details.

santhosh-tekuri/jsonschema v6 asserts ``format`` in draft-04/06/07 schemas only (2019-09 and
2020-12 treat it as an annotation unless a metaschema requires the vocabulary, which the
standard ones do not). It knows the formats below; any other name is not checked. Only
strings are checked. A check's detail text is what the Go validator and the Go library
functions it calls (``time.Parse``, ``netip.ParseAddr``, ``strconv.Atoi``, ``url.Parse``)
say, so each check works on the string's bytes as Go does.

``check(name, value)`` returns ``None`` when the value passes (or the format is unknown),
else the detail text Helm prints after ``is not valid <name>:``.
"""

from __future__ import annotations

from collections.abc import Callable

from kts.gotemplate.strconv import from_go_bytes, go_bytes, go_runes, quote, quote_rune


class FormatError(Exception):
    """One format check failed; ``str()`` is the validator's detail text."""


def _runes(b: bytes) -> list[int]:
    return go_runes(from_go_bytes(b))


def _q(b: bytes) -> str:
    return quote(from_go_bytes(b))


def _digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


# -- Go library functions ---------------------------------------------------------------


def go_atoi(b: bytes) -> int:
    """``strconv.Atoi``, raising its error text."""
    s = b[1:] if b[:1] in (b"+", b"-") else b
    if not s or not all(_digit(c) for c in s):
        raise FormatError(f"strconv.Atoi: parsing {_q(b)}: invalid syntax")
    n = int(s) * (-1 if b[:1] == b"-" else 1)
    if not -(1 << 63) <= n < (1 << 63):
        raise FormatError(f"strconv.Atoi: parsing {_q(b)}: value out of range")
    return n


def _time_quote(b: bytes) -> str:
    """The ``time`` package's own quoting: non-ASCII and control bytes as ``\\x`` escapes."""
    out = ['"']
    s = from_go_bytes(b)
    for ch in s:
        if ord(ch) < 0x20 or ord(ch) >= 0x80:
            out.extend(f"\\x{c:02x}" for c in go_bytes(ch))
        else:
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def go_parse_date(value: bytes) -> None:
    """``time.Parse("2006-01-02", value)``, raising its error text."""
    layout = b"2006-01-02"

    def cannot(value_elem: bytes, layout_elem: bytes) -> FormatError:
        return FormatError(f"parsing time {_time_quote(value)} as {_time_quote(layout)}: cannot parse "
                           f"{_time_quote(value_elem)} as {_time_quote(layout_elem)}")

    def message(msg: str) -> FormatError:
        return FormatError(f"parsing time {_time_quote(value)}{msg}")

    rest = value
    if len(rest) < 4 or not _digit(rest[0]) or not all(_digit(c) for c in rest[1:4]):
        raise cannot(rest, b"2006")
    year, rest = int(rest[:4]), rest[4:]
    fields = []
    for elem in (b"01", b"02"):
        if rest[:1] != b"-":
            raise cannot(rest, b"-")
        rest = rest[1:]
        if len(rest) < 2 or not _digit(rest[0]) or not _digit(rest[1]):
            raise cannot(rest, elem)
        n, rest = int(rest[:2]), rest[2:]
        if elem == b"01" and not 1 <= n <= 12:
            raise message(": month out of range")
        fields.append(n)
    if rest:
        raise message(": extra text: " + _time_quote(rest))
    month, day = fields
    if day < 1 or day > _days_in(month, year):
        raise message(": day out of range")


def _addr_error(whole: bytes, msg: str, at: bytes = b"") -> FormatError:
    if at:
        return FormatError(f"ParseAddr({_q(whole)}): {msg} (at {_q(at)})")
    return FormatError(f"ParseAddr({_q(whole)}): {msg}")


def _ipv4_fields(whole: bytes, s: bytes) -> None:
    val = pos = dig_len = 0
    for i, c in enumerate(s):
        if _digit(c):
            if dig_len == 1 and val == 0:
                raise _addr_error(whole, "IPv4 field has octet with leading zero")
            val = val * 10 + c - 0x30
            dig_len += 1
            if val > 255:
                raise _addr_error(whole, "IPv4 field has value >255")
        elif c == 0x2E:
            if i == 0 or i == len(s) - 1 or s[i - 1] == 0x2E:
                raise _addr_error(whole, "IPv4 field must have at least one digit", s[i:])
            if pos == 3:
                raise _addr_error(whole, "IPv4 address too long")
            pos += 1
            val = dig_len = 0
        else:
            raise _addr_error(whole, "unexpected character", s[i:])
    if pos < 3:
        raise _addr_error(whole, "IPv4 address too short")


def _hex(c: int) -> int:
    if _digit(c):
        return c - 0x30
    if 0x61 <= c <= 0x66:
        return c - 0x61 + 10
    if 0x41 <= c <= 0x46:
        return c - 0x41 + 10
    return -1


def _ipv6(whole: bytes) -> bytes:
    """The zone of an IPv6 address (``b""`` if none); raises ParseAddr's error text."""
    s, zone = whole, b""
    if b"%" in s:
        s, _, zone = s.partition(b"%")
        if not zone:
            raise _addr_error(whole, "zone must be a non-empty string")
    ellipsis = -1
    if s[:2] == b"::":
        ellipsis, s = 0, s[2:]
        if not s:
            return zone
    i = 0
    while i < 16:
        off = acc = 0
        while off < len(s) and _hex(s[off]) >= 0:
            acc = (acc << 4) + _hex(s[off])
            if off > 3:
                raise _addr_error(whole, "each group must have 4 or less digits", s)
            if acc > 0xFFFF:
                raise _addr_error(whole, "IPv6 field has value >=2^16", s)
            off += 1
        if off == 0:
            raise _addr_error(whole, "each colon-separated field must have at least one digit", s)
        if off < len(s) and s[off] == 0x2E:
            if ellipsis < 0 and i != 12:
                raise _addr_error(whole, "embedded IPv4 address must replace the final 2 fields of the "
                                         "address", s)
            if i + 4 > 16:
                raise _addr_error(whole, "too many hex fields to fit an embedded IPv4 at the end of the "
                                         "address", s)
            _ipv4_fields(whole, s)
            s = b""
            i += 4
            break
        i += 2
        s = s[off:]
        if not s:
            break
        if s[0] != 0x3A:
            raise _addr_error(whole, "unexpected character, want colon", s)
        if len(s) == 1:
            raise _addr_error(whole, "colon must be followed by more characters", s)
        s = s[1:]
        if s[0] == 0x3A:
            if ellipsis >= 0:
                raise _addr_error(whole, "multiple :: in address", s)
            ellipsis, s = i, s[1:]
            if not s:
                break
    if s:
        raise _addr_error(whole, "trailing garbage after address", s)
    if i < 16:
        if ellipsis < 0:
            raise _addr_error(whole, "address string too short")
    elif ellipsis >= 0:
        raise _addr_error(whole, "the :: must expand to at least one field of zeros")
    return zone


def _first_of(s: bytes, chars: bytes) -> int:
    return next((c for c in s if c in chars), -1)


def go_parse_addr(s: bytes) -> bytes:
    """``netip.ParseAddr``: the zone (``b""`` for none or IPv4), or its error text raised."""
    for c in s:
        if c == 0x2E:
            _ipv4_fields(s, s)
            return b""
        if c == 0x3A:
            return _ipv6(s)
        if c == 0x25:
            raise _addr_error(s, "missing IPv6 address")
    raise _addr_error(s, "unable to parse IP")


class _URLError(Exception):
    """An error inside ``url.Parse``; the caller wraps it as ``parse "<url>": <text>``."""


_UNRESERVED_MARKS = frozenset(b"-_.~")
_RESERVED = frozenset(b"$&+,/:;=?@")
_HOST_EXTRA = frozenset(b"!$&'()*+,;=:[]<>\"")
_ENC_PATH, _ENC_HOST, _ENC_ZONE, _ENC_USER, _ENC_FRAGMENT = range(5)


def _should_escape(c: int, mode: int) -> bool:
    if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or _digit(c):
        return False
    if mode in (_ENC_HOST, _ENC_ZONE) and c in _HOST_EXTRA:
        return False
    if c in _UNRESERVED_MARKS:
        return False
    if c in _RESERVED:
        if mode == _ENC_PATH:
            return c == 0x3F
        if mode == _ENC_USER:
            return c in b"@/?:"
        if mode == _ENC_FRAGMENT:
            return False
    return not (mode == _ENC_FRAGMENT and c in b"!()*")


def _escape_error(s: bytes) -> _URLError:
    return _URLError(f"invalid URL escape {_q(s)}")


def _unescape(s: bytes, mode: int) -> bytes:
    """``url.unescape``: ``%XX`` decoded, with the host and zone rules."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            if i + 2 >= len(s) or _hex(s[i + 1]) < 0 or _hex(s[i + 2]) < 0:
                raise _escape_error(s[i:i + 3])
            v = _hex(s[i + 1]) << 4 | _hex(s[i + 2])
            if mode == _ENC_HOST and _hex(s[i + 1]) < 8 and s[i:i + 3] != b"%25":
                raise _escape_error(s[i:i + 3])
            if mode == _ENC_ZONE and s[i:i + 3] != b"%25" and v != 0x20 and _should_escape(v, _ENC_HOST):
                raise _escape_error(s[i:i + 3])
            out.append(v)
            i += 3
            continue
        if mode in (_ENC_HOST, _ENC_ZONE) and c < 0x80 and _should_escape(c, mode):
            raise _URLError(f"invalid character {_q(bytes([c]))} in host name")
        out.append(c)
        i += 1
    return bytes(out)


def _escape(s: bytes, mode: int) -> bytes:
    return b"".join(b"%%%02X" % c if _should_escape(c, mode) else bytes([c]) for c in s)


def _valid_port(port: bytes) -> bool:
    return not port or (port[0] == 0x3A and all(_digit(c) for c in port[1:]))


_USERINFO_EXTRA = frozenset(b"-._:~!$&'()*+,;=%@")


def _parse_host(host: bytes, scheme: bytes) -> bytes:
    open_at = host.rfind(b"[")
    if open_at != -1:
        if open_at > 0:
            raise _URLError("invalid IP-literal")
        close_at = host.rfind(b"]")
        if close_at < 0:
            raise _URLError("missing ']' in host")
        port = host[close_at + 1:]
        if not _valid_port(port):
            raise _URLError(f"invalid port {_q(port)} after host")
        name = host[1:close_at]
        zone = name.find(b"%25")
        if zone >= 0:
            name = _unescape(name[:zone], _ENC_HOST) + _unescape(name[zone:], _ENC_ZONE)
        else:
            name = _unescape(name, _ENC_HOST)
        try:
            go_parse_addr(name)
        except FormatError as exc:
            raise _URLError(f"invalid host: {exc}") from None
        if _first_of(name, b".:%") == 0x2E:  # parsed as IPv4
            raise _URLError("invalid IP-literal")
        return b"[" + name + b"]" + port
    # Go 1.26 reads http(s) ports from the first colon ("strict colons"), other schemes' from the last.
    colon = host.find(b":") if scheme in (b"http", b"https") else host.rfind(b":")
    if colon != -1 and not _valid_port(host[colon:]):
        raise _URLError(f"invalid port {_q(host[colon:])} after host")
    return _unescape(host, _ENC_HOST)


def _parse_authority(authority: bytes, scheme: bytes) -> bytes:
    at = authority.rfind(b"@")
    host = _parse_host(authority[at + 1:], scheme)
    if at >= 0:
        userinfo = authority[:at]
        for r in _runes(userinfo):
            if not (r < 0x80 and (chr(r).isalnum() or r in _USERINFO_EXTRA)):
                raise _URLError("net/url: invalid userinfo")
        for part in userinfo.split(b":", 1):
            _unescape(part, _ENC_USER)
    return host


class GoURL:
    """The parts of a parsed URL the format checks read."""

    def __init__(self) -> None:
        self.scheme = b""
        self.host = b""
        self.raw_path = b""


def _parse_ref(raw: bytes) -> GoURL:
    url = GoURL()
    if any(c < 0x20 or c == 0x7F for c in raw):
        raise _URLError("net/url: invalid control character in URL")
    if raw == b"*":
        return url
    rest = raw
    for i, c in enumerate(raw):
        if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A:
            continue
        if _digit(c) or c in b"+-.":
            if i == 0:
                break
            continue
        if c == 0x3A:
            if i == 0:
                raise _URLError("missing protocol scheme")
            url.scheme, rest = raw[:i].lower(), raw[i + 1:]
        break
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        rest = rest[:-1]
    else:
        rest = rest.partition(b"?")[0]
    if not rest.startswith(b"/"):
        if url.scheme:
            return url  # opaque
        if b":" in rest.partition(b"/")[0]:
            raise _URLError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
        authority, slash, path = rest[2:].partition(b"/")
        rest = slash + path
        url.host = _parse_authority(authority, url.scheme)
    path = _unescape(rest, _ENC_PATH)
    url.raw_path = b"" if _escape(path, _ENC_PATH) == rest else rest
    return url


def go_parse_url(raw: bytes) -> GoURL:
    """``url.Parse``, raising its error text."""
    before, _, frag = raw.partition(b"#")
    try:
        url = _parse_ref(before)
    except _URLError as exc:
        raise FormatError(f"parse {_q(before)}: {exc}") from None
    if frag:
        try:
            _unescape(frag, _ENC_FRAGMENT)
        except _URLError as exc:
            raise FormatError(f"parse {_q(raw)}: {exc}") from None
    return url


def _url_hostname(host: bytes) -> bytes:
    """``URL.Hostname``: the host without its port and IPv6 brackets."""
    colon = host.rfind(b":")
    if colon != -1 and _valid_port(host[colon:]):
        host = host[:colon]
    if host.startswith(b"[") and host.endswith(b"]"):
        host = host[1:-1]
    return host


def _parse_checked_url(s: bytes) -> GoURL:
    url = go_parse_url(s)
    name = _url_hostname(url.host)
    if b":" in name:
        if b"[" not in url.host or b"]" not in url.host:
            raise FormatError("ipv6 address not enclosed in brackets")
        try:
            _ipv6_format(name)
        except FormatError as exc:
            raise FormatError(f"invalid ipv6 address: {exc}") from None
    return url


# -- the validators ---------------------------------------------------------------------


def _json_pointer(s: bytes) -> None:
    if not s:
        return
    if not s.startswith(b"/"):
        raise FormatError("not starting with /")
    for tok in s.split(b"/")[1:]:
        escape = False
        for ch in _runes(tok):
            if escape:
                escape = False
                if ch not in (0x30, 0x31):
                    raise FormatError("~ must be followed by 0 or 1")
                continue
            if ch == 0x7E:
                escape = True
                continue
            if not (ch <= 0x2E or 0x30 <= ch <= 0x7D or ch >= 0x7F):
                raise FormatError(f"invalid character {quote_rune(ch)}")
        if escape:
            raise FormatError("~ must be followed by 0 or 1")


def _relative_json_pointer(s: bytes) -> None:
    n = 0
    while n < len(s) and _digit(s[n]):
        n += 1
    if n == 0:
        raise FormatError("must start with non-negative integer")
    if n > 1 and s.startswith(b"0"):
        raise FormatError("starts with zero")
    if s[n:] == b"#":
        return
    _json_pointer(s[n:])


def _uuid(s: bytes) -> None:
    sizes = (8, 4, 4, 4, 12)
    groups = s.split(b"-")
    if len(groups) != len(sizes):
        raise FormatError(f"must have {len(sizes)} elements")
    for i, group in enumerate(groups):
        if len(group) != sizes[i]:
            raise FormatError(f"element {i + 1} must be {sizes[i]} characters long")
        for ch in _runes(group):
            if not (ch < 0x80 and _hex(ch) >= 0):
                raise FormatError(f"non-hex character {quote_rune(ch)}")


def _duration(s: bytes) -> None:
    if not s.startswith(b"P"):
        raise FormatError("must start with P")
    s = s[1:]
    if not s:
        raise FormatError("nothing after P")
    if s.endswith(b"W"):
        week = s[:-1]
        if not week:
            raise FormatError("no number in week")
        if not all(_digit(c) for c in week):
            raise FormatError("invalid week")
        return
    all_units = (b"YMD", b"HMS")
    for i, part in enumerate(s.split(b"T")):
        if i != 0 and not part:
            raise FormatError("no time elements")
        if i >= len(all_units):
            raise FormatError("more than one T")
        units = all_units[i]
        while part:
            n = 0
            while n < len(part) and _digit(part[n]):
                n += 1
            if n == 0:
                raise FormatError("missing number")
            part = part[n:]
            if not part:
                raise FormatError("missing unit")
            unit = part[0]
            j = units.find(bytes([unit]))
            if j == -1:
                if bytes([unit]) in all_units[i]:
                    raise FormatError(f"unit {quote_rune(unit)} out of order")
                raise FormatError(f"invalid unit {quote_rune(unit)}")
            units = units[j + 1:]
            part = part[1:]


def _ipv4(s: bytes) -> None:
    groups = s.split(b".")
    if len(groups) != 4:
        raise FormatError("expected four decimals")
    for group in groups:
        if len(group) > 1 and group[0] == 0x30:
            raise FormatError("leading zeros")
        n = go_atoi(group)
        if not 0 <= n <= 255:
            raise FormatError("decimal must be between 0 and 255")


def _ipv6_format(s: bytes) -> None:
    if b":" not in s:
        raise FormatError("missing colon")
    if go_parse_addr(s):
        raise FormatError("zone id is not a part of ipv6 address")


def _hostname(s: bytes) -> None:
    s = s.removesuffix(b".")
    if len(s) > 253:
        raise FormatError("more than 253 characters long")
    for label in s.split(b"."):
        if not 1 <= len(label) <= 63:
            raise FormatError("label must be 1 to 63 characters long")
        if label.startswith(b"-"):
            raise FormatError("label starts with hyphen")
        if label.endswith(b"-"):
            raise FormatError("label ends with hyphen")
        for ch in _runes(label):
            if not (ch < 0x80 and (chr(ch).isalnum() or ch == 0x2D)):
                raise FormatError(f"invalid character {quote_rune(ch)}")


_EMAIL_SPECIALS = frozenset(map(ord, ".!#$%&'*+-/=?^_`{|}~"))


def _email(s: bytes) -> None:
    if len(s) > 254:
        raise FormatError("more than 255 characters long")
    at = s.rfind(b"@")
    if at == -1:
        raise FormatError("missing @")
    local, domain = s[:at], s[at + 1:]
    if len(local) > 64:
        raise FormatError("local part more than 64 characters long")
    if len(local) > 1 and local.startswith(b'"'):  # the validator checks only the opening quote
        inner = local[1:-1]
        if b"\\" in inner or b'"' in inner:
            raise FormatError("backslash and quote are not allowed within quoted local part")
    else:
        if local.startswith(b"."):
            raise FormatError("starts with dot")
        if local.endswith(b"."):
            raise FormatError("ends with dot")
        if b".." in local:
            raise FormatError("consecutive dots")
        for ch in _runes(local):
            if not (ch < 0x80 and (chr(ch).isalnum() or ch in _EMAIL_SPECIALS)):
                raise FormatError(f"invalid character {quote_rune(ch)}")
    if domain.startswith(b"[") and domain.endswith(b"]"):
        inner = domain[1:-1]
        if inner.startswith(b"IPv6:"):
            try:
                _ipv6_format(inner[5:])
            except FormatError as exc:
                raise FormatError(f"invalid ipv6 address: {exc}") from None
            return
        try:
            _ipv4(inner)
        except FormatError as exc:
            raise FormatError(f"invalid ipv4 address: {exc}") from None
        return
    try:
        _hostname(domain)
    except FormatError as exc:
        raise FormatError(f"invalid domain: {exc}") from None


def _date(s: bytes) -> None:
    go_parse_date(s)


def _hms(tok: bytes) -> int:
    try:
        return go_atoi(tok)
    except FormatError:
        raise FormatError("invalid hour/min/sec") from None


def _time(text: bytes) -> None:
    if len(text) < 9:
        raise FormatError("less than 9 characters long")
    if text[2] != 0x3A or text[5] != 0x3A:
        raise FormatError("missing colon in correct place")
    hms = [_hms(tok) for tok in text[:8].split(b":", 2)]
    if any(n < 0 for n in hms):
        raise FormatError("non-positive hour/min/sec")
    h, m, sec = hms
    if h > 23 or m > 59 or sec > 60:
        raise FormatError("hour/min/sec out of range")
    rest = text[8:]
    if rest.startswith(b"."):
        rest = rest[1:]
        n = 0
        while n < len(rest) and _digit(rest[n]):
            n += 1
        if n == 0:
            raise FormatError("no digits in second fraction")
        rest = rest[n:]
    if rest not in (b"z", b"Z"):
        if len(rest) != 6:
            raise FormatError("offset must be 6 characters long")
        if rest[0] not in (0x2B, 0x2D):
            raise FormatError("offset must begin with plus/minus")
        sign = -1 if rest[0] == 0x2B else 1
        rest = rest[1:]
        if rest[2] != 0x3A:
            raise FormatError("missing colon in offset in correct place")
        zhm = []
        for tok in rest.split(b":", 1):
            try:
                zhm.append(go_atoi(tok))
            except FormatError:
                raise FormatError("invalid hour/min in offset") from None
            if zhm[-1] < 0:
                raise FormatError("non-positive hour/min in offset")
        zh, zm = zhm
        if zh > 23 or zm > 59:
            raise FormatError("hour/min in offset out of range")
        hm = h * 60 + m + sign * (zh * 60 + zm)
        if hm < 0:
            hm += 24 * 60
        h, m = hm // 60, hm % 60
    if sec >= 60 and (h != 23 or m != 59):
        raise FormatError("invalid leap second")


def _date_time(s: bytes) -> None:
    if len(s) < 20:
        raise FormatError("less than 20 characters long")
    if s[10] not in (0x74, 0x54):
        raise FormatError("11th character must be t or T")
    try:
        _date(s[:10])
    except FormatError as exc:
        raise FormatError(f"invalid date element: {exc}") from None
    try:
        _time(s[11:])
    except FormatError as exc:
        raise FormatError(f"invalid time element: {exc}") from None


def _period(s: bytes) -> None:
    slash = s.find(b"/")
    if slash == -1:
        raise FormatError("missing slash")
    start, end = s[:slash], s[slash + 1:]

    def part(check: Callable[[bytes], None], value: bytes, what: str) -> None:
        try:
            check(value)
        except FormatError as exc:
            raise FormatError(f"invalid {what}: {exc}") from None

    if start.startswith(b"P"):
        part(_duration, start, "start duration")
        part(_date_time, end, "end date-time")
    else:
        part(_date_time, start, "start date-time")
        if end.startswith(b"P"):
            part(_duration, end, "end duration")
        else:
            part(_date_time, end, "end date-time")


def _uri(s: bytes) -> None:
    if not _parse_checked_url(s).scheme:
        raise FormatError("relative url")


def _uri_reference(s: bytes) -> None:
    if b"\\" in s:
        raise FormatError("contains \\")
    _parse_checked_url(s)


def _uri_template(s: bytes) -> None:
    url = _parse_checked_url(s)
    for tok in url.raw_path.split(b"/"):
        try:
            tok = _unescape(tok, _ENC_PATH)
        except _URLError as exc:
            raise FormatError(f"percent decode failed: {exc}") from None
        want = True
        for ch in _runes(tok):
            if ch not in (0x7B, 0x7D):
                continue
            if (ch == 0x7B) != want:
                raise FormatError("nested curly braces")
            want = not want
        if not want:
            raise FormatError("no matching closing brace")


def _semver_ident_char(ch: int) -> bool:
    return ch < 0x80 and (chr(ch).isalnum() or ch == 0x2D)


def _semver(s: bytes) -> None:
    i = s.find(b"+")
    if i != -1:
        build = s[i + 1:]
        if not build:
            raise FormatError("build is empty")
        for ident in build.split(b"."):
            if not ident:
                raise FormatError("build identifier is empty")
            for ch in _runes(ident):
                if not _semver_ident_char(ch):
                    raise FormatError(f"invalid character {quote_rune(ch)} in build identifier")
        s = s[:i]
    i = s.find(b"-")
    if i != -1:
        for ident in s[i + 1:].split(b"."):
            if not ident:
                raise FormatError("pre-release identifier is empty")
            all_digits = True
            for ch in _runes(ident):
                if not _semver_ident_char(ch):
                    raise FormatError(f"invalid character {quote_rune(ch)} in pre-release identifier")
                if not _digit(ch):
                    all_digits = False
            if all_digits and len(ident) > 1 and ident[0] == 0x30:
                raise FormatError("pre-release numeric identifier starts with zero")
        s = s[:i]
    versions = s.split(b".")
    if len(versions) != 3:
        raise FormatError("versionCore must have 3 numbers separated by dot")
    for name, version in zip(("major", "minor", "patch"), versions, strict=True):
        if not version:
            raise FormatError(f"{name} is empty")
        if len(version) > 1 and version[0] == 0x30:
            raise FormatError(f"{name} starts with zero")
        if not all(_digit(c) for c in version):
            raise FormatError(f"{name} contains non-digit")


_CHECKS: dict[str, Callable[[bytes], None]] = {
    "json-pointer": _json_pointer, "relative-json-pointer": _relative_json_pointer, "uuid": _uuid,
    "duration": _duration, "period": _period, "ipv4": _ipv4, "ipv6": _ipv6_format,
    "hostname": _hostname, "email": _email, "date": _date, "time": _time, "date-time": _date_time,
    "semver": _semver, "uri": _uri, "iri": _uri, "uri-reference": _uri_reference,
    "iri-reference": _uri_reference, "uri-template": _uri_template,
}


def known(name: str) -> bool:
    """Whether the validator checks format ``name`` (``regex`` is checked by the evaluator)."""
    return name in _CHECKS


def check(name: str, value: str) -> str | None:
    """The detail text of ``value`` failing format ``name``, or ``None``."""
    fn = _CHECKS.get(name)
    if fn is None:
        return None
    try:
        fn(go_bytes(value))
    except FormatError as exc:
        return str(exc)
    return None
