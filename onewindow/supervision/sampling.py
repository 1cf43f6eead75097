"""The random draw of a check campaign: pure, so that anyone can recompute it.

Given the revealed seed and the published frame (each case's reference and
stratum), the sample is fixed:

* every case gets the score ``SHA-256(seed ":" reference)`` (hex);
* the frame is split into strata; each stratum's quota is ``ceil(rate × n)``
  for a sample rate, or the sample size shared out in proportion to the
  strata's sizes (largest remainders, ties by stratum name);
* each stratum's quota of cases with the lowest scores is the sample.

Nothing else enters: not the order the cases were recorded in, nor the
database's ids, nor the time of the draw. The seed is fixed (and its hash
published) before the period closes, so nobody could steer it towards a
sample, and it is revealed only after the frame is closed.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, order=True)
class FrameCase:
    reference: str
    stratum: str = ""


def commitment(seed: str) -> str:
    """The published commitment to a seed (hex): SHA-256 of its bytes."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def score(seed: str, reference: str) -> str:
    return hashlib.sha256(f"{seed}:{reference}".encode()).hexdigest()


def canonical(frame: Iterable[FrameCase]) -> list[FrameCase]:
    """The frame in its canonical order: by reference (unique, assigned when the case was filed)."""
    return sorted(set(frame))


def frame_hash(frame: Iterable[FrameCase]) -> str:
    """SHA-256 of the canonical frame, one ``reference<TAB>stratum`` line each."""
    text = "".join(f"{case.reference}\t{case.stratum}\n" for case in canonical(frame))
    return hashlib.sha256(text.encode()).hexdigest()


def quotas(sizes: dict[str, int], *, rate: Decimal | None = None, size: int | None = None) -> dict[str, int]:
    """How many cases to draw from each stratum."""
    if rate is not None:
        return {stratum: min(n, math.ceil(Decimal(n) * rate)) for stratum, n in sizes.items()}
    total = sum(sizes.values())
    wanted = min(size or 0, total)
    if not total:
        return dict.fromkeys(sizes, 0)
    exact = {stratum: Decimal(wanted) * n / total for stratum, n in sizes.items()}
    result = {stratum: int(value) for stratum, value in exact.items()}
    left = wanted - sum(result.values())
    by_remainder = sorted(exact, key=lambda s: (-(exact[s] - result[s]), s))
    for stratum in by_remainder[:left]:
        result[stratum] += 1
    return result


def draw(
    seed: str,
    frame: Sequence[FrameCase] | Iterable[FrameCase],
    *,
    rate: Decimal | None = None,
    size: int | None = None,
) -> list[str]:
    """The sampled references, sorted."""
    strata: dict[str, list[FrameCase]] = defaultdict(list)
    for case in canonical(frame):
        strata[case.stratum].append(case)
    counts = quotas({stratum: len(cases) for stratum, cases in strata.items()}, rate=rate, size=size)
    chosen: list[str] = []
    for stratum, cases in strata.items():
        ranked = sorted(cases, key=lambda case: (score(seed, case.reference), case.reference))
        chosen.extend(case.reference for case in ranked[: counts[stratum]])
    return sorted(chosen)
