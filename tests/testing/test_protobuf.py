"""The generated protobuf field table hangs together: every message a field names is described
(or is one of the types that marshal their own JSON), and every kind points at a message."""

from __future__ import annotations

from kts.testing import protobuf
from kts.testing.protobuf_fields import KINDS, LISTS, MESSAGES

_SCALARS = {"string", "bytes", "bool", "int", "uint", "double", "float"}


def _referenced(kind: str) -> str:
    return kind.removeprefix("map:")


def test_every_field_type_is_a_scalar_or_a_described_message() -> None:
    missing = {
        (name, field, kind)
        for name, fields in MESSAGES.items()
        for _, field, kind, _ in fields
        if _referenced(kind) not in _SCALARS
        and _referenced(kind) not in MESSAGES
        and _referenced(kind) not in protobuf._CUSTOM
    }
    assert missing == set()


def test_kinds_and_lists_name_described_messages() -> None:
    assert all(message in MESSAGES for message in KINDS.values())
    assert ("apps/v1", "Deployment") in KINDS and ("v1", "Pod") in KINDS
    for name in LISTS:
        ((number, field, _, flags),) = MESSAGES[name]
        assert (number, field, flags & 1) == (1, "items", 1)


def test_an_empty_body_of_every_kind_decodes_to_its_zero_object() -> None:
    """A kind's zero value decodes without error: no field type is left undecodable."""
    for (api_version, kind), message in KINDS.items():
        obj = protobuf.decode_message(message, b"")
        assert isinstance(obj, dict), (api_version, kind)
