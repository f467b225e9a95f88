"""Source `azure-cost`: Azure Cost Management cost details exports (EA and MCA, actual and amortized).

The files of one ingest are read together: the actual and amortized files of one billing account and
period become one set of FOCUS rows (BilledCost from actual, EffectiveCost from amortized).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources import Source, register
from cloudledger.sources.azure_columns import canonical_names, detect, schema_family, unify
from cloudledger.sources.azure_datasets import dataset_of, read_manifest
from cloudledger.sources.azure_docs import COLUMN_MAP, NOTES
from cloudledger.sources.azure_mapping import map_file
from cloudledger.sources.azure_pairing import (
    ZERO,
    CostFile,
    Slice,
    check_pairs,
    match,
    one_delivery,
    paired_slices,
    resolve_either,
)
from cloudledger.sources.files import BillingFile, read_raw
from cloudledger.sources.native import NativeTotal, SourceRows, parse_native_amounts, sum_native
from cloudledger.sources.normalize import FileRows, normalize

NAME = "azure-cost"
DATASETS_COLUMN = "x_CostDatasets"
log = logging.getLogger(__name__)


def load(file: BillingFile) -> CostFile:
    """Read, unify and map one cost details file; tell its dataset."""
    path = str(file.path)
    raw = _read(file)
    written = {canonical: name for name, canonical in canonical_names(raw.column_names, path).items()}
    unified = unify(raw, path)
    mapped = map_file(unified, path, written)
    manifest = read_manifest(file.path.parent)
    dataset, told_by = dataset_of(file.path, mapped, manifest)
    family = schema_family(raw.column_names)
    cost = "CostInBillingCurrency"
    return CostFile(file, mapped, dataset, told_by, family, manifest, unified[cost], written.get(cost, cost))


def _read(file: BillingFile) -> pa.Table:
    """The file as text (bytes that are not UTF-8 are reported with their row and column by `read_raw`)."""
    return read_raw(file)


def _in(f: CostFile, slices: set[Slice]) -> pa.Array:
    keys = pc.binary_join_element_wise(f.periods, f.accounts, "\x1f")
    return pc.is_in(keys, value_set=pa.array([f"{p}\x1f{a}" for p, a in sorted(slices)], pa.string()))


def _concat(arrays: Sequence[pa.Array], type: pa.DataType) -> pa.Array:
    return pa.concat_arrays([a.cast(type) for a in arrays]) if arrays else pa.array([], type)


def _native(f: CostFile, metrics: Sequence[str]) -> list[NativeTotal]:
    amounts = parse_native_amounts(f.cost_text, file=f.path, column=f.cost_column)
    return [
        total
        for metric in metrics
        for total in sum_native(
            source=NAME,
            periods=f.periods,
            accounts=f.accounts,
            currencies=f.mapped.table["BillingCurrency"],
            amounts=amounts,
            metric=metric,
            native_column=f.cost_column,
        )
    ]


def _rows(
    f: CostFile, billed: pa.Array, effective: pa.Array, datasets: pa.Array, extra: dict[str, pa.Array]
) -> pa.Table:
    table = f.mapped.table.append_column("BilledCost", billed).append_column("EffectiveCost", effective)
    table = table.append_column(DATASETS_COLUMN, datasets)
    for name, values in extra.items():
        table = table.append_column(name, values)
    return normalize(FileRows(table, f.path, NAME))


def read_together(files: Sequence[BillingFile]) -> Iterator[SourceRows]:
    """One set of ledger rows for all the Azure cost files of an ingest (actual + amortized paired)."""
    loaded = [load(f) for f in files]
    resolve_either(loaded)
    kept = one_delivery(loaded)
    for f in loaded:
        if f not in kept:
            log.warning("%s: superseded by a newer export run of the same dataset and period; not read", f.path)
    check_pairs(kept)
    paired = paired_slices(kept)
    actual = [f for f in kept if f.dataset == "actual"]
    amortized = [f for f in kept if f.dataset == "amortized"]
    a_at, m_at = match(
        _concat([f.mapped.match_key for f in actual], pa.string()),
        _concat([f.mapped.match_key for f in amortized], pa.string()),
    )
    a_matched = np.zeros(sum(f.mapped.table.num_rows for f in actual), bool)
    a_matched[a_at] = True
    m_source = np.full(sum(f.mapped.table.num_rows for f in amortized), -1, np.int64)
    m_source[m_at] = a_at
    yield from _actual_rows(actual, paired, a_matched)
    yield from _amortized_rows(amortized, actual, paired, m_source)
    for f in kept:
        if f.dataset is None:
            cost = f.mapped.cost
            yield SourceRows(
                _rows(f, cost, cost, pa.repeat("either", len(cost)), {}),
                tuple(_native(f, ("BilledCost", "EffectiveCost"))),
            )


def _actual_rows(files: Sequence[CostFile], paired: set[Slice], matched: np.ndarray) -> Iterator[SourceRows]:
    start = 0
    for f in files:
        count = f.mapped.table.num_rows
        cost, in_pair = f.mapped.cost, _in(f, paired)
        lone_effective = pc.if_else(f.mapped.commitment_purchase, ZERO, cost)
        effective = pc.if_else(in_pair, ZERO, lone_effective)
        table = _rows(f, cost, effective, pa.repeat("actual", count), {})
        keep = pa.array(~matched[start : start + count])
        start += count
        yield SourceRows(table.filter(keep), tuple(_native(f, ("BilledCost",))))


def _amortized_rows(
    files: Sequence[CostFile], actual: Sequence[CostFile], paired: set[Slice], source: np.ndarray
) -> Iterator[SourceRows]:
    a_cost = _concat([f.mapped.cost for f in actual], ZERO.type)
    a_file = _concat([pa.repeat(f.path, f.mapped.table.num_rows) for f in actual], pa.string())
    a_row = _concat([pa.array(np.arange(1, f.mapped.table.num_rows + 1)) for f in actual], pa.int64())
    start = 0
    for f in files:
        count = f.mapped.table.num_rows
        at = source[start : start + count]
        start += count
        index = pa.array(at, mask=at < 0)
        cost, in_pair = f.mapped.cost, _in(f, paired)
        lone_billed = pc.if_else(f.mapped.commitment_usage, ZERO, cost)
        billed = pc.coalesce(a_cost.take(index), pc.if_else(in_pair, ZERO, lone_billed))
        datasets = pc.if_else(pc.is_valid(index), "actual+amortized", "amortized")
        extra = {"x_ActualSourceFile": a_file.take(index), "x_ActualSourceRow": a_row.take(index).cast(pa.string())}
        yield SourceRows(_rows(f, billed, cost, datasets, extra), tuple(_native(f, ("EffectiveCost",))))


def read(file: BillingFile) -> SourceRows:
    """Ledger rows of a single cost details file (read alone: no pairing)."""
    (rows,) = list(read_together([file]))
    return rows


PERIOD_FOLDER = re.compile(r"\d{8}-\d{8}")


def period_folder(file: BillingFile) -> str:
    """The export's billing-period folder (`YYYYMMDD-YYYYMMDD`) a file was delivered in, or "" outside that
    layout: actual and amortized files of one period are paired, so only they must be read together."""
    return next((p.name for p in file.path.parents if PERIOD_FOLDER.fullmatch(p.name)), "")


SOURCE = register(
    Source(
        name=NAME,
        description="Azure Cost Management cost details exports (EA and MCA; actual and amortized, paired).",
        detect=detect,
        read=read,
        column_map=COLUMN_MAP,
        notes=NOTES,
        read_together=read_together,
        together_group=period_folder,
    )
)
