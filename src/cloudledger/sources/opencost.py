"""Source `opencost`: Kubernetes cost allocation from OpenCost / Kubecost (`/allocation` JSON, CSV export).

Allocation rows split the cost of a cluster's nodes, disks and load balancers, which the cloud bill
already holds, across namespaces, controllers, pods and containers: they are an *allocation view* of
cloud cost, so cost queries leave them out unless asked for them (see `analyses/explorer.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.focus.spec import TAGS_TYPE
from cloudledger.sources import ColumnMapping, Source, register
from cloudledger.sources.decimals import blank_as_null, parse_decimal
from cloudledger.sources.files import BillingFile, read_csv_as_text
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize
from cloudledger.sources.opencost_json import JSON_FIELDS, JSON_SIGNATURE, read_allocation_json
from cloudledger.sources.typed_values import (
    add_days,
    constant,
    hours_between,
    month_start,
    next_month_start,
    parse_times,
    require,
    tags_from_columns,
)

NAME = "opencost"
PROVIDER = "Kubernetes"
DEFAULT_ACCOUNT = "default"
"""BillingAccountId of rows without a cluster (the classic CSV export has no Cluster column)."""
DEFAULT_CURRENCY = "USD"
CSV_SIGNATURE = frozenset({"Namespace", "ControllerKind", "CPUCost", "RAMCost", "TotalCost"})
CSV_COLUMNS = {
    "Name": "allocation",
    "Cluster": "cluster",
    "Namespace": "namespace",
    "ControllerKind": "controller_kind",
    "ControllerName": "controller",
    "Pod": "pod",
    "Container": "container",
    "CPUCost": "cpu_cost",
    "GPUCost": "gpu_cost",
    "RAMCost": "ram_cost",
    "PVCost": "pv_cost",
    "NetworkCost": "network_cost",
    "LoadBalancerCost": "load_balancer_cost",
    "SharedCost": "shared_cost",
    "ExternalCost": "external_cost",
    "TotalCost": "total_cost",
}
COSTS = ("cpu", "gpu", "ram", "pv", "network", "load_balancer", "shared", "external")
KINDS = (("__idle__", "idle"), ("__unallocated__", "unallocated"), ("__unmounted__", "unmounted"))
"""OpenCost's special allocations, labelled in `x_k8s_allocation_type` (others are `allocated`)."""
DESCRIPTIONS = {
    "allocated": "Kubernetes cost allocation",
    "idle": "Kubernetes idle capacity (__idle__): node cost no workload requested",
    "unallocated": "Kubernetes unallocated (__unallocated__): cost without the aggregation property",
    "unmounted": "Kubernetes unmounted volumes (__unmounted__)",
}


def detect(header: Sequence[str]) -> bool:
    names = set(header)
    if JSON_SIGNATURE.issubset(names):
        return True
    return CSV_SIGNATURE.issubset(names) and ("Date" in names or {"WindowStart", "WindowEnd"}.issubset(names))


def read(file: BillingFile) -> SourceRows:
    """Ledger rows of one allocation document or CSV export, with its Σ total cost (as written)."""
    if file.kind == "json":
        raw, currency = read_allocation_json(file)
        names = dict(JSON_FIELDS)
    else:
        raw, currency, names = _csv_rows(file)
    path = str(file.path)
    rows = normalize(FileRows(_focus_table(raw, currency, names, path), path, NAME))
    native = sum_native_by_slice(
        rows, raw["total_cost"], metric="BilledCost", native_column=names["total_cost"], file=path
    )
    return SourceRows(rows, native)


