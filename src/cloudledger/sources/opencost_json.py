"""OpenCost / Kubecost `/allocation` responses: one JSON document of allocation sets, flattened to rows.

`{"code": 200, "data": [{"<name>": {"name", "properties": {...}, "window": {...}, "start", "end",
"cpuCost", ..., "totalCost"}, ...}, ...]}`: one map per time step. Numbers are kept as the text they are
written as, so totals are exact; row N is the N-th allocation in document order.
"""

from __future__ import annotations

import gc
import json
from typing import Any

import pyarrow as pa

from cloudledger.errors import InputError
from cloudledger.focus.spec import TAGS_TYPE
from cloudledger.sources.files import BillingFile, load_json

JSON_SIGNATURE = frozenset({"name", "properties", "window", "totalCost"})
"""Field names of an allocation record (a JSON document's header is its first record's field names)."""
PROPERTIES = {
    "cluster": "cluster",
    "node": "node",
    "namespace": "namespace",
    "controller_kind": "controllerKind",
    "controller": "controller",
    "pod": "pod",
    "container": "container",
    "provider_id": "providerID",
}
JSON_FIELDS = {
    "start": "start",
    "end": "end",
    "cpu_cost": "cpuCost",
    "gpu_cost": "gpuCost",
    "ram_cost": "ramCost",
    "pv_cost": "pvCost",
    "network_cost": "networkCost",
    "load_balancer_cost": "loadBalancerCost",
    "shared_cost": "sharedCost",
    "external_cost": "externalCost",
    "total_cost": "totalCost",
    "cpu_core_hours": "cpuCoreHours",
    "ram_byte_hours": "ramByteHours",
    "gpu_hours": "gpuHours",
    "pv_byte_hours": "pvByteHours",
    "minutes": "minutes",
    "cpu_efficiency": "cpuEfficiency",
    "ram_efficiency": "ramEfficiency",
    "total_efficiency": "totalEfficiency",
}
"""Canonical row column -> allocation field (kept as text; costs are checked by the source)."""
_NOT_A_RESPONSE = (
    'not an OpenCost allocation response: expected a JSON object {"code": 200, "data": [{"<name>": '
    '{"properties": ..., "start": ..., "totalCost": ...}}]} as the /allocation API answers'
)


def read_allocation_json(file: BillingFile) -> tuple[pa.Table, str]:
    """The allocations of one response as text columns (canonical names), and the response's currency.

    The cyclic garbage collector is paused meanwhile: a parsed response holds millions of small objects
    and none of them form cycles, so its passes would only slow the flattening down (about 2x)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _read(file)
    finally:
        if paused:
            gc.enable()


def _read(file: BillingFile) -> tuple[pa.Table, str]:
    document = load_json(file)
    path = str(file.path)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise InputError(_NOT_A_RESPONSE, file=path)
    code = document.get("code")
    if code is not None and str(code) != "200":
        message = document.get("message") or document.get("status") or ""
        raise InputError(f"the response is an error (code {code}): {message}; save a successful answer", file=path)
    records = _records(document["data"], path)
    currency = document.get("currency")
    return _columns(records), str(currency).strip().upper() if isinstance(currency, str) and currency else "USD"


def _records(data: list[Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    records: list[tuple[str, dict[str, Any]]] = []
    for step, allocations in enumerate(data, start=1):
        if allocations is None:  # an empty step
            continue
        if not isinstance(allocations, dict):
            raise InputError(
                f"allocation set {step} is not a JSON object of named allocations; {_NOT_A_RESPONSE}", file=path
            )
        for name, allocation in allocations.items():
            row = len(records) + 1
            if not isinstance(allocation, dict) or "totalCost" not in allocation:
                raise InputError(
                    f"allocation {name!r} has no totalCost; {_NOT_A_RESPONSE}", file=path, row=row, column="totalCost"
                )
            records.append((str(name), allocation))
    return records


def _texts(values: list[Any]) -> pa.Array:
    """Values as text: JSON numbers are already their text; other non-text values as JSON."""
    if not all(value is None or isinstance(value, str) for value in values):
        values = [value if value is None or isinstance(value, str) else json.dumps(value) for value in values]
    return pa.array(values, pa.string())


def _labels(properties: dict[str, Any]) -> list[tuple[str, Any]]:
    """Namespace labels, overridden by the pod's own labels of the same key."""
    namespace, pod = properties.get("namespaceLabels"), properties.get("labels")
    merged = {**(namespace if isinstance(namespace, dict) else {}), **(pod if isinstance(pod, dict) else {})}
    return list(merged.items())


def _tags(properties: list[dict[str, Any]]) -> pa.Array:
    pairs = [_labels(p) if p else [] for p in properties]
    try:
        return pa.array(pairs, TAGS_TYPE)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a label value that is not text
        return pa.array([[(str(k), _texts([v])[0].as_py()) for k, v in row] for row in pairs], TAGS_TYPE)


def _columns(records: list[tuple[str, dict[str, Any]]]) -> pa.Table:
    allocations = [allocation for _, allocation in records]
    properties = [p if isinstance(p := a.get("properties"), dict) else {} for a in allocations]
    windows = [w if isinstance(w := a.get("window"), dict) else {} for a in allocations]
    names = [a.get("name") or name for name, a in records]
    columns: dict[str, pa.Array] = {"allocation": _texts(names)}
    for column, field in PROPERTIES.items():
        columns[column] = _texts([p.get(field) for p in properties])
    for column, field in JSON_FIELDS.items():
        values = [a.get(field) for a in allocations]
        if field in ("start", "end"):
            values = [w.get(field) if v is None else v for v, w in zip(values, windows, strict=True)]
        columns[column] = _texts(values)
    columns["tags"] = _tags(properties)
    return pa.table(columns)
