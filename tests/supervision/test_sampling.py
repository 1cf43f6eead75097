"""The draw is a function of the seed and the frame's contents only."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from onewindow.supervision import sampling
from onewindow.supervision.sampling import FrameCase

SEED = "ab" * 32
FRAME = [FrameCase(f"OW-{n:04d}-TEST", "station=a" if n % 3 else "station=b") for n in range(40)]


def test_it_commits_to_the_seed_with_sha256() -> None:
    assert (
        sampling.commitment("00" * 32) == "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    )


def test_it_draws_the_rate_from_each_stratum() -> None:
    chosen = sampling.draw(SEED, FRAME, rate=Decimal("0.1"))
    # 26 cases in a (ceil 2.6 = 3), 14 in b (ceil 1.4 = 2).
    assert len(chosen) == 5
    assert sum(1 for ref in chosen if int(ref[3:7]) % 3) == 3


def test_it_shares_a_sample_size_out_in_proportion() -> None:
    assert sampling.quotas({"a": 26, "b": 14}, size=10) == {"a": 7, "b": 3}
    assert sampling.quotas({"a": 1, "b": 1}, size=1) == {"a": 1, "b": 0}
    assert sampling.quotas({"a": 2}, size=10) == {"a": 2}


@given(st.randoms(use_true_random=False))
def test_it_ignores_the_order_of_the_frame(rng: random.Random) -> None:
    shuffled = FRAME[:]
    rng.shuffle(shuffled)
    assert sampling.draw(SEED, shuffled, size=7) == sampling.draw(SEED, FRAME, size=7)
    assert sampling.frame_hash(shuffled) == sampling.frame_hash(FRAME)


def test_it_depends_on_the_seed() -> None:
    assert sampling.draw(SEED, FRAME, size=7) != sampling.draw("cd" * 32, FRAME, size=7)


def test_it_ranks_by_the_published_score() -> None:
    chosen = sampling.draw(SEED, [FrameCase(c.reference) for c in FRAME], size=3)
    expected = sorted(sorted((c.reference for c in FRAME), key=lambda r: sampling.score(SEED, r))[:3])
    assert chosen == expected
