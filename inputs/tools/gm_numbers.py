"""Rounding and apportioning rules shared by the Greater Manchester builder, its back-office rules
(gm_backoffice.py) and build_england.py (which reaches them as build_greater_manchester.rhu, .iround and
.largest_remainder). Standard library only."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def rhu(x: float, places: str = "1") -> Decimal:
    """Rounds half up to `places` (a Decimal exponent such as "1" or "0.01"), from the float's shortest repr so
    that 0.125 rounds as written, not as stored."""
    return Decimal(repr(x)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def iround(x: float) -> int:
    """Rounds half up to a whole number."""
    return int(rhu(x))


def largest_remainder(total: int, shares: list[tuple[str, float]]) -> dict[str, int]:
    """Splits the whole number `total` by `shares` (which add up to 1): each key gets the floor of its part and
    the units left go to the largest fractional parts, ties to the earlier key, so the parts add up to `total`."""
    raw = [(k, total * s) for k, s in shares]
    out = {k: int(math.floor(v)) for k, v in raw}
    left = total - sum(out.values())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - math.floor(raw[i][1])), i))
    for i in order[:left]:
        out[raw[i][0]] += 1
    return out