def _csv_rows(file: BillingFile) -> tuple[pa.Table, str, dict[str, str]]:
    """A CSV export in the canonical layout: daily (`Date`) or windowed (`WindowStart`/`WindowEnd`)."""
    text = read_csv_as_text(file, file.header)
    path = str(file.path)
    data: dict[str, pa.ChunkedArray | pa.Array] = {}
    names: dict[str, str] = {}
    for column, canonical in CSV_COLUMNS.items():
        if column in text.column_names:
            data[canonical] = text[column]
            names[canonical] = column
    if "Date" in text.column_names:
        day = parse_times(text["Date"], file=path, column="Date", expected="a date such as 2025-01-31")
        data["start"], data["end"] = day, add_days(day, 1)
        names |= {"start": "Date", "end": "Date"}
    else:
        data["start"], data["end"] = text["WindowStart"], text["WindowEnd"]
        names |= {"start": "WindowStart", "end": "WindowEnd"}
    if "allocation" not in data:
        parts = [blank_as_null(data[c]) for c in ("namespace", "pod", "container") if c in data]
        data["allocation"] = pc.binary_join_element_wise(*parts, "/", null_handling="skip")
    data["tags"] = _csv_tags(text)
    handled = {*CSV_COLUMNS, "Date", "WindowStart", "WindowEnd", "Labels", "Currency"}
    for column in text.column_names:
        if column not in handled and not column.startswith("Label_"):
            data[f"x_opencost_{column}"] = text[column]
    currency = DEFAULT_CURRENCY
    if "Currency" in text.column_names:
        require(text["Currency"], file=path, column="Currency", expected="an ISO 4217 currency code such as USD")
        currency = str(pc.utf8_upper(blank_as_null(text["Currency"]))[0])
    return pa.table(data), currency, names


def _csv_tags(text: pa.Table) -> pa.ChunkedArray | pa.Array:
    """Tags from the `Labels` JSON column, else from the `Label_<key>` columns."""
    if "Labels" in text.column_names:
        return blank_as_null(text["Labels"])
    labels = {c[len("Label_") :]: c for c in text.column_names if c.startswith("Label_")}
    return tags_from_columns(text, labels) if labels else pa.nulls(text.num_rows, TAGS_TYPE)


def _kind(raw: pa.Table) -> pa.ChunkedArray:
    """`allocated`, or the special allocation a row is (by its name, namespace or pod)."""
    parts = [blank_as_null(raw[c]) for c in ("allocation", "namespace", "pod") if c in raw.column_names]
    joined = pc.binary_join_element_wise(*parts, "|", null_handling="skip")
    kind: pa.ChunkedArray | pa.Array = constant("allocated", raw.num_rows)
    for marker, label in reversed(KINDS):
        kind = pc.if_else(pc.fill_null(pc.match_substring(joined, marker), False), label, kind)
    return kind if isinstance(kind, pa.ChunkedArray) else pa.chunked_array([kind])


def _typed(raw: pa.Table, names: dict[str, str], path: str) -> tuple[pa.ChunkedArray, ...]:
    """Total cost, start and end, checked (and every cost part checked to be a number)."""
    require(raw["total_cost"], file=path, column=names["total_cost"], expected="the allocation's total cost")
    require(raw["start"], file=path, column=names["start"], expected="the allocation's start")
    total = parse_decimal(raw["total_cost"], file=path, column=names["total_cost"])
    for cost in COSTS:
        if f"{cost}_cost" in raw.column_names:
            parse_decimal(raw[f"{cost}_cost"], file=path, column=names[f"{cost}_cost"])
    start = parse_times(raw["start"], file=path, column=names["start"])
    end = parse_times(raw["end"], file=path, column=names["end"])
    require(raw["end"], file=path, column=names["end"], expected="the allocation's end")
    return total, start, end


