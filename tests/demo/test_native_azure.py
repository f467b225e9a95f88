"""The demo's Azure bills as EA and MCA cost details (actual + amortized) land as the same FOCUS totals as its
FocusCost export: per billing account, month and charge category, exactly, restatement included; every row
has the same ServiceName, ServiceCategory, ServiceSubcategory and ResourceType in both formats."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.reconcile import reconcile_home
from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.demo.commitments import PLANS
from cloudledger.demo.generator import Delivery
from cloudledger.demo.months import Month
from cloudledger.demo.services import SERVICE_BY_NAME, TEMPLATES
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources import azure_reference as ref
from cloudledger.sources.azure_columns import schema_family
from source_probe import ledger_rows, must_failures

NATIVE = ("ea", "mca")
METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
Totals = dict[tuple[str, str, str], dict[str, Decimal]]


def _plan(provider: str, month: Month) -> tuple[str, ...]:
    return ("focus", *NATIVE) if provider == "azure" else ("focus",)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoOutput:
    out = tmp_path_factory.mktemp("native-azure")
    return generate_demo(out, seed=11, rows=20_000, months=3, end_month="2026-10", plan=_plan)


def _azure(demo: DemoOutput, formats: tuple[str, ...]) -> list[Delivery]:
    return [d for d in demo.deliveries if d.provider == "azure" and d.format in formats]


def _home(root: Path, deliveries: list[Delivery]) -> Home:
    home = Home(root).ensure()
    for delivery in deliveries:
        ingest(home, delivery.paths)
    return home


@pytest.fixture(scope="module")
def homes(demo: DemoOutput, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Home]:
    """One home per format, each fed its deliveries in delivery order, one ingest per delivery."""
    root = tmp_path_factory.mktemp("homes")
    return {fmt: _home(root / fmt, _azure(demo, (fmt,))) for fmt in ("focus", *NATIVE)}


def _totals(home: Home) -> Totals:
    """(billing account, billing period, charge category) -> the four cost metrics, and (..., "all")."""
    out: Totals = defaultdict(lambda: dict.fromkeys(METRICS, Decimal(0)))
    for row in ledger_rows(home):
        for category in (row["ChargeCategory"], "all"):
            sums = out[(row["BillingAccountId"], row["x_billing_period"], category)]
            for metric in METRICS:
                sums[metric] += row[metric]
    return dict(out)


@pytest.mark.parametrize("fmt", NATIVE)
def test_totals_equal_the_focus_export_exactly(homes: dict[str, Home], fmt: str) -> None:
    focus, native = _totals(homes["focus"]), _totals(homes[fmt])
    assert set(native) == set(focus)
    assert {k[1] for k in focus} == {"2026-08", "2026-09", "2026-10"}
    assert {k[2] for k in focus} == {"Usage", "Purchase", "Credit", "all"}
    for key, sums in focus.items():
        assert native[key] == sums, key
    commitments = [r for r in ledger_rows(homes[fmt]) if r["CommitmentDiscountId"]]
    statuses = {r["CommitmentDiscountStatus"] for r in commitments}
    assert {"Used", None} <= statuses <= {"Used", "Unused", None}  # unused rows are paired in test_azure_cost
    assert {(r["ChargeCategory"], r["x_CostDatasets"]) for r in commitments if not r["CommitmentDiscountStatus"]} == {
        ("Purchase", "actual")
    }


@pytest.mark.parametrize("fmt", NATIVE)
def test_reconcile_finds_no_difference_between_the_formats(demo: DemoOutput, tmp_path: Path, fmt: str) -> None:
    home = _home(tmp_path / "both", _azure(demo, ("focus", fmt)))
    report = reconcile_home(home)
    kinds = {c.kind for c in report.checks}
    assert kinds == {"native", "ingest", "formats"} and report.unverified == ()
    assert [c for c in report.checks if c.difference != 0] == []
    formats = [c for c in report.checks if c.kind == "formats"]
    assert {c.billing_period for c in formats} == {"2026-08", "2026-09", "2026-10"}
    assert {c.metric for c in formats} == set(METRICS)


def _prices(home: Home) -> Counter[tuple[str | None, ...]]:
    keys = ("ChargeCategory", "CommitmentDiscountStatus", "SkuId", "SkuPriceId")
    return Counter(tuple(row[k] for k in keys) for row in ledger_rows(home))


@pytest.mark.parametrize("fmt", NATIVE)
def test_sku_price_ids_equal_the_focus_exports_except_on_commitment_charges(homes: dict[str, Home], fmt: str) -> None:
    """azure-cost's SkuPriceId is `{SkuId}_{MeterId}`; a commitment purchase or unused row names no meter in cost
    details, so it gets its SkuId, where FocusCost names the commitment's own price."""
    focus, native = _prices(homes["focus"]), _prices(homes[fmt])
    assert sum(native.values()) == sum(focus.values())
    only_focus, only_native = focus - native, native - focus
    assert only_focus and all(k[0] == "Purchase" or k[1] == "Unused" for k in only_focus)
    assert all(k[3] == k[2] for k in only_native)
    assert sum(only_focus.values()) == sum(only_native.values()) < sum(focus.values()) // 100
    usage = [k for k in native if k[0] == "Usage" and k[1] != "Unused"]
    assert usage and all(k[3] and k[2] and k[3].startswith(k[2] + "_") for k in usage)


NAMES = ("ServiceName", "ServiceCategory", "ServiceSubcategory", "ResourceType")


def _names(home: Home) -> Counter[tuple[str | None, ...]]:
    keys = ("ChargeCategory", "CommitmentDiscountStatus", "SkuId", "ResourceId", *NAMES)
    return Counter(tuple(row[k] for k in keys) for row in ledger_rows(home))


