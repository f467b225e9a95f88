"""Rounding a set of amounts to cents so that they still add up to their rounded total."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
CENT = Decimal("0.01")


def round_half_up(value: Decimal, quantum: Decimal = CENT) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def round_to_total(values: Mapping[K, Decimal], quantum: Decimal = CENT) -> dict[K, Decimal]:
    """Largest-remainder rounding: each value floored to `quantum`, then the units still missing to reach the
    rounded total go to the largest remainders (ties: in the mapping's order)."""
    target = round_half_up(sum(values.values(), Decimal(0)), quantum)
    floors = {key: value.quantize(quantum, rounding=ROUND_FLOOR) for key, value in values.items()}
    missing = int((target - sum(floors.values(), Decimal(0))) / quantum)
    order = sorted(values, key=lambda key: -(values[key] - floors[key]))
    for key in order[:missing]:
        floors[key] += quantum
    return floors