def _focus_table(raw: pa.Table, currency: str, names: dict[str, str], path: str) -> pa.Table:
    """FOCUS-named columns (typed where derived) plus the Kubernetes dimensions as `x_k8s_*`."""
    n = raw.num_rows
    total, start, end = _typed(raw, names, path)
    account = pc.fill_null(blank_as_null(raw["cluster"]), DEFAULT_ACCOUNT) if "cluster" in raw.column_names else None
    account = account if account is not None else constant(DEFAULT_ACCOUNT, n)
    kind = _kind(raw)
    description: pa.ChunkedArray | pa.Array = constant(DESCRIPTIONS["allocated"], n)
    for label, text in DESCRIPTIONS.items():
        description = pc.if_else(pc.equal(kind, label), text, description)
    table: dict[str, pa.ChunkedArray | pa.Array] = {
        "BilledCost": total,
        "EffectiveCost": total,
        "ListCost": total,
        "ContractedCost": total,
        "BillingAccountId": account,
        "BillingAccountName": account,
        "BillingCurrency": constant(currency, n),
        "BillingPeriodStart": month_start(start),
        "BillingPeriodEnd": next_month_start(start),
        "ChargeCategory": constant("Usage", n),
        "ChargeClass": constant(None, n),
        "ChargeDescription": description,
        "ChargeFrequency": constant("Usage-Based", n),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": end,
        "InvoiceIssuerName": constant(PROVIDER, n),
        "PricingQuantity": hours_between(start, end),
        "PricingUnit": constant("Hours", n),
        "ProviderName": constant(PROVIDER, n),
        "PublisherName": constant(PROVIDER, n),
        "ResourceId": blank_as_null(raw["allocation"]),
        "ServiceCategory": constant("Compute", n),
        "ServiceSubcategory": constant("Containers", n),
        "ServiceName": constant(PROVIDER, n),
        "Tags": raw["tags"],
        "x_k8s_allocation_type": kind,
    }
    for name in raw.column_names:
        if name.startswith("x_"):
            table[name] = raw[name]
        elif name not in ("start", "end", "tags", "total_cost"):
            table[f"x_k8s_{name}"] = raw[name]
    table["x_k8s_idle_cost"] = pc.if_else(pc.equal(kind, "idle"), raw["total_cost"], pa.scalar(None, pa.string()))
    return pa.table(table)


def _column_map() -> tuple[ColumnMapping, ...]:
    m = ColumnMapping
    return (
        m("BilledCost, EffectiveCost, ListCost, ContractedCost", "`totalCost` (JSON) / `TotalCost` (CSV)", "all four"),
        m("BillingAccountId, BillingAccountName", "`properties.cluster` / `Cluster`", '"default" when absent'),
        m("BillingCurrency", '"USD"; a top-level `currency` (JSON) or `Currency` column (CSV)', ""),
        m("BillingPeriodStart, BillingPeriodEnd", "the calendar month of ChargePeriodStart", ""),
        m("ChargePeriodStart, ChargePeriodEnd", "`start`/`end` (else `window`) / `Date` + 1 day", ""),
        m("ChargeCategory", '"Usage"', ""),
        m("ChargeFrequency", '"Usage-Based"', ""),
        m("ChargeDescription", "the allocation type", "allocation, idle, unallocated, unmounted"),
        m("ProviderName, PublisherName, InvoiceIssuerName, ServiceName", '"Kubernetes"', ""),
        m("ServiceCategory / ServiceSubcategory", '"Compute" / "Containers"', ""),
        m("ResourceId", "the allocation's name / `Name`, else `Namespace/Pod/Container`", ""),
        m("Tags", "`properties.namespaceLabels` + `properties.labels` / `Labels` (or `Label_*`)", "keys as written"),
        m("PricingQuantity, PricingUnit", 'the hours from ChargePeriodStart to End, "Hours"', "no unit price"),
        m("x_k8s_cluster, x_k8s_node, x_k8s_namespace", "`properties.*` / CSV columns", "text"),
        m("x_k8s_controller_kind, x_k8s_controller, x_k8s_pod, x_k8s_container", "`properties.*` / CSV", ""),
        m("x_k8s_allocation", "the allocation's name", ""),
        m("x_k8s_allocation_type", "allocated, idle, unallocated or unmounted", "from `__idle__` etc."),
        m(
            "x_k8s_cpu_cost, _gpu_, _ram_, _pv_, _network_, _load_balancer_, _shared_, _external_cost",
            "`cpuCost` ... / `CPUCost` ...",
            "",
        ),
        m("x_k8s_idle_cost", "`totalCost` of `__idle__` rows", "null on other rows"),
        m("x_k8s_cpu_core_hours, _ram_byte_hours, _gpu_hours, _pv_byte_hours, _minutes", "JSON usage fields", ""),
        m("x_k8s_cpu_efficiency, _ram_, _total_efficiency, x_k8s_provider_id", "JSON fields", ""),
        m("x_opencost_*", "any other CSV column", "text"),
    )