@pytest.mark.parametrize("fmt", NATIVE)
def test_services_and_resource_types_equal_the_focus_exports(homes: dict[str, Home], fmt: str) -> None:
    """Both formats name each row's service and resource type from Microsoft's tables: same names per row."""
    focus, native = _names(homes["focus"]), _names(homes[fmt])
    assert native == focus
    services = {k[4] for k in focus}
    assert {"Azure AI Services", "Virtual Network", "Azure Reservations", "Microsoft Defender for Cloud"} <= services


def test_the_azure_catalogue_is_microsofts_service_mapping() -> None:
    """Every Azure template (and the reservation) carries the ServiceName, ServiceCategory, ServiceSubcategory
    and ResourceType Microsoft's tables give its ConsumedService / resource type, or its meter category when it
    has no resource; Azure OpenAI is billed as Azure AI Services (its meters keep the Azure OpenAI
    subcategory)."""
    azure = [t for t in TEMPLATES if t.provider == "azure"]
    for t in azure:
        extra = dict(t.extra)
        arm = extra["x_ResourceType"] if t.rid else None
        service = SERVICE_BY_NAME[("azure", t.service)]
        found = ref.service(extra["x_ResourceType"].split("/")[0], arm) if arm else ref.service_named(service.code)
        assert found == (service.name, service.category, service.subcategory), t.key
        assert (t.rtype or None) == ref.resource_type_name(arm), t.key
    openai = [t for t in azure if dict(t.extra)["x_SkuMeterSubcategory"] == "Azure OpenAI"]
    assert len(openai) == 2 and {t.service for t in openai} == {"Azure AI Services"}
    reservation = next(p for p in PLANS if p.provider == "azure")
    service = SERVICE_BY_NAME[("azure", reservation.service)]
    arm = "microsoft.capacity/reservationorders/reservations"
    assert ref.service("microsoft.capacity", arm) == (service.name, service.category, service.subcategory)
    assert ref.resource_type_name(arm) == reservation.type


def _cost_sum(path: Path) -> Decimal:
    """The cost column of one cost details file, summed with Decimal from the text."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        column = (
            "CostInBillingCurrency" if "CostInBillingCurrency" in (reader.fieldnames or []) else "costInBillingCurrency"
        )
        return sum((Decimal(row[column]) for row in reader), Decimal(0))


@pytest.mark.parametrize("fmt", NATIVE)
def test_the_restated_month_replaces_the_first_delivery(demo: DemoOutput, homes: dict[str, Home], fmt: str) -> None:
    first, again = (d for d in _azure(demo, (fmt,)) if d.billing_period == "2026-08")
    assert (first.restatement, again.restatement) == (False, True)
    sums = {
        (d.restatement, p.parent.parent.parent.name.rsplit("-", 1)[1]): _cost_sum(p)
        for d in (first, again)
        for p in d.paths
    }
    native = {k[2]: v for k, v in _totals(homes[fmt]).items() if k[1] == "2026-08"}
    assert native["all"]["BilledCost"] == sums[(True, "actual")] != sums[(False, "actual")]
    assert native["all"]["EffectiveCost"] == sums[(True, "amortized")] != sums[(False, "amortized")]
    assert native["Credit"]["BilledCost"] < 0
    focus = {k[2]: v for k, v in _totals(homes["focus"]).items() if k[1] == "2026-08"}
    assert focus["Credit"] == native["Credit"]


@pytest.mark.parametrize("fmt", NATIVE)
def test_the_native_ledger_breaks_no_rule_the_focus_export_keeps(homes: dict[str, Home], fmt: str) -> None:
    focus = {rule for rules in must_failures(homes["focus"]).values() for rule in rules}
    native = {rule for rules in must_failures(homes[fmt]).values() for rule in rules}
    assert native <= focus


@pytest.mark.parametrize("fmt", NATIVE)
def test_each_delivery_is_an_actual_and_an_amortized_export_run(demo: DemoOutput, fmt: str) -> None:
    submitted: dict[str, list[str]] = defaultdict(list)
    for delivery in _azure(demo, (fmt,)):
        assert len(delivery.paths) == 2 and delivery.manifest == delivery.paths[0].parent / "manifest.json"
        for path, kind in zip(delivery.paths, ("ActualCost", "AmortizedCost"), strict=True):
            manifest = json.loads((path.parent / "manifest.json").read_text())
            assert manifest["exportConfig"]["type"] == kind and manifest["runInfo"]["runId"] == path.parent.name
            assert path.parts[-7:-3] == (
                "azure-cost",
                "cost-exports",
                "cost-details",
                manifest["exportConfig"]["exportName"],
            )
            with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
                header, *rows = list(csv.reader(handle))
            assert schema_family(header) == fmt.upper()
            assert manifest["blobs"][0]["dataRowCount"] == manifest["dataRowCount"] == len(rows)
            submitted[f"{kind}:{delivery.billing_period}"].append(manifest["runInfo"]["submittedTime"])
    restated = submitted["ActualCost:2026-08"]
    assert len(restated) == 2 and restated[1] > restated[0]


def test_the_files_are_the_same_for_the_same_seed(tmp_path: Path) -> None:
    runs = [
        generate_demo(tmp_path / str(i), seed=3, rows=3_000, months=1, end_month="2026-01", plan=_plan) for i in (1, 2)
    ]
    files = [sorted(p for d in _azure(run, NATIVE) for p in d.paths) for run in runs]
    assert [p.relative_to(tmp_path / "1") for p in files[0]] == [p.relative_to(tmp_path / "2") for p in files[1]]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(*files, strict=True))
