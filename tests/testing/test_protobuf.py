"""The generated protobuf field table hangs together: every message a field names is described
(or is one of the types that marshal their own JSON), and every kind points at a message."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

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


def _generator() -> Any:
    path = Path(__file__).resolve().parents[2] / "tools" / "gen_protobuf_fields.py"
    spec = importlib.util.spec_from_file_location("gen_protobuf_fields", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_reads_proto_fields_and_go_struct_tags() -> None:
    gen = _generator()
    proto = gen.parse_proto(
        "message Volume {\n  optional string name = 1;\n  optional VolumeSource volumeSource = 2;\n}\n"
        "message Spec {\n  optional int32 replicas = 1;\n  repeated string args = 2;\n"
        "  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> limits = 3;\n}\n",
        "core.v1",
    )
    assert proto["Volume"] == [
        (1, "name", "string", False),
        (2, "volumeSource", "core.v1.VolumeSource", False),
    ]
    assert proto["Spec"][2] == (3, "limits", "map:api.resource.Quantity", False)
    go = (
        "type Volume struct {\n"
        '\tName string `json:"name" protobuf:"bytes,1,opt,name=name"`\n'
        '\tVolumeSource `json:",inline" protobuf:"bytes,2,opt,name=volumeSource"`\n'
        "}\n"
        "type Spec struct {\n"
        '\tmetav1.TypeMeta `json:",inline"`\n'
        '\tReplicas *int32 `json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`\n'
        "}\n"
        "type ExtraValue []string\n"
    )
    structs, slices, kinds = gen.parse_go([go])
    assert structs["Volume"] == {1: ("name", False), 2: (",inline", False)}
    assert structs["Spec"] == {1: ("replicas,omitempty", True)}
    assert slices == {"ExtraValue"} and kinds == {"Spec"}