NOTES = """
Reads OpenCost's (and Kubecost's) cost **allocation** data: the JSON the `/allocation` API answers
(`{"code": 200, "data": [{"<name>": {allocation}, ...}, ...]}`, one map per time step; save it as a
`.json` file), and OpenCost's CSV export (one row per allocation and day, `Date` column, or the summary
layout with `WindowStart`/`WindowEnd`).

- **An allocation view, not a bill**: these rows divide the cost of the cluster's nodes, volumes and load
  balancers, which the cloud provider's bill already holds, across namespaces and workloads. They carry
  `x_source = opencost`, and `cloudledger costs` leaves them out unless asked for them with `--kubernetes`
  (`CostQuery(kubernetes=True)`), which shows them alone: added to the cloud rows, every node would be
  counted twice (see docs/ledger.md).
- **Cost**: BilledCost = EffectiveCost = ListCost = ContractedCost = the allocation's `totalCost` (cpu, gpu,
  ram, pv, network, load balancer, shared and external cost, adjustments included, as OpenCost computes it).
  The parts are kept as `x_k8s_*_cost` text columns. PricingQuantity is the hours the row covers
  (PricingUnit `Hours`); there is no unit price (ListUnitPrice and ContractedUnitPrice are null).
- **Billing account** = the cluster (`properties.cluster`, CSV `Cluster`); `default` when the file has none
  (the classic CSV export). Ingest each cluster's exports under its own name by adding a `Cluster` column.
- **Currency**: OpenCost reports in its configured currency (USD unless configured otherwise) and does not
  write it down; rows are recorded in USD unless the JSON has a top-level `"currency"` or the CSV a
  `Currency` column.
- **Periods**: ChargePeriod = the allocation's `start`/`end` (the window when absent; a CSV `Date` covers
  that day); the billing period is the calendar month of the start. Query with a daily step
  (`step=1d`/`resolution=1d`) so that no allocation spans two months.
- **Idle and unallocated**: `__idle__`, `__unallocated__` and `__unmounted__` allocations are kept, labelled
  in `x_k8s_allocation_type` (`idle`, `unallocated`, `unmounted`, else `allocated`) and in
  ChargeDescription; idle cost is also in `x_k8s_idle_cost`.
- **Tags**: the pod's labels, plus its namespace's labels where the pod has no label of that key, with their
  keys as OpenCost writes them (`app`, `app_kubernetes_io_name`; no prefix).
- **Rows** of a JSON document are numbered in document order (allocation sets, then allocations).
- **Rejected**: JSON that is not an OpenCost response (no `data` list of named allocations), a response
  whose `code` is not 200, an allocation without `totalCost` or `start`, a cost that is not a number, a
  date that is not ISO 8601, non-UTF-8 text.
- **FOCUS conformance**: rows pass the MUST rules; ProviderName `Kubernetes` makes them a dataset of their
  own in `cloudledger validate`.
"""

SOURCE = register(
    Source(
        name=NAME,
        description="OpenCost / Kubecost Kubernetes cost allocation (the /allocation JSON and the CSV export).",
        detect=detect,
        read=read,
        column_map=_column_map(),
        notes=NOTES,
    )
)
