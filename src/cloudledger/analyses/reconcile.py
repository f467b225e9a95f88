"""Reconciliation: prove that the ledger's totals equal what the providers delivered and invoiced.

Per billing account, billing period and currency, the ledger is compared with
- the native totals of the files as they arrived (the providers' own cost columns, summed at ingest),
- the totals each ingest recorded for the slices it wrote (the ledger has not drifted since),
- invoice totals a user supplies (see `invoices.read_invoices`),
- and, where one account and period is held in two formats, the other format, metric by metric and
  charge category by charge category (see `formats.compare_formats`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import ibis.expr.types as ir

from cloudledger.analyses.checks import METRICS, ONE_CENT, Check, CurrencySlice
from cloudledger.analyses.formats import compare_formats
from cloudledger.analyses.invoices import Invoice
from cloudledger.home import Home
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.ledger.state import SliceTotals, StateDB
from cloudledger.ledger.table import AsOf
from cloudledger.sources.native import NativeTotal
from cloudledger.sources.normalize import SLICE_ACCOUNT, SLICE_PERIOD, SLICE_SOURCE, SliceKey


@dataclass(frozen=True)
class ReconcileReport:
    """Every comparison made, and what could not be checked."""

    ledger_version: int | None
    checks: tuple[Check, ...]
    slices: int
    unverified: tuple[SliceKey, ...] = ()
    """Slices without native totals (ingested by a version that did not record them)."""
    tolerance: Decimal = ONE_CENT
    notes: tuple[str, ...] = field(default=())

    @property
    def differences(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if abs(c.difference) > self.tolerance)

    @property
    def ok(self) -> bool:
        return not self.differences


def ledger_totals(table: ir.Table) -> dict[CurrencySlice, dict[str, Decimal]]:
    """Exact totals (and the row count under `rows`) per slice and currency."""
    keys = [SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT, "BillingCurrency"]
    grouped = table.group_by(keys).aggregate(rows=table.count(), **{m: table[m].sum() for m in METRICS})
    out: dict[CurrencySlice, dict[str, Decimal]] = {}
    for row in grouped.to_pyarrow().to_pylist():
        key = (row[SLICE_PERIOD], row[SLICE_SOURCE], row[SLICE_ACCOUNT], row["BillingCurrency"] or "")
        out[key] = {m: row[m] or Decimal(0) for m in METRICS} | {"rows": Decimal(row["rows"])}
    return out


def native_checks(
    totals: dict[CurrencySlice, dict[str, Decimal]], state: StateDB, writers: dict[SliceKey, str]
) -> tuple[list[Check], list[SliceKey]]:
    """Ledger vs the native cost columns recorded by the ingest that last wrote each slice."""
    checks: list[Check] = []
    unverified: list[SliceKey] = []
    recorded: dict[str, list[NativeTotal]] = {}
    for slice_key in sorted({k[:3] for k in totals}):
        ingest_id = writers.get(slice_key)
        if ingest_id is None:
            unverified.append(slice_key)
            continue
        if ingest_id not in recorded:
            recorded[ingest_id] = state.native_totals(ingest_id)
        natives = [n for n in recorded[ingest_id] if n.key == slice_key]
        if not natives:
            unverified.append(slice_key)
        for native in natives:
            ledger = totals.get((*slice_key, native.currency), {}).get(native.metric, Decimal(0))
            checks.append(
                Check(
                    "native",
                    *slice_key,
                    native.currency,
                    native.metric,
                    ledger,
                    native.amount,
                    f"Σ {native.native_column}",
                )
            )
    return checks, unverified


def ingest_checks(
    totals: dict[CurrencySlice, dict[str, Decimal]], state: StateDB, writers: dict[SliceKey, str]
) -> list[Check]:
    """Ledger vs the slice totals its ingest recorded: rows and the four cost metrics."""
    recorded: dict[SliceKey, SliceTotals] = {}
    for ingest_id in sorted(set(writers.values())):
        for written in state.slices(ingest_id):
            if writers.get(written.key) == ingest_id:
                recorded[written.key] = written
    checks: list[Check] = []
    for key, amounts in sorted(totals.items()):
        part = recorded.get(key[:3])
        if part is None:
            continue
        expected = {
            "rows": Decimal(part.rows),
            "BilledCost": part.billed_cost,
            "EffectiveCost": part.effective_cost,
            "ListCost": part.list_cost,
            "ContractedCost": part.contracted_cost,
        }
        for metric, value in expected.items():
            checks.append(Check("ingest", *key, metric, amounts[metric], value, "totals recorded at ingest"))
    return checks


def invoice_checks(table: ir.Table, invoices: Sequence[Invoice]) -> list[Check]:
    """Counted BilledCost (each account and period in its preferred format) vs the invoices given."""
    keys = [SLICE_PERIOD, SLICE_ACCOUNT, "BillingCurrency"]
    grouped = table.group_by(keys).aggregate(BilledCost=table.BilledCost.sum(), sources=table[SLICE_SOURCE].max())
    ledger = {
        (r[SLICE_PERIOD], r[SLICE_ACCOUNT], r["BillingCurrency"]): (r["BilledCost"] or Decimal(0), r["sources"])
        for r in grouped.to_pyarrow().to_pylist()
    }
    expected: dict[tuple[str, str, str], tuple[Decimal, list[str]]] = {}
    for invoice in invoices:
        key = (invoice.billing_period, invoice.billing_account, invoice.currency)
        amount, labels = expected.get(key, (Decimal(0), []))
        expected[key] = (amount + invoice.amount, [*labels, invoice.label])
    checks = []
    for (period, account, currency), (amount, labels) in sorted(expected.items()):
        counted, source = ledger.get((period, account, currency), (Decimal(0), "-"))
        checks.append(
            Check("invoice", period, source, account, currency, "BilledCost", counted, amount, ", ".join(labels))
        )
    return checks


def reconcile(
    view: LedgerView,
    state: StateDB,
    invoices: Iterable[Invoice] = (),
    tolerance: Decimal = ONE_CENT,
) -> ReconcileReport:
    """Compare the ledger snapshot of `view` with native totals, ingest records and invoices."""
    totals = ledger_totals(view.all_rows)
    writers = state.slice_writers(view.snapshot.version)
    native, unverified = native_checks(totals, state, writers)
    checks = [*native, *ingest_checks(totals, state, writers)]
    checks += invoice_checks(view.table, list(invoices))
    checks += compare_formats(view.all_rows)
    return ReconcileReport(
        view.snapshot.version,
        tuple(checks),
        len({k[:3] for k in totals}),
        tuple(unverified),
        tolerance,
    )


def reconcile_home(
    home: Home, invoices: Iterable[Invoice] = (), tolerance: Decimal = ONE_CENT, as_of: AsOf = None
) -> ReconcileReport:
    """`reconcile` over the ledger of `home` (as of a version or date) and its state database."""
    view = open_ledger(home, as_of)
    state = StateDB(home.state_db_url)
    try:
        return reconcile(view, state, invoices, tolerance)
    finally:
        state.dispose()
        view.close()
