"""Executive KPIs per billing currency: spend month and year to date against the period before, budget use,
allocated share, tag compliance and the effective savings rate, as of the ledger's last charge day.

Spend is EffectiveCost by charge date (ChargePeriodStart, UTC), up to and including the day. Allocation and
tag compliance read the month's billing period (the invoice month), as their own reports do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_plan import budget_months
from cloudledger.analyses.dashboard_selection import EVERYTHING, Selection
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.kpis_department import department_sums
from cloudledger.analyses.kpis_model import CurrencyKpis, KpiReport, Span, Window
from cloudledger.analyses.kpis_months import window_sums
from cloudledger.analyses.summary import Tables, TableSource, on_rollup
from cloudledger.analyses.tag_compliance import tag_compliance
from cloudledger.analyses.tag_compliance_model import percent
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig

METRIC = "EffectiveCost"
ZERO = Decimal(0)


def executive_kpis(
    table: ir.Table | TableSource,
    config: CloudledgerConfig,
    *,
    as_of_day: date | None = None,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
    selection: Selection = EVERYTHING,
) -> KpiReport:
    """The KPIs of the month of `as_of_day` (default: the ledger's latest charge day), per billing currency.

    Budgets are the budgets kept in EffectiveCost whose scope is the selection (the company's `total` budgets
    when nothing is selected). The allocated share is by billing period. Savings rates leave out commitment
    purchases (Purchase rows with a CommitmentDiscountId): their cost reaches the usage it covers through
    EffectiveCost, so counting both would count it twice.

    With a `selection`, spend is that of the selected providers and environment and, for a department, its
    allocated cost (shared costs included); a department's savings rates and allocated share are not given
    (its cost is allocated by definition). Given `Tables`, sums read the daily rollup and the allocated share
    and tag compliance the monthly one."""
    tables = Tables.of(table) if isinstance(table, ir.Table) else table
    day = as_of_day or latest_day(tables)
    if day is None:
        return KpiReport(None, None, METRIC, ())
    month = day.strftime("%Y-%m")
    spans = _spans(day)
    tags = tags or TagResolver.of(tables.monthly, config.tag_policy)
    monthly, ledger = tables.monthly, tables.ledger
    if selection.department is not None:
        sums = department_sums(ledger, config, spans, selection, metrics, tags)
    elif selection.environment is not None and monthly is not ledger:  # tags: not in the daily rollup
        sums = on_rollup(
            lambda t: window_sums(t, ledger, spans, day, lambda r: selection.rows(r, tags), _sums, METRIC),
            monthly,
            ledger,
        )
    else:
        sums = on_rollup(lambda t: _sums(selection.rows(t, tags), spans), tables.daily, ledger)
    budget, budget_ytd = _budgets(config, month, selection)
    allocated: dict[str, Decimal | None] = {}
    if sums and selection.department is None:
        allocated = on_rollup(
            lambda t: _allocated(selection.rows(t, tags), config, month, metrics, tags), monthly, ledger
        )
    compliance = on_rollup(lambda t: _compliance(t, config, month, tags, selection), monthly, ledger) if sums else {}
    lines = tuple(
        _line(currency, sums[currency], spans, (budget.get(currency), budget_ytd.get(currency)))
        for currency in sorted(sums)
    )
    lines = tuple(
        replace(x, allocated_pct=allocated.get(x.currency), tag_compliance_pct=compliance.get(x.currency))
        for x in lines
    )
    return KpiReport(day, month, METRIC, lines)


def _line(
    currency: str, s: dict[str, Decimal], spans: dict[str, Span], budgets: tuple[Decimal | None, ...]
) -> CurrencyKpis:
    """One currency's KPIs, allocation and tag compliance left empty."""
    mtd = _window(spans["mtd"], spans["prev_month"], s["mtd"], s["prev_month"])
    ytd = _window(spans["ytd"], spans["prev_year"], s["ytd"], s["prev_year"])
    month_budget, ytd_budget = budgets
    return CurrencyKpis(
        currency=currency,
        month_to_date=mtd,
        year_to_date=ytd,
        budget_month=month_budget,
        budget_year_to_date=ytd_budget,
        budget_month_pct=percent(mtd.spend, month_budget) if month_budget is not None else None,
        budget_year_to_date_pct=percent(ytd.spend, ytd_budget) if ytd_budget is not None else None,
        allocated_pct=None,
        tag_compliance_pct=None,
        savings_vs_list_pct=percent(s["list"] - s["effective"], s["list"]),
        savings_vs_contracted_pct=percent(s["contracted"] - s["effective"], s["contracted"]),
    )


def latest_day(table: ir.Table | TableSource) -> date | None:
    """The ledger's last charge day (None when it holds no bill)."""
    tables = Tables.of(table) if isinstance(table, ir.Table) else table
    return on_rollup(_latest_day, tables.daily, tables.ledger)


def _latest_day(table: ir.Table) -> date | None:
    rows = bill_rows(table)
    found: list[dict[str, Any]] = rows.aggregate(last=rows.ChargePeriodStart.max().date()).to_pyarrow().to_pylist()
    last: date | None = found[0]["last"] if found else None
    return last


def _spans(day: date) -> dict[str, Span]:
    """Month and year to date, and the same days of the previous month and of the previous year."""
    first = day.replace(day=1)
    previous_last = first - timedelta(days=1)
    previous = (previous_last.replace(day=1), previous_last.replace(day=min(day.day, previous_last.day)))
    try:
        last_year = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        last_year = date(day.year - 1, 2, 28)
    return {
        "mtd": (first, day),
        "prev_month": previous,
        "ytd": (date(day.year, 1, 1), day),
        "prev_year": (date(day.year - 1, 1, 1), last_year),
    }


def _sums(table: ir.Table, spans: dict[str, Span]) -> dict[str, dict[str, Decimal]]:
    """Per currency: EffectiveCost over each span, and the month's List/Contracted/Effective for the savings
    rates (commitment purchases left out)."""
    rows = bill_rows(table)
    rows = rows.mutate(kpi_day=rows.ChargePeriodStart.date())
    earliest = min(start for start, _ in spans.values())
    rows = rows.filter((rows.kpi_day >= earliest) & (rows.kpi_day <= spans["mtd"][1]))

    def within(span: Span) -> ir.BooleanValue:
        return (rows.kpi_day >= span[0]) & (rows.kpi_day <= span[1])

    sums: dict[str, ir.Value] = {name: rows[METRIC].sum(where=within(span)) for name, span in spans.items()}
    purchase = (rows.ChargeCategory == "Purchase") & rows.CommitmentDiscountId.notnull()
    usage = within(spans["mtd"]) & ~purchase.fill_null(False)
    for name, column in (("list", "ListCost"), ("contracted", "ContractedCost"), ("effective", METRIC)):
        sums[name] = rows[column].sum(where=usage & rows[column].notnull())
    found = rows.group_by(currency=rows.BillingCurrency).aggregate(**sums).to_pyarrow().to_pylist()
    return {r["currency"]: {k: v or ZERO for k, v in r.items() if k != "currency"} for r in found}


def _window(span: Span, previous: Span, spend: Decimal, before: Decimal) -> Window:
    return Window(span[0], span[1], spend, previous[0], previous[1], before, percent(spend - before, before))


def _budgets(
    config: CloudledgerConfig, month: str, selection: Selection
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The month's and the year-to-date budgets of the selection's scope per currency (only currencies that
    have one; none when no budget scope matches the selection)."""
    month_sums: dict[str, Decimal] = defaultdict(Decimal)
    year_sums: dict[str, Decimal] = defaultdict(Decimal)
    scope = selection.budget_scope()
    if scope is None:
        return {}, {}
    for budget in budget_months(config, f"{month[:4]}-01", month):
        if (budget.scope_kind, budget.scope_value if budget.scope_kind != "total" else "all") != scope:
            continue
        if budget.metric != METRIC:
            continue
        year_sums[budget.currency] += budget.amount
        if budget.period == month:
            month_sums[budget.currency] += budget.amount
    return dict(month_sums), dict(year_sums)


def _allocated(
    table: ir.Table, config: CloudledgerConfig, month: str, metrics: ir.Table | None, tags: TagResolver
) -> dict[str, Decimal | None]:
    """Per currency: the billing period's cost that reached an owner ÷ all its cost × 100."""
    rows = allocate(table, config, AllocationQuery(METRIC, month, month, keep=()), metrics, tags)
    owned = (rows.kind != "unallocated") & rows.department.notnull()
    per = rows.group_by("currency").aggregate(total=rows.amount.sum(), owned=rows.amount.sum(where=owned))
    return {r["currency"]: percent(r["owned"] or ZERO, r["total"] or ZERO) for r in per.to_pyarrow().to_pylist()}


def _compliance(
    table: ir.Table, config: CloudledgerConfig, month: str, tags: TagResolver, selection: Selection
) -> dict[str, Decimal | None]:
    """Per currency: the billing period's spend of the selection fully compliant with the tag policy, in %."""
    by, group = ("department", selection.department) if selection.department is not None else (None, None)
    rows = selection.rows(table, tags)
    report = tag_compliance(rows, config, by=by, metric=METRIC, start=month, end=month, tags=tags, resources=False)
    return {g.currency: g.spend_percent for g in report.groups if g.group == group and g.currency is not None}
