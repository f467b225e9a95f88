"""The cloud mix on a hand-made ledger whose rows were classified by hand (tests/cloud_ledger.py): each
breakdown adds up to the ledger, the AI/ML view holds exactly the rows classified as AI/ML, commitment purchases
and unused commitments are not counted, currencies are never mixed. Plus the classification rules on real
instance types and SKU names of each provider."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import ibis
import pytest

from cloud_ledger import POLICY, build_cloud_ledger, rows_in, total
from cloudledger.analyses.ai_workloads import (
    DATA_ANALYTICS,
    GPU_INFERENCE,
    GPU_TRAINING,
    MANAGED_ML,
    RULES,
    SIGNATURE,
    WORKLOAD_TAG,
    WORKLOADS,
    classify,
)
from cloudledger.analyses.cloud_mix import cloud_mix
from cloudledger.analyses.cloud_mix_model import OTHER, UNALLOCATED, CloudMix
from cloudledger.config.load import load_config
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.read import LedgerView, open_ledger

D = Decimal


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_cloud_ledger(tmp_path_factory.mktemp("cloud"))


@pytest.fixture(scope="module")
def view(home: Home) -> Iterator[LedgerView]:
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def mix(view: LedgerView, home: Home) -> CloudMix:
    return cloud_mix(view.table, load_config(home.config_path))


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(D("0.01"))


def test_the_default_range_is_the_last_twelve_billing_periods(mix: CloudMix) -> None:
    assert (mix.start, mix.end) == ("2024-02", "2025-01")
    assert mix.available_providers == ("AWS", "Google Cloud")
    assert [c.currency for c in mix.currencies] == ["EUR", "USD"]


def test_totals_equal_the_ledger_per_currency(mix: CloudMix, view: LedgerView) -> None:
    for line in mix.currencies:
        assert line.total == total(rows_in(), line.currency)
    assert mix.currency("USD").total == D(301)  # 100 + 30 + 0 + 5 + 40 + 4 + 50 + 12 + 60
    assert mix.currency("EUR").total == D(45)


def test_provider_by_service_adds_up_and_keeps_top_services(mix: CloudMix, view: LedgerView, home: Home) -> None:
    usd = mix.currency("USD")
    (aws,) = usd.providers
    expected: dict[str, Decimal] = defaultdict(D)
    for row in rows_in():
        if row.currency == "USD":
            expected[row.service] += D(row.effective)
    assert (
        {s.service: s.amount for s in aws.services}
        == expected
        == {
            "Amazon Elastic Compute Cloud": D(257),
            "Amazon SageMaker": D(44),
        }
    )
    assert aws.services[0].share_pct == pct(D(257), D(301))
    top_one = cloud_mix(view.table, load_config(home.config_path), top=1).currency("USD").providers[0]
    assert [(s.service, s.amount, s.services) for s in top_one.services] == [
        ("Amazon Elastic Compute Cloud", D(257), 1),
        (OTHER, D(44), 1),
    ]
    eur = mix.currency("EUR")
    assert [(p.provider, p.amount) for p in eur.providers] == [("Google Cloud", D(45))]


def test_departments_follow_the_allocation_rules_and_add_up(mix: CloudMix) -> None:
    for line in mix.currencies:
        expected: dict[str, Decimal] = defaultdict(D)
        for row in rows_in():
            if row.currency == line.currency:
                expected[row.department] += D(row.effective)
        shown = {d.department: d.total for d in line.departments}
        assert shown == {k: v for k, v in expected.items()}
        assert sum(shown.values(), D(0)) == line.total
        assert line.departments[-1].department == UNALLOCATED
    usd = mix.currency("USD")
    assert usd.provider_names == ("AWS",)
    assert {d.department: d.amounts for d in usd.departments} == {
        "Data": (D(152),),
        "Engineering": (D(140),),
        UNALLOCATED: (D(9),),
    }


def test_ai_view_holds_the_rows_classified_by_hand(mix: CloudMix) -> None:
    for line in mix.currencies:
        ai = [r for r in rows_in() if r.currency == line.currency and r.workload is not None]
        for w in line.workloads:
            mine = [r for r in ai if r.workload == w.workload]
            by_capacity = {
                c: sum((D(r.effective) for r in mine if r.capacity == c), D(0))
                for c in ("spot", "committed", "on_demand")
            }
            assert (w.spot, w.committed, w.on_demand) == (
                by_capacity["spot"],
                by_capacity["committed"],
                by_capacity["on_demand"],
            ), w
            assert w.amount == sum(by_capacity.values(), D(0))
        assert line.ai_total == sum((D(r.effective) for r in ai), D(0))
    usd = {w.workload: w for w in mix.currency("USD").workloads}
    training = usd[GPU_TRAINING]
    assert (training.amount, training.spot, training.on_demand) == (D(112), D(100), D(12))
    assert (training.spot_pct, training.committed_pct, training.on_demand_pct) == (D("89.29"), D("0.00"), D("10.71"))
    inference = usd[GPU_INFERENCE]
    assert (inference.amount, inference.committed_pct) == (D(30), D("100.00"))
    assert usd[MANAGED_ML].amount == D(40) and usd[DATA_ANALYTICS].amount == D(0)
    assert usd[DATA_ANALYTICS].spot_pct is None  # nothing to share
    assert mix.currency("USD").ai_total == D(182)
    assert mix.currency("USD").ai_pct == pct(D(182), D(301))
    eur = {w.workload: w.amount for w in mix.currency("EUR").workloads}
    assert eur == {GPU_TRAINING: 0, GPU_INFERENCE: 0, MANAGED_ML: 0, DATA_ANALYTICS: D(25)}


def test_commitment_purchases_and_unused_commitments_are_not_ai_even_in_billed_cost(
    view: LedgerView, home: Home
) -> None:
    """In BilledCost the purchase carries 300 and the covered usage 0: the AI view must not take the purchase."""
    billed = cloud_mix(view.table, load_config(home.config_path), metric="BilledCost", start="2025-01")
    usd = billed.currency("USD")
    assert usd.total == total(rows_in("2025-01"), "USD", "BilledCost") == D(506)
    by = {w.workload: w for w in usd.workloads}
    assert by[GPU_INFERENCE].amount == D(0)  # covered usage is billed through the purchase
    assert by[GPU_TRAINING].amount == D(112)
    assert usd.ai_total == D(152)
    assert sum((d.total for d in usd.departments), D(0)) == D(506)


def test_the_workload_lines_name_provider_and_service(mix: CloudMix) -> None:
    lines = {(line.workload, line.provider, line.service): line.amount for line in mix.currency("USD").workload_lines}
    assert lines == {
        (GPU_TRAINING, "AWS", "Amazon Elastic Compute Cloud"): D(112),
        (GPU_INFERENCE, "AWS", "Amazon Elastic Compute Cloud"): D(30),
        (MANAGED_ML, "AWS", "Amazon SageMaker"): D(40),
    }


def test_range_and_provider_filters(view: LedgerView, home: Home) -> None:
    config = load_config(home.config_path)
    january = cloud_mix(view.table, config, start="2025-01", end="2025-01")
    assert january.currency("USD").total == total(rows_in("2025-01", "2025-01"), "USD") == D(241)
    assert {d.department: d.total for d in january.currency("USD").departments}["Engineering"] == D(80)
    aws = cloud_mix(view.table, config, providers=["AWS"])
    assert [c.currency for c in aws.currencies] == ["USD"] and aws.providers == ("AWS",)
    assert aws.available_providers == ("AWS", "Google Cloud")
    nothing = cloud_mix(view.table, config, start="2023-01", end="2023-12")
    assert nothing.currencies == ()
    with pytest.raises(QueryError, match=r"unknown provider 'Azure'.*AWS, Google Cloud"):
        cloud_mix(view.table, config, providers=["Azure"])
    with pytest.raises(QueryError, match="unknown metric"):
        cloud_mix(view.table, config, metric="Cost")


def test_totals_match_plain_duckdb_over_the_ledger_files(mix: CloudMix, view: LedgerView) -> None:
    """An independent total: the snapshot's Parquet files read by DuckDB."""
    files = [str(f) for f in view.snapshot.files]
    con = duckdb.connect()
    found = con.execute(
        "select BillingCurrency, sum(EffectiveCost) from read_parquet(?) group by 1", [list(files)]
    ).fetchall()
    assert {c: D(str(v)) for c, v in found} == {line.currency: line.total for line in mix.currencies}


