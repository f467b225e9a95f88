"""Executive KPIs over a hand-made ledger spanning two months of two years, against sums worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from allocation_ledger import ORG
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from focus_rows import focus_row, write_focus_csv

D = Decimal

POLICY = (
    ORG
    + """
tag_policy:
  required: [team]
budgets:
  - {name: company, scope: {total: true}, monthly: 500, start: 2025-01}
  - {name: spring push, scope: {total: true}, monthly: 100, start: 2025-03}
  - {name: platform, scope: {team: platform}, monthly: 50, start: 2025-01}
"""
)

# (charge day, currency, tags, EffectiveCost, ListCost, ContractedCost, extra FOCUS fields)
ROWS: list[tuple[str, str, dict[str, str], str, str, str, dict[str, Any]]] = [
    ("2025-03-05", "USD", {"team": "platform"}, "100", "150", "120", {}),
    ("2025-03-10", "USD", {"team": "nobody"}, "50", "50", "50", {}),
    (
        "2025-03-08",
        "USD",
        {},
        "0",
        "300",
        "300",
        {
            "ChargeCategory": "Purchase",
            "ChargeFrequency": "One-Time",
            "BilledCost": "300",
            "CommitmentDiscountId": "ri-1",
            "CommitmentDiscountCategory": "Usage",
            "CommitmentDiscountType": "Reserved Instance",
            "CommitmentDiscountQuantity": "1",
            "CommitmentDiscountUnit": "Hours",
            "PricingCategory": "Standard",
            "ResourceId": None,
        },
    ),
    ("2025-02-07", "USD", {"team": "platform"}, "80", "80", "80", {}),
    ("2025-02-20", "USD", {"team": "platform"}, "999", "999", "999", {}),
    ("2025-01-15", "USD", {"team": "platform"}, "40", "40", "40", {}),
    ("2024-03-09", "USD", {"team": "platform"}, "60", "60", "60", {}),
    ("2024-03-11", "USD", {"team": "platform"}, "70", "70", "70", {}),
    ("2025-03-06", "EUR", {"TEAM": "platform"}, "20", "25", "20", {}),
]


def row(
    day: str, currency: str, tags: dict[str, str], cost: str, list_cost: str, contracted: str, **extra: Any
) -> dict[str, Any]:
    year, month = int(day[:4]), int(day[5:7])
    following = f"{year + month // 12}-{month % 12 + 1:02d}"
    fields: dict[str, Any] = {
        "BillingCurrency": currency,
        "BillingAccountId": "111111111111" if currency == "USD" else "222222222222",
        "BillingPeriodStart": f"{day[:7]}-01T00:00:00Z",
        "BillingPeriodEnd": f"{following}-01T00:00:00Z",
        "ChargePeriodStart": f"{day}T00:00:00Z",
        "ChargePeriodEnd": f"{day}T01:00:00Z",
        "Tags": json.dumps(tags) if tags else None,
        "EffectiveCost": cost,
        "BilledCost": cost,
        "ListCost": list_cost,
        "ContractedCost": contracted,
        "ListUnitPrice": str(D(list_cost) / 24),
        "ContractedUnitPrice": str(D(contracted) / 24),
        "ResourceId": f"vm-{day}-{currency}",
    }
    fields.update(extra)
    return focus_row(**fields)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> CloudledgerConfig:
    return parse_config(POLICY, tmp_path_factory.mktemp("kpi-config") / "cloudledger.yaml")


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    folder = tmp_path_factory.mktemp("kpis")
    home = Home(folder / "home").ensure()
    paths = []
    for currency in ("USD", "EUR"):
        rows = [row(d, c, t, e, lc, cc, **x) for d, c, t, e, lc, cc, x in ROWS if c == currency]
        paths.append(write_focus_csv(Path(folder) / f"focus-{currency}.csv", rows))
    ingest(home, paths)
    opened = open_ledger(home)
    yield opened
    opened.close()


def test_spend_against_the_same_days_before(view: LedgerView, config: CloudledgerConfig) -> None:
    report = executive_kpis(view.table, config)
    assert report.as_of_day == date(2025, 3, 10) and report.month == "2025-03"
    usd = report.currency("USD")
    mtd = D(100) + D(50) + D(0)
    february_1_to_10 = D(80)  # the 999 of 20 February is after the 10th
    assert (usd.month_to_date.spend, usd.month_to_date.previous_spend) == (mtd, february_1_to_10)
    assert (usd.month_to_date.previous_start, usd.month_to_date.previous_end) == (date(2025, 2, 1), date(2025, 2, 10))
    assert usd.month_to_date.change_pct == pct(mtd - february_1_to_10, february_1_to_10) == D("87.50")
    ytd = mtd + D(80) + D(999) + D(40)
    last_year = D(60)  # 11 March 2024 is after the same day of last year
    assert (usd.year_to_date.spend, usd.year_to_date.previous_spend) == (ytd, last_year)
    assert usd.year_to_date.change_pct == pct(ytd - last_year, last_year)


def test_company_budgets_and_their_use(view: LedgerView, config: CloudledgerConfig) -> None:
    usd = executive_kpis(view.table, config).currency("USD")
    assert usd.budget_month == D(500) + D(100)  # the team budget is not company-wide
    assert usd.budget_year_to_date == 3 * D(500) + D(100)
    assert usd.budget_month_pct == pct(D(150), D(600)) == D("25.00")
    assert usd.budget_year_to_date_pct == pct(D(1269), D(1600))
    eur = executive_kpis(view.table, config).currency("EUR")
    assert eur.budget_month is None and eur.budget_month_pct is None and eur.budget_year_to_date is None


def test_allocated_share_and_tag_compliance(view: LedgerView, config: CloudledgerConfig) -> None:
    report = executive_kpis(view.table, config)
    usd, eur = report.currency("USD"), report.currency("EUR")
    assert usd.allocated_pct == pct(D(100), D(150))  # team "nobody" matches no team of the organisation
    assert usd.tag_compliance_pct == D("100.00")  # every charge carries a team tag (the purchase costs 0)
    assert eur.allocated_pct == D("100.00") and eur.tag_compliance_pct == D("100.00")


def test_savings_rates_leave_out_commitment_purchases(view: LedgerView, config: CloudledgerConfig) -> None:
    report = executive_kpis(view.table, config)
    usd, eur = report.currency("USD"), report.currency("EUR")
    purchases = view.table.filter(view.table.ChargeCategory == "Purchase")
    assert purchases.count().to_pyarrow().as_py() == 1  # ingested, and still left out below
    listed, contracted, effective = D(150) + D(50), D(120) + D(50), D(150)
    assert usd.savings_vs_list_pct == pct(listed - effective, listed) == D("25.00")
    assert usd.savings_vs_contracted_pct == pct(contracted - effective, contracted) == D("11.76")
    assert eur.savings_vs_list_pct == pct(D(5), D(25)) and eur.savings_vs_contracted_pct == D("0.00")
    assert eur.month_to_date.change_pct is None  # nothing in EUR the month before


def test_an_earlier_day(view: LedgerView, config: CloudledgerConfig) -> None:
    report = executive_kpis(view.table, config, as_of_day=date(2025, 2, 15))
    usd = report.currency("USD")
    assert report.month == "2025-02"
    assert (usd.month_to_date.spend, usd.month_to_date.previous_spend) == (D(80), D(40))
    assert usd.month_to_date.change_pct == D("100.00")
    assert usd.budget_month == D(500) and usd.budget_year_to_date == D(1000)
    assert [c.currency for c in report.currencies] == ["USD"]


def test_an_empty_ledger(view: LedgerView, config: CloudledgerConfig) -> None:
    empty = view.table.filter(view.table.BillingCurrency == "none")
    report = executive_kpis(empty, config)
    assert report.as_of_day is None and report.currencies == ()
