"""Read back what a ledger holds, for comparisons in tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.table import AsOf, Ledger

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")


def ledger_state(home: Home, as_of: AsOf = None) -> dict[str, Any]:
    """Version, row count and per-slice exact totals: equal states mean equal ledgers for billing."""
    view = open_ledger(home, as_of)
    try:
        t = view.all_rows
        keys = ["x_billing_period", "x_source", "x_billing_account"]
        agg = t.group_by(keys).aggregate(rows=t.count(), **{m: t[m].sum() for m in METRICS})
        rows = view.con.to_pyarrow(agg).to_pylist()
        total = int(view.con.execute(t.count()))
    finally:
        view.close()
    slices = {tuple(r[k] for k in keys): {"rows": r["rows"], **{m: r[m] or Decimal(0) for m in METRICS}} for r in rows}
    return {"version": Ledger(home.ledger_path).version(), "rows": total, "slices": slices}