SIGNATURES = [
    # (signature text, ServiceName, ServiceCategory, ServiceSubcategory, workload tag, expected)
    (
        "linux/unix (amazon vpc), p4d.24xlarge spot instance-hour",
        "Amazon Elastic Compute Cloud",
        "Compute",
        None,
        None,
        GPU_TRAINING,
    ),
    ("use1-boxusage:p5.48xlarge", "Amazon Elastic Compute Cloud", "Compute", None, None, GPU_TRAINING),
    ("use1-boxusage:trn1.32xlarge", "Amazon Elastic Compute Cloud", "Compute", None, None, GPU_TRAINING),
    ("use1-boxusage:g5.2xlarge", "Amazon Elastic Compute Cloud", "Compute", None, None, GPU_INFERENCE),
    ("use1-boxusage:inf2.xlarge", "Amazon Elastic Compute Cloud", "Compute", None, None, GPU_INFERENCE),
    (
        "$1.515 per hour for ml.g5.2xlarge hosting",
        "Amazon SageMaker",
        "AI and Machine Learning",
        None,
        None,
        GPU_INFERENCE,
    ),
    (
        "$37.688 per hour for ml.p4d.24xlarge training",
        "Amazon SageMaker",
        "AI and Machine Learning",
        None,
        None,
        GPU_TRAINING,
    ),
    ("nvidia l4 gpu running in americas", "Compute Engine", "Compute", None, None, GPU_INFERENCE),
    ("nvidia tesla t4 gpu running in emea", "Compute Engine", "Compute", None, None, GPU_INFERENCE),
    (
        "spot preemptible nvidia tesla a100 gpu running in americas",
        "Compute Engine",
        "Compute",
        None,
        None,
        GPU_TRAINING,
    ),
    ("a3 instance core running in americas", "Compute Engine", "Compute", None, None, GPU_TRAINING),
    ("g2 instance core running in americas", "Compute Engine", "Compute", None, None, GPU_INFERENCE),
    ("vertex ai: custom training on a2-ultragpu-1g", "Vertex AI", "AI and Machine Learning", None, None, GPU_TRAINING),
    ("tpu v5p pod", "Compute Engine", "Compute", None, None, GPU_TRAINING),
    (
        "ncadsa100v4 series | nc24ads a100 v4 spot",
        "Azure Machine Learning",
        "AI and Machine Learning",
        None,
        None,
        GPU_TRAINING,
    ),
    ("standard_nc4as_t4_v3", "Virtual Machines", "Compute", None, None, GPU_INFERENCE),
    ("standard_nv36ads_a10_v5", "Virtual Machines", "Compute", None, None, GPU_INFERENCE),
    ("standard_nd40rs_v2", "Virtual Machines", "Compute", None, None, GPU_TRAINING),
    ('{"instancetype":"x9.large","gpucount":2}', "Virtual Machines", "Compute", None, None, GPU_TRAINING),
    ("use1-boxusage:g5.2xlarge", "Amazon Elastic Compute Cloud", "Compute", None, "training", GPU_TRAINING),
    ("use1-boxusage:p4d.24xlarge", "Amazon Elastic Compute Cloud", "Compute", None, "online-inference", GPU_INFERENCE),
    ("claude 3.5 sonnet input tokens", "Amazon Bedrock", "AI and Machine Learning", None, None, MANAGED_ML),
    (
        "azure openai gpt-4o-0806 outp glbl tokens",
        "Azure AI Services",
        "AI and Machine Learning",
        None,
        None,
        MANAGED_ML,
    ),
    ("gemini 2.0 flash input text tokens", "Vertex AI", None, None, None, MANAGED_ML),
    ("analysis", "BigQuery", "Databases", "Data Warehouses", None, DATA_ANALYTICS),
    ("premium all-purpose compute dbu", "Azure Databricks", "Analytics", "Data Processing", None, DATA_ANALYTICS),
    ("$3.26 per ra3 4xl node hour", "Amazon Redshift", None, None, None, DATA_ANALYTICS),
    ("eu-boxusage:m6i.2xlarge", "Amazon Elastic Compute Cloud", "Compute", None, "training", None),
    (
        "usw2-multi-azusage:db.r6g.2xl",
        "Amazon Relational Database Service",
        "Databases",
        "Relational Databases",
        None,
        None,
    ),
    ("t4g.micro on demand", "Amazon Elastic Compute Cloud", "Compute", None, None, None),
    ("azure service fabric", "Service Fabric", "Compute", None, None, None),
    ("premium ssd managed disks - p4 lrs - us east", "Virtual Machines", "Storage", None, None, None),
    ("nvidia tesla p4 gpu running in americas", "Compute Engine", "Compute", None, None, GPU_INFERENCE),
    (
        "vertex ai: online prediction n1 predefined instance core",
        "Vertex AI",
        "AI and Machine Learning",
        None,
        None,
        MANAGED_ML,
    ),
    ("log analytics - analytics logs data ingestion", "Azure Monitor", "Management and Governance", None, None, None),
]


