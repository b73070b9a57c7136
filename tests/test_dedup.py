"""The retry de-duplicator stays bounded in entries and in time."""
from __future__ import annotations


from bot.dedup import MemoryDeduplicator, message_key


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


def test_key_includes_user_and_time():
    assert message_key("a", 1, "9") != message_key("b", 1, "9")
    assert message_key("a", 1, "") == "a|1|event:"
