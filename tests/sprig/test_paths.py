"""Sprig path, URL and network functions compared with real Helm."""

from __future__ import annotations

import json

import pytest

from kts.sprig import dicts, lists, network, paths, urls
from tests.sprig.sprig_oracle import compare

FUNCS = {**paths.FUNCS, **urls.FUNCS, **network.FUNCS, **dicts.FUNCS, **lists.FUNCS}

PATHS = ["", "/", "//", "a", "/a/b.txt", "a/b/", "/a/../b/./c", "../../a", "a/../..", "./", ".", "..",
         "x.tar.gz", "/a.b/c", "a//b///c/", "/..", "/../a/..", ".hidden", "a/.b", "é/ü.txt", "a/b.",
         "///a", "a/./b/../../c"]

URLS = ["https://user:pw@example.com:8080/p/a%20t/h?q=1&r=%2F#frag%20x", "http://example.com",
        "mailto:someone@example.com", "//host/path", "/just/path?x", "rel/path", "a:b", "1http://x",
        "http://[::1]:80/x", "http://[fe80::1%25en0]/", "HTTP://Host.COM/", "http://h:port/",
        "http://h:/", "http://us%40er@h/", "http://a b/", "http://h/%zz", "http://h/a#%zz",
        "://x", "", "*", "?", "http://h/p?", "http://h/p?a?b", "http://[::1/", "http://u:p:q@h/",
        "http://ü@h/", "http://héllo.com/pä th", "http://h/a\tb", "http://h:99999999999/",
        "s3://bucket/key", "file:///etc/hosts", "http://h#", "postgres://u@/db", "cache_object:foo/bar",
        "http://%41/", "http://h%C3%A9/", "http://[::1]x/"]

JOINS = [
    {"scheme": "https", "host": "example.com", "path": "/a b", "query": "x=1", "fragment": "f g"},
    {"scheme": "http", "host": "h", "path": "rel"}, {"path": "a:b/c"}, {"scheme": "mailto", "opaque": "x@y"},
    {"scheme": "http", "host": "h", "userinfo": "user:p@ss"},
    {"scheme": "http", "host": "héllo", "path": "/ü?"},
    {"host": "h"}, {}, {"scheme": "http"}, {"scheme": "http", "path": "/p", "query": ""},
    {"userinfo": "u", "path": "p"}, {"scheme": "http", "host": "h", "fragment": "a!b'c"},
    {"scheme": "http", "host": "h", "userinfo": "a b"}, {"scheme": "http", "host": "h", "userinfo": "%zz"},
]


IP_LITERALS = ["foo", "1.2.3.4", "::1%25en0", "v1.x", "1.2.3", "::g", "%41::1", "::ffff:1.2.3.4", "%25x", "",
               "1::2::3", "::00001", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1.2.3", "1::1.2.3.4",
               "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.04", "::1.2.3.256", "1:", "::",
               "1:2:3:4:5:6:7:8::", "fe80::1%25", "::1%25%0a", "12345::", ":1", "1.2.3.4.5", ".1.2.3",
               "::1]:x",
               "::%2561", "::1.2.x.4"]
HOSTS = ["postgres://h1:1,h2:2/db", "http://h1:1,h2:2/db", "https://:a:?q=1]", "http://a:~h[", "http:// %25["]


def _dict_expr(d: dict[str, str]) -> str:
    return "(dict " + " ".join(f"{json.dumps(k)} {json.dumps(v)}" for k, v in d.items()) + ")"


def exprs() -> list[str]:
    out = []
    for p in PATHS:
        q = json.dumps(p)
        out += [f"{fn} {q}" for fn in ("base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean",
                                       "osExt", "osIsAbs")]
    out += [f"urlParse {json.dumps(u)} | toJson" for u in URLS]
    out += [f"urlJoin {_dict_expr(d)}" for d in JOINS]
    out += [f'urlParse {json.dumps("http://[" + h + "]/")} | toJson' for h in IP_LITERALS]
    out += [f"urlParse {json.dumps(h)} | toJson" for h in HOSTS]
    out += [f"urlJoin (urlParse {json.dumps(u)})" for u in URLS[:18]]
    out += ['urlJoin (dict "host" 1)', 'urlJoin (dict "path" nil)', 'urlJoin (dict "path" (list))',
            'getHostByName "localhost"', 'getHostByName ""']
    return out


@pytest.mark.slow
def test_paths_urls_network_match_helm(tmp_path):
    assert compare(tmp_path, FUNCS, exprs()) == []


TEMPLATE_LINES = [
    '{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ ext "x.tar.gz" }}'
    ' {{ clean "/a/../b/./c" }} {{ isAbs "a" }}',
    '{{ osBase "a/b/" }} {{ osDir "a" }} {{ osClean "" }} {{ osExt ".bashrc" }} {{ osIsAbs "/x" }}',
    '{{ $u := urlParse "https://u:p@example.com:8443/a%20b?x=1#top" }}{{ $u.host }} {{ $u.hostname }}'
    ' {{ $u.path }} {{ $u.query }} {{ $u.userinfo }} {{ $u.fragment }} {{ $u.scheme }}',
    '{{ $u := urlParse "http://example.com/p" }}{{ $_ := set $u "path" "/q r" }}{{ urlJoin $u }}',
    '{{ urlJoin (dict "scheme" "http" "host" "h" "query" "a=b") }} {{ getHostByName "example.com" | quote }}',
    '{{ urlParse "http://h/%zz" }}',
    '{{ urlJoin (dict "host" 1) }}',
    '{{ urlParse ":x" }}',
]


def test_paths_in_templates_match_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES) == []


def test_template_comparison_can_fail(tmp_path, monkeypatch):
    from tests.sprig.sprig_oracle import template_mismatches

    monkeypatch.setattr(paths.FUNCS["base"], "fn", lambda p: "wrong")
    assert template_mismatches(tmp_path, ['{{ base "a/b" }}']) == [('{{ base "a/b" }}', "b", "wrong")]