def _classified(cases: list[tuple[str, str, str | None, str | None, str | None, str | None]]) -> list[str | None]:
    table = ibis.memtable(
        {
            SIGNATURE: [c[0] for c in cases],
            "ServiceName": [c[1] for c in cases],
            "ServiceCategory": [c[2] for c in cases],
            "ServiceSubcategory": [c[3] for c in cases],
            WORKLOAD_TAG: [c[4] for c in cases],
        },
        schema={
            SIGNATURE: "string",
            "ServiceName": "string",
            "ServiceCategory": "string",
            "ServiceSubcategory": "string",
            WORKLOAD_TAG: "string",
        },
    )
    labelled = table.mutate(w=classify(table), i=ibis.row_number())
    return [r["w"] for r in labelled.order_by("i").to_pyarrow().to_pylist()]


def test_the_rules_classify_real_instance_types_and_skus() -> None:
    got = _classified(SIGNATURES)
    wrong = [(case[0], case[-1], found) for case, found in zip(SIGNATURES, got, strict=True) if found != case[-1]]
    assert wrong == []


def test_every_rule_matches_its_own_example_and_names_a_workload() -> None:
    columns = (SIGNATURE, "ServiceName", "ServiceCategory", "ServiceSubcategory")
    cases = []
    for rule in RULES:
        assert rule.workload in WORKLOADS
        values = ["" if c in (SIGNATURE, "ServiceName") else None for c in columns]
        values[columns.index(rule.column)] = rule.example.lower() if rule.column == SIGNATURE else rule.example
        cases.append((*values, None, rule.workload))
    assert _classified(cases) == [rule.workload for rule in RULES]


def test_shared_costs_keep_their_provider(view: LedgerView, tmp_path: Path) -> None:
    """With a shared pool (the Compute Engine row split over the departments that own EUR cost), each
    provider's column of the department table still adds up to that provider's cost."""
    config = tmp_path / "cloudledger.yaml"
    config.write_text(
        POLICY
        + """
allocation:
  shared_costs:
    - {name: shared compute, match: {ServiceName: "Compute Engine"}, split: proportional}
""",
        encoding="utf-8",
    )
    mix = cloud_mix(view.table, load_config(config))
    for line in mix.currencies:
        columns = dict(line.provider_columns())
        assert columns == {p.provider: p.amount for p in line.providers}
    eur = {d.department: d.total for d in mix.currency("EUR").departments}
    assert eur == {"Data": D(45)}  # BigQuery (25, team ml) is the only owned EUR cost: it takes the 20 shared
