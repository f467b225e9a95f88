"""Exact money for the generator: decimal128(38, 10) arrays built from int64 units of 1e-10."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

SCALE = 10
"""Decimal scale of every money and quantity column."""


def decimal_array(units: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """decimal128(38, 10) values from int64 units of 1e-10 (`valid` False marks a null)."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = 0 if valid is None else int(len(valid) - np.count_nonzero(valid))
    return pa.Array.from_buffers(pa.decimal128(38, SCALE), len(units), [bitmap, pa.py_buffer(words)], nulls)


def to_units(values: np.ndarray) -> np.ndarray:
    """Float amounts rounded to 10 decimal places, as int64 units (amounts stay below 9e5)."""
    return np.rint(values * 10.0**SCALE).astype(np.int64)


def units_of(column: pa.ChunkedArray) -> np.ndarray:
    """The int64 units of a decimal128(38, 10) column whose values fit in int64 units."""
    arrays = []
    for chunk in column.chunks:
        words = np.frombuffer(chunk.buffers()[1], dtype=np.int64).reshape(-1, 2)
        arrays.append(words[chunk.offset : chunk.offset + len(chunk), 0])
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int64)


def exact_sum(units: np.ndarray) -> int:
    """Exact integer sum of int64 units (split so that no partial sum can overflow)."""
    return (int(np.sum(units >> 24)) << 24) + int(np.sum(units & ((1 << 24) - 1)))


def decimal_text(units: int) -> str:
    """Units as a decimal string with 10 places: 12345 -> '0.0000012345'."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**SCALE)
    return f"{sign}{whole}.{frac:0{SCALE}d}"
