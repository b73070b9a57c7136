"""The retry de-duplicator: one run per message, retries share its result; bounded in entries and time."""
from __future__ import annotations

import asyncio

import pytest

from bot.channels.wechat.dedup import MemoryDeduplicator, MemoryReplay, message_key


async def test_bounded_in_entries():
    d = MemoryDeduplicator(ttl_seconds=60, max_entries=100)

    async def work():
        return "x"
    for i in range(1000):
        await d.once(f"k{i}", work)
    assert len(d) <= 101


async def test_forgets_after_ttl():
    now = [0.0]
    d = MemoryDeduplicator(ttl_seconds=10, max_entries=100, clock=lambda: now[0])
    calls = []

    async def work():
        calls.append(1)
        return len(calls)
    assert await d.once("k", work) == (1, False)
    now[0] = 5
    assert await d.once("k", work) == (1, True)
    now[0] = 20
    assert await d.once("k", work) == (2, False)


async def test_failure_is_forgotten_so_the_retry_runs():
    d = MemoryDeduplicator()
    attempts = []

    async def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("boom")
        return "ok"
    try:
        await d.once("k", flaky)
    except RuntimeError:
        pass
    assert await d.once("k", flaky) == ("ok", False)


async def test_retries_in_flight_share_the_one_result_and_a_cancelled_retry_cancels_nothing():
    d = MemoryDeduplicator()
    release, runs = asyncio.Event(), []

    async def slow():
        runs.append(1)
        await release.wait()
        return "answer"
    first = asyncio.ensure_future(d.once("k", slow))
    await asyncio.sleep(0)
    retry, dropped = asyncio.ensure_future(d.once("k", slow)), asyncio.ensure_future(d.once("k", slow))
    await asyncio.sleep(0)
    dropped.cancel()
    release.set()
    assert await first == ("answer", False)
    assert await retry == ("answer", True)
    with pytest.raises(asyncio.CancelledError):
        await dropped
    assert runs == [1]
    assert await d.once("k", slow) == ("answer", True)  # after completion: the stored result


async def test_retries_in_flight_see_the_failure_and_the_next_one_runs_again():
    d = MemoryDeduplicator()
    release = asyncio.Event()

    async def failing():
        await release.wait()
        raise RuntimeError("boom")
    first = asyncio.ensure_future(d.once("k", failing))
    await asyncio.sleep(0)
    retry = asyncio.ensure_future(d.once("k", failing))
    await asyncio.sleep(0)
    release.set()
    for fut in (first, retry):
        with pytest.raises(RuntimeError):
            await fut

    async def fine():
        return "ok"
    assert await d.once("k", fine) == ("ok", False)


def test_key_includes_user_and_time():
    assert message_key("a", 1, "9") != message_key("b", 1, "9")
    assert message_key("a", 1, "", "click", "K1") != message_key("a", 1, "", "click", "K2")


async def test_expired_messages_leave_memory_within_a_second_of_sweeping():
    now = [0.0]
    d = MemoryDeduplicator(ttl_seconds=10, max_entries=1000, clock=lambda: now[0])

    async def work():
        return "x"
    for i in range(50):
        await d.once(f"old{i}", work)
    now[0] = 10.5                    # expired, but swept at most once a second
    await d.once("new1", work)
    now[0] = 11.6
    await d.once("new2", work)
    assert len(d) == 2
    now[0] = 30                      # an expired key said again is new, and kept as the newest
    assert await d.once("new1", work) == ("x", False)


async def test_the_replay_memory_forgets_a_signed_query_exactly_at_its_end():
    now = [0.0]
    r = MemoryReplay(clock=lambda: now[0])
    assert await r.first("q1", "m1", ttl=5) is None
    now[0] = 5.0
    assert await r.first("q1", "m2", ttl=5) == ("m1", 5.0)   # still within its window
    now[0] = 5.5                     # past it, though not swept yet: new again
    assert await r.first("q1", "m3", ttl=5) is None
    assert await r.first("q1", "m4", ttl=5) == ("m3", 0.0)


async def test_when_full_the_oldest_message_goes_and_the_latest_are_still_known():
    d = MemoryDeduplicator(ttl_seconds=60, max_entries=100)

    async def work():
        return "x"
    for i in range(150):
        await d.once(f"k{i}", work)
    assert await d.once("k149", work) == ("x", True) and await d.once("k60", work) == ("x", True)
    assert await d.once("k0", work) == ("x", False)
    r = MemoryReplay(max_entries=100)
    for i in range(150):
        await r.first(f"q{i}", f"m{i}", ttl=60)
    assert (await r.first("q149", "other", ttl=60))[0] == "m149"
    assert await r.first("q0", "m0", ttl=60) is None
