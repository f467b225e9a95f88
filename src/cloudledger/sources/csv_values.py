"""Values of mapped CSV files: amounts, text fields (column or fixed, translated), tags."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.config.csv_mappings import Tag, ValueSpec
from cloudledger.errors import InputError
from cloudledger.sources import decimals
from cloudledger.sources.decimals import blank_as_null


def first_row(mask: pa.ChunkedArray | pa.Array) -> int:
    """1-based number of the first row where `mask` is true (the caller knows one is)."""
    row = decimals.first_row(mask)
    assert row is not None, "first_row called without a true value"
    return row


def parse_amounts(values: pa.ChunkedArray, *, file: str, column: str, required: bool) -> pa.ChunkedArray:
    """Amounts as decimal(38,10), rounded half away from zero; bad or (if required) empty values raise."""
    text = blank_as_null(values)
    if required and text.null_count:
        raise InputError(
            "the amount is empty; expected a number (0 for no charge)",
            file=file,
            row=first_row(pc.is_null(text)),
            column=column,
        )
    return decimals.parse_decimal(text, file=file, column=column)


@dataclass(frozen=True)
class TextRule:
    """What a text field must hold: a value in every row, and/or one of a closed list."""

    label: str
    """The field as the user knows it, e.g. 'currency (BillingCurrency)'."""
    required: bool = False
    allowed: Collection[str] | None = None
    allowed_hint: str = ""


def text_values(table: pa.Table, spec: ValueSpec, rule: TextRule, *, file: str) -> pa.ChunkedArray:
    """A text field per row: the fixed value, or the column's text translated by `values:` (others as
    written), with `default:` where the column is empty or its value untranslated."""
    if spec.value is not None:
        return pa.chunked_array([pa.repeat(pa.scalar(spec.value, pa.string()), table.num_rows)])
    column = str(spec.column)
    text = blank_as_null(table[column])
    default = pa.scalar(spec.default, pa.string())
    if spec.values:
        index = pc.index_in(text, value_set=pa.array(list(spec.values), pa.string()))
        translated = pc.take(pa.array(list(spec.values.values()), pa.string()), index)
        text = pc.if_else(pc.is_null(index), text if spec.default is None else default, translated)
    if spec.default is not None:
        text = pc.fill_null(text, default)
    if rule.required and text.null_count:
        raise InputError(
            f"empty, but {rule.label} needs a value in every row; give the mapping a `default:` for it",
            file=file,
            row=first_row(pc.is_null(text)),
            column=column,
        )
    if rule.allowed is not None:
        wrong = pc.invert(pc.is_in(text, value_set=pa.array(sorted(rule.allowed), pa.string())))
        if pc.any(pc.and_(wrong, pc.is_valid(text))).as_py():
            row = first_row(pc.and_(wrong, pc.is_valid(text)))
            raise InputError(
                f"{text[row - 1].as_py()!r} is not a valid {rule.label}: expected {rule.allowed_hint}; "
                "translate the file's values with `values:` in the mapping",
                file=file,
                row=row,
                column=column,
            )
    return text


def tags_map(table: pa.Table, tags: Sequence[Tag]) -> pa.Array:
    """One map per row of tag key to the column's text; empty values add no key."""
    count, width = table.num_rows, len(tags)
    columns = [blank_as_null(table[t.column]).combine_chunks() for t in tags]
    # Interleave row by row: value j of row i sits at i * width + j.
    order = np.arange(count * width).reshape(width, count).T.ravel()
    values = pa.concat_arrays(columns).take(pa.array(order)) if columns else pa.array([], pa.string())
    keys = pa.DictionaryArray.from_arrays(
        pa.array(np.tile(np.arange(width, dtype=np.int32), count)), pa.array([t.tag_key for t in tags])
    ).cast(pa.string())
    present = pc.is_valid(values)
    per_row = present.to_numpy(zero_copy_only=False).reshape(count, width).sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32)
    return pa.MapArray.from_arrays(pa.array(offsets), keys.filter(present), values.filter(present))
