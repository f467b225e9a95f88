"""Source `opencost`: allocation JSON and CSV exports land exactly, labelled, and bad input is refused."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cloudledger.errors import InputError, UnknownFormatError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from reference import ledger_decimal
from source_probe import (
    assert_rejected,
    billed_by_slice,
    ledger_rows,
    must_failures,
    native_decimal,
    native_totals,
)

FACTS = "opencost/allocation-example-output.json", "opencost/export-sample.csv"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _facts(samples_dir: Path, name: str) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads((samples_dir / "facts.json").read_text())[name]["facts"]
    return facts


def test_allocation_json_sample_lands_exactly(home: Home, samples_dir: Path) -> None:
    sample = samples_dir / FACTS[0]
    document = json.loads(sample.read_text(), parse_float=Decimal, parse_int=Decimal)
    expected: dict[str, Decimal] = {}
    for step in document["data"]:
        for allocation in step.values():
            cluster = allocation["properties"]["cluster"]
            expected[cluster] = expected.get(cluster, Decimal(0)) + allocation["totalCost"]
    summary = ingest(home, [sample])
    assert billed_by_slice(home) == {("2023-07", "opencost", c): v for c, v in expected.items()}
    assert sum(expected.values()) == Decimal(_facts(samples_dir, FACTS[0])["costs"]["totalCost"]) == Decimal("1.77816")
    assert native_totals(home, summary) == {("2023-07", c, "USD", "BilledCost"): v for c, v in expected.items()}
    rows = ledger_rows(home)
    assert [r["x_k8s_namespace"] for r in rows] == _facts(samples_dir, FACTS[0])["allocations"]
    assert {r["x_k8s_allocation_type"] for r in rows} == {"allocated"}


def test_csv_export_sample_lands_exactly(home: Home, samples_dir: Path) -> None:
    sample = samples_dir / FACTS[1]
    with sample.open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    exact = sum((Decimal(r["TotalCost"]) for r in raw), Decimal(0))
    native = sum((native_decimal(r["TotalCost"]) for r in raw), Decimal(0))
    stored = sum((ledger_decimal(r["TotalCost"]) or Decimal(0) for r in raw), Decimal(0))
    summary = ingest(home, [sample])
    assert exact == Decimal(_facts(samples_dir, FACTS[1])["costs"]["TotalCost"]["sum"])
    assert billed_by_slice(home) == {("2023-01", "opencost", "default"): stored}
    assert native_totals(home, summary) == {("2023-01", "default", "USD", "BilledCost"): native}
    first = ledger_rows(home)[0]
    assert first["Tags"] == [("app", "opencost"), ("team", "my-team"), ("component", "server")]
    assert (first["x_k8s_pod"], first["x_k8s_container"], first["x_k8s_controller_kind"]) == (
        "opencost-8fd7f8778-s7flr",
        "opencost",
        "deployment",
    )
    assert first["PricingQuantity"] == Decimal(24) and first["PricingUnit"] == "Hours"


def test_samples_conform_to_focus(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / "opencost"])
    assert must_failures(home) == {"Kubernetes": []}
    assert len(ledger_rows(home)) == 5


def _allocation(name: str, cluster: str | None, total: str, **extra: Any) -> dict[str, Any]:
    properties = {"namespace": name.split("/")[-1], **({"cluster": cluster} if cluster else {})}
    properties |= extra.pop("properties", {})
    return {
        "name": name,
        "properties": properties,
        "window": {"start": "2025-01-31T00:00:00Z", "end": "2025-02-01T00:00:00Z"},
        "start": extra.pop("start", "2025-01-31T00:00:00Z"),
        "end": extra.pop("end", "2025-02-01T00:00:00Z"),
        "cpuCost": 1,
        "ramCost": 0.5,
        "totalCost": total,
        **extra,
    }


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data)
    marker = '"NUM:'  # unquote numbers the tests write as text, to keep all their digits
    while marker in text:
        start = text.index(marker)
        end = text.index('"', start + 1)
        text = text[:start] + text[start + len(marker) : end] + text[end + 1 :]
    path.write_text(text)
    return path


def test_windows_clusters_idle_and_labels_map(home: Home, tmp_path: Path) -> None:
    day2 = {"start": "2025-02-01T00:00:00Z", "end": "2025-02-02T00:00:00Z"}
    labels = {"labels": {"app": "shop", "team": "web"}, "namespaceLabels": {"team": "core", "env": "prod"}}
    data = [
        {
            "c1/shop": _allocation("c1/shop", "c1", "NUM:2.0000000000005", properties=labels),
            "c1/__idle__": _allocation("c1/__idle__", "c1", "NUM:3.25"),
            "c2/__unallocated__": _allocation("c2/__unallocated__", "c2", "NUM:0.75"),
        },
        None,
        {"c1/shop": _allocation("c1/shop", "c1", "NUM:4", **day2), "x": _allocation("x", None, "NUM:1", **day2)},
    ]
    summary = ingest(home, [_write_json(tmp_path / "alloc.json", {"code": 200, "data": data})])
    assert billed_by_slice(home) == {
        ("2025-01", "opencost", "c1"): Decimal("5.2500000000"),
        ("2025-01", "opencost", "c2"): Decimal("0.75"),
        ("2025-02", "opencost", "c1"): Decimal(4),
        ("2025-02", "opencost", "default"): Decimal(1),
    }
    assert native_totals(home, summary)[("2025-01", "c1", "USD", "BilledCost")] == Decimal("5.250000000001")
    rows = ledger_rows(home)
    assert [r["x_source_row"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["x_k8s_allocation_type"] for r in rows] == ["allocated", "idle", "unallocated", "allocated", "allocated"]
    shop, idle, unallocated = rows[0], rows[1], rows[2]
    assert dict(shop["Tags"]) == {"app": "shop", "team": "web", "env": "prod"}
    assert (shop["ChargeCategory"], shop["ChargeFrequency"], shop["ChargeClass"], shop["PricingCategory"]) == (
        "Usage",
        "Usage-Based",
        None,
        None,
    )
    assert shop["BilledCost"] == shop["EffectiveCost"] == shop["ListCost"] == shop["ContractedCost"] == Decimal(2)
    assert (shop["ServiceName"], shop["ServiceCategory"], shop["ServiceSubcategory"]) == (
        "Kubernetes",
        "Compute",
        "Containers",
    )
    assert (shop["ProviderName"], shop["BillingAccountId"], shop["ResourceId"]) == ("Kubernetes", "c1", "c1/shop")
    assert (shop["x_k8s_cpu_cost"], shop["x_k8s_ram_cost"], shop["x_k8s_idle_cost"]) == ("1", "0.5", None)
    assert shop["CommitmentDiscountId"] is None and shop["SkuId"] is None and shop["RegionId"] is None
    assert idle["x_k8s_idle_cost"] == "3.25" and "idle" in idle["ChargeDescription"]
    assert "__unallocated__" in unallocated["ChargeDescription"]
    assert must_failures(home) == {"Kubernetes": []}


def test_currency_and_window_fallback(home: Home, tmp_path: Path) -> None:
    allocation = _allocation("ns", "c1", "NUM:10")
    del allocation["start"], allocation["end"]
    ingest(home, [_write_json(tmp_path / "a.json", {"code": 200, "currency": "eur", "data": [{"ns": allocation}]})])
    (row,) = ledger_rows(home)
    assert row["BillingCurrency"] == "EUR"
    assert row["ChargePeriodStart"].isoformat() == "2025-01-31T00:00:00+00:00"


def test_csv_with_cluster_window_and_label_columns(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "summary.csv"
    path.write_text(
        "Name,Namespace,Cluster,ControllerKind,ControllerName,WindowStart,WindowEnd,CPUCost,RAMCost,GPUCost,"
        "PVCost,NetworkCost,LoadBalancerCost,SharedCost,ExternalCost,TotalCost,Label_team\n"
        "prod/web,web,prod,deployment,web,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,1,2,0,0,0,0.5,0,0,3.5,web\n"
        "prod/__idle__,__idle__,prod,,,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,4,1,0,0,0,0,0,0,5,\n"
    )
    ingest(home, [path])
    web, idle = ledger_rows(home)
    assert billed_by_slice(home) == {("2025-03", "opencost", "prod"): Decimal("8.5")}
    assert web["Tags"] == [("team", "web")] and idle["Tags"] == []
    assert (web["x_k8s_load_balancer_cost"], idle["x_k8s_allocation_type"]) == ("0.5", "idle")


def test_folder_ingest_reads_allocations_and_skips_other_json(home: Home, tmp_path: Path, samples_dir: Path) -> None:
    folder = tmp_path / "exports"
    _write_json(folder / "alloc.json", {"code": 200, "data": [{"ns": _allocation("ns", "c9", "NUM:2")}]})
    _write_json(folder / "manifest.json", {"code": 200, "data": [{"ns": _allocation("ns", "c8", "NUM:2")}]})
    _write_json(folder / "settings.json", {"theme": "dark"})
    (folder / "broken.json").write_text("{not json")
    summary = ingest(home, [folder])
    assert [Path(f.path).name for f in summary.files_read] == ["alloc.json"]
    assert billed_by_slice(home) == {("2025-01", "opencost", "c9"): Decimal(2)}


def _valid(total: str = "NUM:1", **extra: Any) -> dict[str, Any]:
    return _allocation("ns2", "c1", total, **extra)


def _json_case(data: Any) -> Callable[[Path], Path]:
    return lambda d: _write_json(d / "bad.json", data)


def _bytes_case(content: bytes, name: str = "bad.json") -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / name).write_bytes(content)
        return d / name

    return make


GOOD = {"ns1": _allocation("ns1", "c1", "NUM:1")}
CSV_HEAD = "Date,Namespace,ControllerKind,ControllerName,Pod,Container,CPUCost,RAMCost,TotalCost\n"
BAD: dict[str, tuple[Callable[[Path], Path], str, int | None, str | None]] = {
    "error response": (
        _json_case({"code": 500, "message": "Prometheus unreachable", "data": [GOOD]}),
        "the response is an error (code 500): Prometheus unreachable",
        None,
        None,
    ),
    "allocation set not an object": (
        _json_case({"code": 200, "data": [GOOD, ["x"]]}),
        "allocation set 2 is not a JSON object",
        None,
        None,
    ),
    "allocation without totalCost": (
        _json_case({"code": 200, "data": [{**GOOD, "ns2": {"name": "ns2", "properties": {}}}]}),
        "allocation 'ns2' has no totalCost",
        2,
        "totalCost",
    ),
    "non-numeric cost": (
        _json_case({"code": 200, "data": [{**GOOD, "ns2": _valid("12,5")}]}),
        "'12,5'",
        2,
        "totalCost",
    ),
    "non-numeric part": (
        _json_case({"code": 200, "data": [{**GOOD, "ns2": _valid(ramCost="n/a")}]}),
        "'n/a' is not a number",
        2,
        "ramCost",
    ),
    "bad date": (
        _json_case({"code": 200, "data": [{**GOOD, "ns2": _valid(start="31/01/2025")}]}),
        "'31/01/2025' is not an ISO 8601",
        2,
        "start",
    ),
    "missing start": (
        _json_case({"code": 200, "data": [{**GOOD, "ns2": {**_valid(start=None), "window": {}}}]}),
        "empty value",
        2,
        "start",
    ),
    "invalid JSON": (_bytes_case(b'{"code": 200, "data": [{"ns": {"name"'), "not a JSON document", None, None),
    "non-UTF-8": (_bytes_case(b'{"code": 200, "data": [{"n\xe9": 1}]}'), "not a JSON document", None, None),
    "csv non-numeric": (
        _bytes_case((CSV_HEAD + "2025-01-01,a,deployment,a,p,c,1,1,1\n2025-01-01,b,,,,,1,1,$2\n").encode(), "x.csv"),
        "'$2' is not a number",
        2,
        "TotalCost",
    ),
    "csv bad date": (
        _bytes_case((CSV_HEAD + "01/02/2025,a,deployment,a,p,c,1,1,1\n").encode(), "x.csv"),
        "'01/02/2025' is not a date such as 2025-01-31",
        1,
        "Date",
    ),
    "csv non-UTF-8": (
        _bytes_case((CSV_HEAD + "2025-01-01,caf").encode() + b"\xe9,deployment,a,p,c,1,1,1\n", "x.csv"),
        "is not UTF-8 text",
        1,
        "Namespace",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_rejected_and_ledger_unchanged(case: str, home: Home, tmp_path: Path) -> None:
    ingest(home, [_write_json(tmp_path / "good" / "alloc.json", {"code": 200, "data": [GOOD]})])
    bad = tmp_path / "bad"
    bad.mkdir()
    make, message, row, column = BAD[case]
    assert_rejected(home, make(bad), message, row, column)


@pytest.mark.parametrize(
    "document",
    [{"items": [1, 2]}, {"code": 200, "data": []}, [1, 2], {"code": 200, "data": [{"a": {"name": "a"}}]}],
    ids=["other JSON", "empty response", "a list", "records without costs"],
)
def test_json_that_is_not_an_allocation_response_is_refused(document: Any, home: Home, tmp_path: Path) -> None:
    path = _write_json(tmp_path / "other.json", document)
    with pytest.raises(InputError, match=r"no known source recognises|the file has no header row") as caught:
        ingest(home, [path])
    assert caught.value.file == str(path.resolve())


def test_csv_without_total_cost_is_not_recognised(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Date,Namespace,ControllerKind,CPUCost,RAMCost\n2025-01-01,a,deployment,1,1\n")
    with pytest.raises(UnknownFormatError, match="no known source recognises"):
        ingest(home, [path])
