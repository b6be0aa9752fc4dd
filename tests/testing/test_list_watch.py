"""List and watch: selectors, resourceVersion semantics, bookmarks, 410 Expired, pagination."""

from __future__ import annotations

import asyncio

from tests.testing.conftest import Http, cm

CM = "/api/v1/namespaces/t/configmaps"


async def _names(http: Http, **params: str) -> list[str]:
    status, body = await http.get(CM, **params)
    assert status == 200, body
    return [i["metadata"]["name"] for i in body["items"]]


async def test_label_selectors(http: Http, ns: str) -> None:
    await http.post(CM, cm("a", labels={"tier": "web", "env": "prod"}))
    await http.post(CM, cm("b", labels={"tier": "db", "env": "dev"}))
    await http.post(CM, cm("c", labels={"tier": "cache"}))
    assert await _names(http, labelSelector="tier=web") == ["a"]
    assert await _names(http, labelSelector="tier==web") == ["a"]
    assert await _names(http, labelSelector="tier!=web") == ["b", "c"]
    assert await _names(http, labelSelector="tier in (web, db)") == ["a", "b"]
    assert await _names(http, labelSelector="tier notin (web,db)") == ["c"]
    assert await _names(http, labelSelector="env") == ["a", "b"]
    assert await _names(http, labelSelector="!env") == ["c"]
    assert await _names(http, labelSelector="env,tier=db") == ["b"]
    status, _body = await http.get(CM, labelSelector="tier in web")
    assert status == 400


async def test_field_selectors(http: Http, ns: str) -> None:
    await http.post(CM, cm("a"))
    await http.post(CM, cm("b"))
    assert await _names(http, fieldSelector="metadata.name=b") == ["b"]
    assert await _names(http, fieldSelector="metadata.name!=b") == ["a"]
    status, body = await http.get(CM, fieldSelector="data.x=1")
    assert status == 400
    status, body = await http.get("/api/v1/configmaps", fieldSelector="metadata.namespace=t")
    assert [i["metadata"]["name"] for i in body["items"]] == ["a", "b"]


async def test_list_shape_and_pagination(http: Http, ns: str) -> None:
    for n in "abcde":
        await http.post(CM, cm(n))
    _status, body = await http.get(CM, limit=2)
    assert body["kind"] == "ConfigMapList" and body["apiVersion"] == "v1"
    assert [i["metadata"]["name"] for i in body["items"]] == ["a", "b"]
    assert body["metadata"]["remainingItemCount"] == 3
    names = [i["metadata"]["name"] for i in body["items"]]
    while body["metadata"].get("continue"):
        _, body = await http.get(CM, limit=2, **{"continue": body["metadata"]["continue"]})
        names += [i["metadata"]["name"] for i in body["items"]]
    assert names == list("abcde")


async def test_watch_from_resource_version_replays_history(http: Http, ns: str) -> None:
    _, a = await http.post(CM, cm("a"))
    await http.post(CM, cm("b"))
    await http.patch(f"{CM}/a", {"data": {"x": "1"}})
    await http.delete(f"{CM}/b")
    events = await http.watch(CM, 3, resourceVersion=a["metadata"]["resourceVersion"])
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "b"),
        ("MODIFIED", "a"),
        ("DELETED", "b"),
    ]
    assert events[1]["object"]["kind"] == "ConfigMap"


async def test_watch_without_resource_version_lists_first(http: Http, ns: str) -> None:
    await http.post(CM, cm("a", labels={"w": "1"}))
    await http.post(CM, cm("b"))
    events = await http.watch(CM, 1, labelSelector="w=1", timeout=0.5)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a")]


async def test_watch_selector_transitions(http: Http, ns: str) -> None:
    _, a = await http.post(CM, cm("a", labels={"w": "1"}))
    task = asyncio.create_task(
        http.watch(CM, 2, labelSelector="w=1", resourceVersion=a["metadata"]["resourceVersion"])
    )
    await asyncio.sleep(0.1)
    await http.patch(f"{CM}/a", {"metadata": {"labels": {"w": "2"}}})
    await http.patch(f"{CM}/a", {"metadata": {"labels": {"w": "1"}}})
    events = await task
    assert [e["type"] for e in events] == ["DELETED", "ADDED"]


async def test_watch_timeout_and_bookmarks(kube_emulator, http: Http, ns: str) -> None:
    kube_emulator.server.bookmark_interval = 0.05
    events = await http.watch(
        CM,
        10,
        timeout=3,
        resourceVersion=str(kube_emulator.store.rv),
        timeoutSeconds=0.3,
        allowWatchBookmarks="true",
    )
    assert events and all(e["type"] in ("BOOKMARK", "ADDED") for e in events)
    assert any(e["type"] == "BOOKMARK" for e in events)
    bookmark = next(e for e in events if e["type"] == "BOOKMARK")
    assert bookmark["object"]["kind"] == "ConfigMap" and bookmark["object"]["metadata"]["resourceVersion"]


async def test_send_initial_events_ends_with_bookmark(http: Http, ns: str) -> None:
    await http.post(CM, cm("a"))
    events = await http.watch(
        CM, 2, sendInitialEvents="true", allowWatchBookmarks="true", resourceVersionMatch="NotOlderThan"
    )
    assert events[0]["type"] == "ADDED"
    assert events[1]["type"] == "BOOKMARK"
    assert events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


async def test_compacted_history_gives_410(kube_emulator, http: Http, ns: str) -> None:
    _, a = await http.post(CM, cm("a"))
    kube_emulator.compact()
    events = await http.watch(CM, 1, resourceVersion=a["metadata"]["resourceVersion"])
    assert events[0]["type"] == "ERROR"
    assert events[0]["object"]["code"] == 410
    assert events[0]["object"]["reason"] == "Expired"
    assert events[0]["object"]["message"].startswith("too old resource version:")


async def test_bounded_history(http: Http, ns: str) -> None:
    from kts.testing import Emulator

    async with Emulator(history_limit=5) as emu:
        import aiohttp

        async with aiohttp.ClientSession() as s:
            small = Http(s, emu)
            await small.post("/api/v1/namespaces", {"metadata": {"name": "t"}})
            _, first = await small.post(CM, cm("first"))
            for i in range(10):
                await small.post(CM, cm(f"n{i}"))
            events = await small.watch(CM, 1, resourceVersion=first["metadata"]["resourceVersion"])
            assert events[0]["type"] == "ERROR" and events[0]["object"]["code"] == 410


async def test_drop_watches_closes_streams(kube_emulator, http: Http, ns: str) -> None:
    task = asyncio.create_task(http.watch(CM, 5, timeout=3, resourceVersion=str(kube_emulator.store.rv)))
    await asyncio.sleep(0.1)
    assert kube_emulator.drop_watches() == 1
    events = await asyncio.wait_for(task, 2)
    assert events == []
