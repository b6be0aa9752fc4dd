"""Escaped names must equal KubeSpawner's, so PVCs and pods keep their names on migration."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubespawner import slugs

from kts.names import (
    escape_slug,
    is_valid_label,
    is_valid_object_name,
    multi_slug,
    safe_slug,
    server_names,
)

_EXAMPLES = 2000 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 150

GOLDEN_SLUGS = [
    # name, escape, safe (max 48)
    ("alice", "alice", "alice"),
    ("has-hyphen", "has-2dhyphen", "has-hyphen"),
    ("Alice", "-41lice", "alice---3bc51062"),
    ("user@email.com", "user-40email-2ecom", "user-email-com---0925f997"),
    ("user.name", "user-2ename", "user-name---c69f268f"),
    ("a_b", "a-5fb", "a-b---648fa9b3"),
    ("1user", "1user", "x-1user---b5732d84"),
    ("-start", "-2dstart", "start---f587e2dc"),
    ("a--b", "a-2d-2db", "a-b---90827a2e"),
    ("ü", "-c3-bc", "x---607474ca"),
    ("üni", "-c3-bcni", "ni---8710b252"),
    ("x" * 49, "x" * 49, "x" * 37 + "---55bb9823"),
]


@pytest.mark.parametrize(("name", "escaped", "safe"), GOLDEN_SLUGS)
def test_golden_slugs(name: str, escaped: str, safe: str) -> None:
    assert escape_slug(name) == escaped
    assert safe_slug(name, max_length=48) == safe


def test_quirks() -> None:
    assert escape_slug("\n") == "-a"
    assert safe_slug("1" + "a" * 33 + "-bbbb", max_length=48) == "x-1" + "a" * 33 + "----1069416f"
    assert safe_slug("9.", label=True) == "x-9---99a1b84b"
    assert safe_slug("AbC.", label=True) == "abc---dbe8c5d1"
    assert safe_slug("Alice", label=True) == "Alice"
    assert multi_slug(["alice", "gpu"]) == "alice--gpu---56b994fa"


GOLDEN_USER_SERVER = [
    ("alice", "", "alice", "alice"),
    ("alice", "gpu", "alice--gpu", "alice--gpu"),
    ("alice", "my-server", "alice--my-server", "alice--my-2dserver"),
    ("Alice", "gpu", "alice---3bc51062--gpu", "-41lice--gpu"),
    (
        "user@email.com",
        "Some Name",
        "user-email-com---0925f997--some-name---3a8b1764",
        "user-40email-2ecom---53ome-20-4eame",
    ),
    ("x" * 47, "", "xxxxxxxxxxxxxxxxx--x---cfcbdd85", "x" * 47),
    ("x" * 20, "y" * 27, "xxxxxxxxxxxxxxxxx--yyyyyyyyyyyyyyyyy---a6c5c573", "x" * 20 + "--" + "y" * 27),
    ("user-1@🐧", "", "user-1---751ab4e2", None),
    ("user-1@🐧", "- +", "user-1---751ab4e2--x---7d589dfd", None),
]


@pytest.mark.parametrize(("user", "server", "safe", "escape"), GOLDEN_USER_SERVER)
def test_golden_user_server(user: str, server: str, safe: str, escape: str | None) -> None:
    assert server_names(user, server, "safe").user_server == safe
    if escape is not None:
        assert server_names(user, server, "escape").user_server == escape


def _kubespawner_names(user: str, server: str, scheme: str) -> tuple[str, str, str]:
    """KubeSpawner 7.1's own computation (spawner.py _expand_user_properties), via its slugs module."""
    if scheme == "escape":
        u, s = slugs.escape_slug(user), slugs.escape_slug(server)
        return u, s, (f"{u}--{s}" if server else u)
    u = slugs.safe_slug(user, max_length=48)
    s = slugs.safe_slug(server, max_length=48) if server else ""
    if len(u) + len(s) + 2 > 48:
        us = slugs.multi_slug([user, server], max_length=48)
    else:
        us = f"{u}--{s}" if server else u
    return u, s, us


names = st.text(
    alphabet=st.one_of(st.sampled_from("abz09-_.@ -A"), st.characters(exclude_categories=("Cs",))),
    max_size=70,
)


@settings(max_examples=_EXAMPLES, deadline=None)
@given(user=names, server=names, scheme=st.sampled_from(["safe", "escape"]))
def test_matches_kubespawner(user: str, server: str, scheme: str) -> None:
    ours = server_names(user, server, scheme)  # type: ignore[arg-type]
    assert (ours.username, ours.servername, ours.user_server) == _kubespawner_names(user, server, scheme)


@settings(max_examples=_EXAMPLES, deadline=None)
@given(name=names)
def test_slug_functions_match(name: str) -> None:
    assert escape_slug(name) == slugs.escape_slug(name)
    assert safe_slug(name) == slugs.safe_slug(name)
    assert safe_slug(name, label=True) == slugs.safe_slug(name, is_valid=slugs.is_valid_label)
    assert is_valid_label(name) == slugs.is_valid_label(name)
    assert is_valid_object_name(name) == slugs.is_valid_object_name(name)
    assert is_valid_object_name(safe_slug(name, max_length=48))


def test_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="slug scheme"):
        server_names("a", "", "other")  # type: ignore[arg-type]
