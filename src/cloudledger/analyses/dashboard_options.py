"""What the executive dashboard's filters offer: the ledger's providers, environments and billing periods, and
the organization's departments."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from cloudledger.analyses.dashboard_selection import ENVIRONMENT_KEY
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig


@dataclass(frozen=True)
class DashboardOptions:
    providers: tuple[str, ...]
    departments: tuple[str, ...]
    environments: tuple[str, ...]
    periods: tuple[str, ...]
    """Billing periods, newest first."""


def dashboard_options(table: ir.Table, config: CloudledgerConfig, tags: TagResolver) -> DashboardOptions:
    """The values each filter can take (`table` may be the monthly rollup: it keeps every column read here)."""
    rows = bill_rows(table)
    environment = tags.value(rows, ENVIRONMENT_KEY)
    collected = {
        "providers": rows.ProviderName.collect(distinct=True),
        "periods": rows.x_billing_period.collect(distinct=True),
    }
    if not isinstance(environment, ir.Scalar):  # a scalar: no row carries the key (the value is a null literal)
        collected["environments"] = environment.collect(distinct=True)
    values = rows.aggregate(**collected).to_pyarrow().to_pylist()[0]

    def clean(items: list[str] | None) -> list[str]:
        return [v for v in (items or []) if v]

    return DashboardOptions(
        tuple(sorted(clean(values["providers"]))),
        tuple(d.name for d in config.organization.departments),
        tuple(sorted(clean(values.get("environments")))),
        tuple(sorted(clean(values["periods"]), reverse=True)),
    )
