"""Pair the actual and amortized cost files of one ingest into one set of FOCUS rows.

BilledCost comes from the actual dataset, EffectiveCost from the amortized one. A row present in both
(same charge type, pricing model, day, subscription, resource, meter, commitment, order and quantity)
becomes one ledger row with both costs; a row only in actual (commitment purchases and refunds) gets
EffectiveCost 0; a row only in amortized (unused commitment) gets BilledCost 0. So each slice's
BilledCost is exactly the actual file's total and its EffectiveCost exactly the amortized file's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE
from cloudledger.sources.azure_datasets import Dataset, Manifest
from cloudledger.sources.azure_mapping import Mapped
from cloudledger.sources.azure_values import combined, month_text
from cloudledger.sources.files import BillingFile

Slice = tuple[str, str]
"""(billing period YYYY-MM, billing account)."""
ZERO = pa.scalar(0, MONEY_TYPE)


@dataclass
class CostFile:
    """One cost details file, mapped, with what pairing needs to know about it."""

    file: BillingFile
    mapped: Mapped
    dataset: Dataset | None
    told_by: str
    family: str
    manifest: Manifest | None
    cost_text: pa.ChunkedArray
    """The cost column exactly as written (summed as the native total)."""
    cost_column: str

    @cached_property
    def slices(self) -> list[Slice]:
        pairs = pa.table({"p": self.periods, "a": self.accounts}).group_by(["p", "a"]).aggregate([])
        return sorted(zip(pairs["p"].to_pylist(), pairs["a"].to_pylist(), strict=True))

    @cached_property
    def periods(self) -> pa.Array:
        return month_text(self.mapped.table["BillingPeriodStart"])

    @cached_property
    def accounts(self) -> pa.Array:
        return combined(self.mapped.table["BillingAccountId"])

    @property
    def path(self) -> str:
        return str(self.file.path)


def resolve_either(files: Sequence[CostFile]) -> None:
    """A file whose dataset its content cannot tell takes the other dataset of the files it shares a
    slice with (if they are all of one dataset)."""
    known: dict[Slice, set[str]] = defaultdict(set)
    for f in files:
        if f.dataset:
            for s in f.slices:
                known[s].add(f.dataset)
    for f in files:
        if f.dataset is None:
            seen = set().union(*(known.get(s, set()) for s in f.slices))
            if len(seen) == 1:
                f.dataset = "amortized" if seen == {"actual"} else "actual"
                f.told_by = "the other file of its pair"


def one_delivery(files: Sequence[CostFile]) -> list[CostFile]:
    """Files of one dataset and slice must come from one folder; with manifests, the newest run wins."""
    groups: dict[tuple[Slice, str], dict[str, list[CostFile]]] = defaultdict(lambda: defaultdict(list))
    for f in files:
        for s in f.slices:
            groups[(s, f.dataset or "either")][str(f.file.path.parent)].append(f)
    dropped: set[str] = set()
    for (key, dataset), folders in groups.items():
        if len(folders) < 2:
            continue
        runs = {folder: fs[0].manifest.submitted if fs[0].manifest else None for folder, fs in folders.items()}
        if dataset == "either" or None in runs.values():
            raise _twice(key, dataset, sorted(folders), folders)
        newest = max(runs, key=lambda folder: runs[folder] or "")
        dropped.update(f.path for folder, fs in folders.items() if folder != newest for f in fs)
    return [f for f in files if f.path not in dropped]


def _twice(key: Slice, dataset: str, folders: list[str], files: dict[str, list[CostFile]]) -> InputError:
    period, account = key
    if dataset == "either":
        message = (
            f"files in {', '.join(folders)} both hold billing period {period} of account {account} and nothing "
            "tells whether each is actual or amortized cost: keep the export's manifest.json beside each file "
            "or put 'actual' / 'amortized' in the file names"
        )
    else:
        message = (
            f"the {dataset} cost of billing period {period}, account {account} is delivered twice, in "
            f"{', '.join(folders)}; ingest one delivery (or keep the exports' manifest.json to pick the newest)"
        )
    return InputError(message, file=files[folders[-1]][0].path)


def check_pairs(files: Sequence[CostFile]) -> None:
    """Actual and amortized files of one period cover the same accounts, in one schema and currency."""
    accounts: dict[tuple[str, str], dict[str, CostFile]] = defaultdict(dict)
    for f in files:
        for period, account in f.slices:
            accounts[(period, f.dataset or "either")].setdefault(account, f)
    for (period, dataset), seen in accounts.items():
        if dataset != "actual" or (period, "amortized") not in accounts:
            continue
        other = accounts[(period, "amortized")]
        for lone, present, absent in ((seen, "actual", other), (other, "amortized", seen)):
            extra = sorted(set(lone) - set(absent))
            if extra:
                raise InputError(
                    f"billing account {extra[0]} has {present} cost for {period} but the paired "
                    f"{'amortized' if present == 'actual' else 'actual'} cost file(s) cover "
                    f"{', '.join(sorted(absent))}: an actual and amortized pair must be of the same account",
                    file=lone[extra[0]].path,
                    column="BillingAccountId",
                )
        for account, actual in seen.items():
            _same_shape(actual, other[account], period, account)


def _same_shape(actual: CostFile, amortized: CostFile, period: str, account: str) -> None:
    if actual.family != amortized.family:
        raise InputError(
            f"the actual cost of {period}, account {account} is in the {actual.family} schema but its amortized "
            f"cost ({amortized.path}) in the {amortized.family} schema: export both with the same schema",
            file=actual.path,
        )
    currencies = [_currency(f, period, account) for f in (actual, amortized)]
    if currencies[0] != currencies[1]:
        raise InputError(
            f"the actual cost of {period}, account {account} is in {currencies[0]} but its amortized cost "
            f"({amortized.path}) in {currencies[1]}; a pair must share one billing currency",
            file=actual.path,
            column="BillingCurrency",
        )


def _currency(f: CostFile, period: str, account: str) -> str:
    mask = pc.and_(pc.equal(f.periods, period), pc.equal(f.accounts, account))
    return str(pc.filter(f.mapped.table["BillingCurrency"], mask)[0].as_py())


def paired_slices(files: Iterable[CostFile]) -> set[Slice]:
    """Slices that have both an actual and an amortized file."""
    by_dataset: dict[str, set[Slice]] = defaultdict(set)
    for f in files:
        by_dataset[f.dataset or "either"].update(f.slices)
    return by_dataset["actual"] & by_dataset["amortized"]


def _ordinals(codes: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same code (0 for the first)."""
    order = np.argsort(codes, kind="stable")
    ranked = codes[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]] if len(ranked) else np.array([], bool)
    first = np.maximum.accumulate(np.where(starts, np.arange(len(ranked)), 0)) if len(ranked) else ranked
    out = np.empty(len(codes), np.int64)
    out[order] = np.arange(len(ranked)) - first
    return out


def match(actual: pa.Array, amortized: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(actual positions, amortized positions) of matched rows: the n-th actual row with a key pairs
    with the n-th amortized row with the same key."""
    codes = pc.dictionary_encode(pa.concat_arrays([actual, amortized])).indices.to_numpy().astype(np.int64)
    a_codes, m_codes = codes[: len(actual)], codes[len(actual) :]
    width = max(len(actual), len(amortized)) + 1
    a_keys = a_codes * width + _ordinals(a_codes)
    m_keys = m_codes * width + _ordinals(m_codes)
    _, a_at, m_at = np.intersect1d(a_keys, m_keys, assume_unique=True, return_indices=True)
    return a_at, m_at
