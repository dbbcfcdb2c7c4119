"""The throughput benchmark still runs as documented, on tiny numbers: no figure is judged
here (that is the benchmark's job, on a quiet machine), only that each row and ratio appears
and that a slot hands over to fresh seeded partners before any runs out of journey."""

from __future__ import annotations

import pytest

from bench import telegram_throughput as throughput


async def test_it_prints_every_row_and_both_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    # 1 partner past one seeded person's share (PER_PERSON), so a second takes over mid-run.
    updates = throughput.PER_PERSON + 4
    await throughput.bench([1, 3], [updates, 2], postgres=False, rounds=1)
    printed = capsys.readouterr().out
    for row in ("cornerstones", "echo bot", "echo, aiohttp", "engine alone"):
        assert row in printed
    assert printed.count("throughput ratio cornerstones/echo") == 2
    assert printed.count("against the echo bot on the same aiohttp backend") == 2
    assert f"{updates} updates" in printed and "6 updates" in printed


def test_slots_hand_over_to_fresh_partners_and_keep_one_for_the_warm_up() -> None:
    people = list(range(10))
    slots = throughput.in_slots(people, 2, throughput.PER_PERSON * 2 - 1)  # type: ignore[arg-type]
    assert slots == ([[0, 1], [2, 3]], 4)  # 4, the spare, warms the bot up
