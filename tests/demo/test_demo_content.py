"""What the demo company's bills contain, recomputed from the files with pyarrow and Decimal."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from statistics import median

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cloudledger.demo import DemoOutput
from cloudledger.demo.company import SUB_ACCOUNTS
from cloudledger.focus import load_spec
from demo.demo_files import csv_records, latest_rows, read_file

DEPARTMENTS = [
    "Engineering",
    "Data Science",
    "Customer Experience",
    "Marketing",
    "Sales",
    "Finance",
    "Operations",
    "Security",
]
DEPARTMENT_OF = {s.id: s.department for s in SUB_ACCOUNTS}
ENV_OF = {s.id: s.env for s in SUB_ACCOUNTS}


@pytest.fixture(scope="module")
def rows(demo: DemoOutput) -> list[dict[str, object]]:
    return latest_rows(demo).to_pylist()


def _where(rows: list[dict[str, object]], **equal: object) -> list[dict[str, object]]:
    return [r for r in rows if all(r[k] == v for k, v in equal.items())]


def _money(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def test_eight_departments_over_twenty_four_months(demo: DemoOutput, rows: list[dict[str, object]]) -> None:
    assert demo.departments == DEPARTMENTS
    cost: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        cost[DEPARTMENT_OF[str(r["SubAccountId"])]] += _money(r["EffectiveCost"])
    assert sorted(cost) == sorted(DEPARTMENTS)
    assert all(v > 0 for v in cost.values())
    periods = sorted({str(r["BillingPeriodStart"])[:7] for r in rows})
    assert len(periods) == 24 and periods[0] == "2024-11" and periods[-1] == "2026-10"


def test_services_and_their_one_category(rows: list[dict[str, object]]) -> None:
    allowed = set(load_spec("1.2").by_name["ServiceCategory"].allowed_values or ())
    categories: dict[tuple[object, object], set[object]] = defaultdict(set)
    for r in rows:
        categories[(r["ProviderName"], r["ServiceName"])].add(r["ServiceCategory"])
    assert len({name for _, name in categories}) >= 30
    assert all(len(c) == 1 and c <= allowed for c in categories.values())
    for must in (
        "Amazon SageMaker",
        "Amazon Bedrock",
        "Vertex AI",
        "BigQuery",
        "Azure AI Services",
        "Azure Databricks",
    ):
        assert any(name == must for _, name in categories)


def test_about_fifteen_percent_of_usage_rows_are_untagged(rows: list[dict[str, object]]) -> None:
    usage = [
        r
        for r in rows
        if r["ChargeCategory"] == "Usage" and r["ChargeClass"] is None and r["CommitmentDiscountStatus"] != "Unused"
    ]
    share = sum(not r["tagged"] for r in usage) / len(usage)
    assert 0.10 <= share <= 0.20, share


def test_tags_are_inconsistent_like_real_ones(demo: DemoOutput) -> None:
    keys: set[str] = set()
    envs: set[str] = set()
    for d in demo.deliveries:
        if d.provider == "aws":
            for tags in read_file(d.paths[0])["Tags"].to_pylist():
                keys.update(k for k, _ in tags or [])
                envs.update(v for k, v in tags or [] if k == "env")
        else:
            for r in csv_records(d.paths[0]):
                if r["Tags"]:
                    tags = json.loads(r["Tags"])
                    keys.update(tags)
                    envs.add(tags.get("env", "prod"))
    assert {"team", "Team", "TEAM"} <= keys
    assert {"prod", "production", "Prod"} <= envs
    assert {"cost-center", "owner", "application", "project", "department"} <= keys


def test_anomalies_fall_on_days_of_clearly_higher_cost(demo: DemoOutput, rows: list[dict[str, object]]) -> None:
    with demo.anomalies_path.open(newline="") as f:
        anomalies = list(csv.DictReader(f))
    assert 4 <= len({a["kind"] for a in anomalies}) <= 8
    daily: dict[tuple[object, object, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        if r["ChargeCategory"] == "Usage" and r["ChargeClass"] is None:
            key = (r["ServiceName"], r["SubAccountId"], str(r["ChargePeriodStart"])[:10])
            daily[key] += _money(r["EffectiveCost"])
    anomaly_days = {(a["service"], a["sub_account"], a["date"]) for a in anomalies}
    for a in anomalies:
        key = (a["service"], a["sub_account"], a["date"])
        assert daily[key] == Decimal(a["expected_daily_cost"]) + Decimal(a["injected_extra_cost"])
        assert DEPARTMENT_OF[a["sub_account"]] == a["department"]
        month = a["date"][:7]
        others = [
            v
            for (s, acct, d), v in daily.items()
            if (s, acct) == key[:2] and d.startswith(month) and (s, acct, d) not in anomaly_days
        ]
        assert daily[key] > Decimal(2) * Decimal(median(others)), a


def test_restated_month_is_delivered_again_later(demo: DemoOutput) -> None:
    deliveries = demo.deliveries
    (restated,) = [i for i, d in enumerate(deliveries) if d.restatement]
    again = deliveries[restated]
    (first,) = [
        i
        for i, d in enumerate(deliveries)
        if (d.provider, d.billing_period) == (again.provider, again.billing_period) and not d.restatement
    ]
    assert first < restated
    assert deliveries[first].paths != again.paths
    before, after = (read_file(deliveries[i].paths[0]) for i in (first, restated))
    assert pc.sum(before["BilledCost"]).as_py() != pc.sum(after["BilledCost"]).as_py()
    assert (
        pc.sum(pc.equal(after["ChargeCategory"], "Credit")).as_py()
        > pc.sum(pc.equal(before["ChargeCategory"], "Credit")).as_py()
    )


def test_commitments_balance_and_price_their_usage(rows: list[dict[str, object]]) -> None:
    """AWS and Azure amortize a purchase over the usage it covers and the Unused rest, per commitment."""
    purchased: dict[object, Decimal] = defaultdict(Decimal)
    amortized: dict[object, Decimal] = defaultdict(Decimal)
    statuses: dict[object, set[object]] = defaultdict(set)
    for r in rows:
        cid = r["CommitmentDiscountId"]
        if cid is None:
            assert r["PricingCategory"] != "Committed"
            continue
        if r["ProviderName"] == "Google Cloud":
            continue
        if r["ChargeCategory"] == "Purchase":
            purchased[cid] += _money(r["BilledCost"])
            assert r["EffectiveCost"] == 0 and r["PricingCategory"] == "Standard"
        else:
            amortized[cid] += _money(r["EffectiveCost"])
            statuses[cid].add(r["CommitmentDiscountStatus"])
            assert r["PricingCategory"] == "Committed" and r["BilledCost"] == 0
    assert len(purchased) >= 4 and purchased.keys() == amortized.keys()
    assert all(purchased[c] == amortized[c] for c in purchased)
    assert all("Used" in s for s in statuses.values())
    assert any("Unused" in s for s in statuses.values())
    assert {r["PricingCategory"] for r in rows if r["ChargeCategory"] == "Usage"} >= {"Standard", "Dynamic"}


def test_google_bills_its_committed_use_discount_as_usage(rows: list[dict[str, object]]) -> None:
    """The CUD fee is a recurring Usage row; covered usage costs nothing; nothing shows the unused part."""
    google = _where(rows, ProviderName="Google Cloud")
    assert not _where(google, ChargeCategory="Purchase")
    assert not _where(google, CommitmentDiscountStatus="Unused")
    fees = [r for r in google if str(r["ChargeDescription"]).startswith("Commitment v1:")]
    months = {str(r["BillingPeriodStart"])[:7] for r in fees}
    assert len(fees) == len(months) >= 12
    for fee in fees:
        charge = (fee["ChargeCategory"], fee["ChargeFrequency"], fee["PricingCategory"])
        assert charge == ("Usage", "Recurring", "Standard")
        assert fee["CommitmentDiscountId"] is None and fee["ResourceId"]
        cost = {_money(fee[m]) for m in ("BilledCost", "EffectiveCost", "ContractedCost", "ListCost")}
        assert len(cost) == 1 and cost.pop() > 0
    covered: dict[tuple[object, str], Decimal] = defaultdict(Decimal)
    for r in _where(google, CommitmentDiscountStatus="Used"):
        assert r["PricingCategory"] == "Committed" and r["CommitmentDiscountCategory"] == "Spend"
        assert r["BilledCost"] == r["EffectiveCost"] == 0 < _money(r["ContractedCost"])
        # Google's bill names the commitment that covered a row, not how much of it was used.
        assert r["CommitmentDiscountQuantity"] is None
        covered[(r["CommitmentDiscountId"], str(r["ChargePeriodStart"])[:7])] += _money(r["ContractedCost"])
    assert {month for _, month in covered} == months
    assert {(fee["ResourceId"], str(fee["BillingPeriodStart"])[:7]) for fee in fees} == set(covered)


def test_cost_metrics_are_consistent(rows: list[dict[str, object]]) -> None:
    priced = 0
    for r in rows:
        billed, effective = _money(r["BilledCost"]), _money(r["EffectiveCost"])
        listed, contracted = _money(r["ListCost"]), _money(r["ContractedCost"])
        if r["ProviderName"] == "AWS" and r["CommitmentDiscountStatus"] == "Unused":
            assert listed == contracted == 0, r  # AWS's fee line has no on-demand price for unused hours
        elif billed >= 0 and effective >= 0:
            assert listed >= contracted >= effective, r
        if r["ChargeClass"] is None and r["ListUnitPrice"] is not None and r["PricingQuantity"] is not None:
            quantity = _money(r["PricingQuantity"])
            assert _money(r["ListUnitPrice"]) * quantity == listed
            assert _money(r["ContractedUnitPrice"]) * quantity == contracted
            priced += 1
    assert priced > 0.9 * len(rows)


def test_taxes_credits_refunds_and_support(rows: list[dict[str, object]]) -> None:
    categories = {r["ChargeCategory"] for r in rows}
    assert categories == {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
    assert all(_money(r["BilledCost"]) < 0 for r in _where(rows, ChargeCategory="Credit"))
    corrections = _where(rows, ChargeClass="Correction")
    assert corrections and all(_money(r["BilledCost"]) < 0 for r in corrections)
    # the AWS refund of an earlier month, as AWS's FOCUS export books a Refund line
    assert _where(rows, ChargeCategory="Adjustment") == _where(rows, ProviderName="AWS", ChargeClass="Correction")
    aws_tax = _where(rows, ProviderName="AWS", ChargeCategory="Tax")
    assert aws_tax and all(len({r[m] for m in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")}) == 1
                           for r in aws_tax)  # fmt: skip
    assert _where(rows, ServiceName="AWS Support (Business)", ChargeCategory="Purchase")
    assert not _where(rows, ProviderName="Microsoft", ChargeCategory="Tax")


def _daily_cost(rows: list[dict[str, object]], keep: Callable[[dict[str, object]], bool]) -> dict[date, Decimal]:
    out: dict[date, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r["ChargeCategory"] == "Usage" and keep(r):
            out[date.fromisoformat(str(r["ChargePeriodStart"])[:10])] += _money(r["EffectiveCost"])
    return out


def test_growth_weekly_and_month_end_patterns(rows: list[dict[str, object]]) -> None:
    monthly: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        monthly[str(r["BillingPeriodStart"])[:7]] += _money(r["EffectiveCost"])
    values = [monthly[m] for m in sorted(monthly)]
    assert sum(values[-6:]) > Decimal("1.3") * sum(values[:6])

    dev = _daily_cost(rows, lambda r: ENV_OF[str(r["SubAccountId"])] in ("dev", "sandbox", "staging"))
    weekend = [v for d, v in dev.items() if d.weekday() >= 5]
    weekday = [v for d, v in dev.items() if d.weekday() < 5]
    assert median(weekend) < Decimal("0.8") * median(weekday)

    batch = {"Amazon Athena", "AWS Glue", "BigQuery", "Dataflow", "Azure Databricks", "Amazon Redshift"}
    jobs = _daily_cost(rows, lambda r: r["ServiceName"] in batch)
    last_days = [v for d, v in jobs.items() if _is_month_end(d)]
    middle = [v for d, v in jobs.items() if 10 <= d.day <= 20]
    assert median(last_days) > Decimal("1.3") * median(middle)


def _is_month_end(d: date) -> bool:
    nxt = date.fromordinal(d.toordinal() + 3)
    return nxt.month != d.month


def test_files_hold_no_paths_outside_the_output(demo: DemoOutput, demo_dir: Path) -> None:
    for d in demo.deliveries:
        for p in [*d.paths, *([d.manifest] if d.manifest else [])]:
            assert demo_dir in p.parents
    assert demo.anomalies_path.parent == demo_dir


def test_restatement_uses_the_same_schema(demo: DemoOutput) -> None:
    restated = next(d for d in demo.deliveries if d.restatement)
    original = next(
        d for d in demo.deliveries if (d.provider, d.billing_period) == (restated.provider, restated.billing_period)
    )
    assert read_file(restated.paths[0]).schema == read_file(original.paths[0]).schema
    assert isinstance(read_file(original.paths[0]), pa.Table)
