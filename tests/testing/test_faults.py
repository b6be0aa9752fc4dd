"""Fault injection and the request log."""

from __future__ import annotations

import time

import pytest

from kts.testing import Emulator
from tests.testing.conftest import Http, cm

CM = "/api/v1/namespaces/t/configmaps"


async def test_fail_next_requests(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_requests(r"/configmaps/a$", status=503, method="PATCH", count=2)
    for _ in range(2):
        status, body = await http.apply(f"{CM}/a", cm("a"))
        assert status == 503
        assert body["kind"] == "Status" and body["reason"] == "ServiceUnavailable" and body["code"] == 503
    status, _ = await http.get(f"{CM}/a")
    assert status == 404
    status, _ = await http.apply(f"{CM}/a", cm("a"))
    assert status == 201


async def test_fail_with_custom_body(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_requests("/configmaps", status=429, reason="TooManyRequests", message="slow down")
    status, body = await http.get(CM)
    assert status == 429 and body["message"] == "slow down"


@pytest.mark.slow
async def test_latency(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.add_latency(0.4, path="/configmaps")
    start = time.monotonic()
    await http.get(CM)
    assert time.monotonic() - start >= 0.4
    kube_emulator.clear_faults()
    start = time.monotonic()
    await http.get(CM)
    assert time.monotonic() - start < 0.4


async def test_request_log(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.clear_requests()
    await http.apply(f"{CM}/a", cm("a"), manager="kts", force="true", fieldValidation="Strict")
    await http.get(CM)
    assert kube_emulator.request_count == 2
    [patch] = kube_emulator.requests(method="PATCH")
    assert patch.content_type == "application/apply-patch+yaml"
    assert patch.query == {"fieldManager": "kts", "force": "true", "fieldValidation": "Strict"}
    assert patch.status == 201
    assert kube_emulator.requests(path="/configmaps", watch=False)[1].method == "GET"
