"""The cloud mix per billing currency over a range of billing periods: cost by provider and service, allocated
cost by department and provider, and AI/ML infrastructure by workload with its spot and committed shares.

The first two breakdowns add up to the ledger's metric over the same billing periods, providers and currency
(the bill's rows: Kubernetes allocation rows are left out, as everywhere). The department view goes through
the allocation rules of cloudledger.yaml; cost no rule reaches is the department `Unallocated`.

The AI/ML view is a subset: usage rows only (ChargeCategory `Usage`), classified by `ai_workloads.RULES`.
Commitment purchases (ChargeCategory `Purchase`) and unused commitment (CommitmentDiscountStatus `Unused`) are
left out: a purchase reaches the usage it covers through EffectiveCost, so counting both would count it twice,
and unused commitment is no workload's usage. Of a workload's cost, *committed* is usage covered by a commitment
(CommitmentDiscountStatus `Used`, or PricingCategory `Committed`), *spot* is PricingCategory `Dynamic`, and
*on demand* is the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.ai_workloads import (
    RULE_COLUMNS,
    SIGNATURE,
    WORKLOAD_TAG,
    WORKLOADS,
    classify,
    signature,
    workload_tag,
)
from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_plan import month_after
from cloudledger.analyses.cloud_mix_model import (
    OTHER,
    UNALLOCATED,
    CloudMix,
    CurrencyMix,
    DepartmentCost,
    ProviderCost,
    ServiceCost,
    WorkloadCost,
    WorkloadLine,
)
from cloudledger.analyses.explorer import METRICS, bill_rows
from cloudledger.analyses.tag_compliance_model import percent
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

METRIC = "EffectiveCost"
PERIODS = 12
TOP_SERVICES = 5
NO_PROVIDER = "(no provider)"
NO_SERVICE = "(no service)"
ZERO = Decimal(0)
Money = dict[tuple[str, ...], Decimal]


def cloud_mix(
    table: ir.Table,
    config: CloudledgerConfig,
    *,
    start: str | None = None,
    end: str | None = None,
    providers: Sequence[str] = (),
    metric: str = METRIC,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
    top: int = TOP_SERVICES,
) -> CloudMix:
    """The cloud mix over billing periods `start`..`end` (YYYY-MM, inclusive; default: the ledger's last
    `PERIODS` billing periods), for `providers` (default: all)."""
    if metric not in METRICS:
        raise QueryError(f"unknown metric {metric!r}; valid metrics: {', '.join(METRICS)}")
    bill = bill_rows(table)
    available, last = _overview(bill)
    _check(available, providers)
    wanted = tuple(dict.fromkeys(providers))
    start, end = period_range(last, start, end)
    if start is None or end is None:
        return CloudMix(None, None, metric, wanted, available, ())
    rows = _selected(bill, start, end, wanted)
    tags = tags or TagResolver.of(table, config.tag_policy)
    services = _services(rows, metric)
    query = AllocationQuery(metric=metric, start=start, end=end, keep=("ProviderName",))
    departments = _departments(allocate(table, config, query, metrics, tags), wanted)
    workloads = _workloads(rows, metric, tags)
    currencies = sorted({key[0] for key in services})
    lines = tuple(_currency(c, services, departments, workloads, top) for c in currencies)
    return CloudMix(start, end, metric, wanted, available, lines)


class UnknownProvider(QueryError):
    """A provider filter names a provider the ledger does not have."""


def _overview(bill: ir.Table) -> tuple[tuple[str, ...], str | None]:
    """Every ProviderName of the bill (sorted) and its last billing period, in one query."""
    found = bill.group_by(p=_provider(bill)).aggregate(last=bill.x_billing_period.max()).to_pyarrow().to_pylist()
    lasts = [r["last"] for r in found if r["last"] is not None]
    return tuple(sorted(str(r["p"]) for r in found)), max(lasts, default=None)


def _check(available: tuple[str, ...], providers: Sequence[str]) -> None:
    unknown = [p for p in providers if p not in available]
    if unknown:
        raise UnknownProvider(
            f"unknown provider {unknown[0]!r}; providers in the ledger: {', '.join(available) or 'none'}"
        )


def period_range(last: str | None, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """The billing periods to read: `end` defaults to the ledger's `last`, `start` to PERIODS before `end`."""
    if end is None:
        if last is None:
            return start, None
        end = max(last, start) if start is not None else last
    return start or month_after(end, 1 - PERIODS), end


def _provider(table: ir.Table) -> ir.StringValue:
    return table.ProviderName.fill_null(NO_PROVIDER)


def _selected(bill: ir.Table, start: str, end: str, providers: tuple[str, ...]) -> ir.Table:
    rows = bill.filter((bill.x_billing_period >= start) & (bill.x_billing_period <= end))
    return rows.filter(_provider(rows).isin(providers)) if providers else rows


def _sums(table: ir.Table, keys: dict[str, ir.Value], amounts: dict[str, ir.Value]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.group_by(**keys).aggregate(**amounts).to_pyarrow().to_pylist()
    return rows


def _services(rows: ir.Table, metric: str) -> Money:
    """(currency, provider, service) → the metric's exact sum."""
    keys = {"c": rows.BillingCurrency, "p": _provider(rows), "s": rows.ServiceName.fill_null(NO_SERVICE)}
    found = _sums(rows, keys, {"a": rows[metric].sum()})
    return {(r["c"], r["p"], r["s"]): r["a"] or ZERO for r in found}


def _departments(allocated: ir.Table, providers: tuple[str, ...]) -> Money:
    """(currency, department, provider) → allocated amount; cost no rule reached is `Unallocated`."""
    found: Money = defaultdict(Decimal)
    for row in allocated.to_pyarrow().to_pylist():
        provider = row["ProviderName"] or NO_PROVIDER
        if providers and provider not in providers:
            continue
        owned = row["kind"] != "unallocated" and row["department"] is not None
        found[(row["currency"], row["department"] if owned else UNALLOCATED, provider)] += row["amount"] or ZERO
    return dict(found)


def _workloads(rows: ir.Table, metric: str, tags: TagResolver) -> list[dict[str, Any]]:
    """AI/ML usage summed per currency, workload, provider, service and capacity (spot, committed, on demand).

    Rows are first grouped by what the rules read, so each rule runs once per distinct combination."""
    usage = rows.filter((rows.ChargeCategory == "Usage") & (rows.CommitmentDiscountStatus.fill_null("") != "Unused"))
    status, pricing = usage.CommitmentDiscountStatus.fill_null(""), usage.PricingCategory.fill_null("")
    capacity = ibis.cases(
        ((status == "Used") | (pricing == "Committed"), "committed"),
        (pricing == "Dynamic", "spot"),
        else_="on_demand",
    )
    keys: dict[str, ir.Value] = {
        "currency": usage.BillingCurrency,
        "provider": _provider(usage),
        "capacity": capacity,
        SIGNATURE: signature(usage),
        WORKLOAD_TAG: workload_tag(usage, tags),
        **{c: usage[c] for c in RULE_COLUMNS if c in usage.columns},
    }
    grouped = usage.group_by(**keys).aggregate(amount=usage[metric].sum())
    labelled = grouped.mutate(workload=classify(grouped))
    labelled = labelled.filter(labelled.workload.notnull())
    summed = labelled.group_by(["currency", "workload", "provider", "ServiceName", "capacity"]).aggregate(
        amount=labelled.amount.sum()
    )
    return summed.to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def _currency(
    currency: str, services: Money, departments: Money, workloads: list[dict[str, Any]], top: int
) -> CurrencyMix:
    providers = _provider_costs({k[1:]: v for k, v in services.items() if k[0] == currency}, top)
    names = tuple(p.provider for p in providers)
    total = sum((p.amount for p in providers), ZERO)
    owned = {k[1:]: v for k, v in departments.items() if k[0] == currency}
    names += tuple(sorted({k[1] for k in owned} - set(names)))
    ai = [w for w in workloads if w["currency"] == currency]
    lines = _workload_costs(ai)
    ai_total = sum((w.amount for w in lines), ZERO)
    return CurrencyMix(
        currency=currency,
        total=total,
        providers=providers,
        provider_names=names,
        departments=_department_costs(owned, names),
        workloads=lines,
        workload_lines=_workload_lines(ai),
        ai_total=ai_total,
        ai_pct=percent(ai_total, total),
    )


def _provider_costs(services: Money, top: int) -> tuple[ProviderCost, ...]:
    """Providers, largest first, each with its `top` services and the rest as `Other`."""
    by_provider: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (provider, service), amount in services.items():
        by_provider[provider][service] = amount
    out = []
    for provider, amounts in by_provider.items():
        amount = sum(amounts.values(), ZERO)
        ranked = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))
        lines = [ServiceCost(s, a, percent(a, amount)) for s, a in ranked[:top]]
        rest = ranked[top:]
        if rest:
            other = sum((a for _, a in rest), ZERO)
            lines.append(ServiceCost(OTHER, other, percent(other, amount), services=len(rest)))
        out.append(ProviderCost(provider, amount, tuple(lines)))
    return tuple(sorted(out, key=lambda p: (-p.amount, p.provider)))


def _department_costs(owned: Money, providers: tuple[str, ...]) -> tuple[DepartmentCost, ...]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (department, _), amount in owned.items():
        totals[department] += amount
    order = sorted(totals, key=lambda d: (d == UNALLOCATED, -totals[d], d))
    return tuple(DepartmentCost(d, tuple(owned.get((d, p), ZERO) for p in providers), totals[d]) for d in order)


def _workload_costs(rows: list[dict[str, Any]]) -> tuple[WorkloadCost, ...]:
    """Every workload (zero when none of its rows are in range), in the order of WORKLOADS."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[(row["workload"], row["capacity"])] += row["amount"] or ZERO
    out = []
    for key, label in WORKLOADS.items():
        spot, committed, on_demand = (sums[(key, c)] for c in ("spot", "committed", "on_demand"))
        amount = spot + committed + on_demand
        out.append(
            WorkloadCost(
                key,
                label,
                amount,
                spot,
                committed,
                on_demand,
                percent(spot, amount),
                percent(committed, amount),
                percent(on_demand, amount),
            )
        )
    return tuple(out)


def _workload_lines(rows: list[dict[str, Any]]) -> tuple[WorkloadLine, ...]:
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[(row["workload"], row["provider"], row["ServiceName"] or NO_SERVICE)] += row["amount"] or ZERO
    order = list(WORKLOADS)
    ranked = sorted(sums.items(), key=lambda item: (order.index(item[0][0]), -item[1], item[0][1:]))
    return tuple(WorkloadLine(w, p, s, a) for (w, p, s), a in ranked)
