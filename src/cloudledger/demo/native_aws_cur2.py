"""CUR 2.0 (AWS Data Exports standard export) of the demo's line items: snappy Parquet and its manifest.

Columns are the snake_case names (`line_item_unblended_cost`); product attributes without a column of their
own, resource tags, cost categories and discounts are map columns (`product`, `resource_tags`,
`cost_category`, `discount`). Layout: `aws-cur2/<prefix>/<export>/data/BILLING_PERIOD=YYYY-MM/
<export>-00001.snappy.parquet` and `metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json` listing
`dataFiles`. Money and quantities are decimal(38,10) so that every sum is exact (AWS writes doubles).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cloudledger.demo.company import PROVIDER_BY_KEY
from cloudledger.demo.native import NativeTarget
from cloudledger.demo.native_aws_columns import CUR2_PRODUCT, DISCOUNTS, LEGACY, TAGS, cur2_name
from cloudledger.demo.records import export_time
from cloudledger.demo.writers import AWS_BUCKET, Written, run_guid

CUR2_PREFIX = "cur2"
CUR2_EXPORT = "northwind-cur2"
STRING_MAP = pa.map_(pa.string(), pa.string())
DISCOUNT_MAP = pa.map_(pa.string(), pa.float64())
_EDP = r'"edp_discount":(?P<v>-?[0-9.]+)'


def _map(offsets: np.ndarray, keys: pa.Array, items: pa.Array, mask: pa.Array | None = None) -> pa.Array:
    return pa.MapArray.from_arrays(pa.array(offsets.astype(np.int32)), keys, items, mask=mask)


def _product(lines: pa.Table) -> pa.Array:
    """`product`: the attributes CUR 2.0 keeps in its map (present ones only), e.g. product_name."""
    names = list(CUR2_PRODUCT)
    values = [lines[n].combine_chunks() for n in names]
    present = np.stack([pc.is_valid(v).to_numpy(zero_copy_only=False) for v in values], axis=1)
    offsets = np.concatenate([[0], np.cumsum(present.sum(axis=1))])
    order = np.flatnonzero(present.ravel())
    keys = pa.array([CUR2_PRODUCT[n] for n in names] * lines.num_rows).take(pa.array(order))
    interleaved = pa.concat_arrays(values).take(
        pa.array((order % len(names)) * lines.num_rows + order // len(names), pa.int64())
    )
    return _map(offsets, keys, interleaved)


def _resource_tags(lines: pa.Table) -> pa.Array:
    """`resource_tags`: the user tags under CUR 2.0's keys (`user_<key>`)."""
    tags = lines[TAGS].combine_chunks()
    if tags.offset:
        tags = pa.concat_arrays([tags])
    keys = pc.binary_join_element_wise("user_", tags.keys, "")
    mask = pc.is_null(tags) if tags.null_count else None
    return pa.MapArray.from_arrays(tags.offsets, keys, tags.items, mask=mask)


def _discount(lines: pa.Table) -> pa.Array:
    """`discount`: the line's negotiated discount (`edp_discount`), when it has one."""
    found = pc.extract_regex(pc.fill_null(lines[DISCOUNTS].combine_chunks(), ""), _EDP)
    has = pc.is_valid(found).to_numpy(zero_copy_only=False)
    amounts = pc.struct_field(found, "v").filter(pa.array(has)).cast(pa.float64())
    offsets = np.concatenate([[0], np.cumsum(has)])
    return _map(offsets, pa.repeat(pa.scalar("edp_discount"), len(amounts)), amounts)


def _empty_maps(count: int) -> pa.Array:
    return _map(np.zeros(count + 1), pa.array([], pa.string()), pa.array([], pa.string()))


def cur2_table(lines: pa.Table) -> pa.Table:
    """Line items (legacy names) as CUR 2.0 columns."""
    columns = {cur2_name(name): lines[name] for name, _ in LEGACY if name not in CUR2_PRODUCT}
    columns["product"] = _product(lines)
    columns["resource_tags"] = _resource_tags(lines)
    columns["cost_category"] = _empty_maps(lines.num_rows)
    columns["discount"] = _discount(lines)
    return pa.table(columns)


def write_cur2(target: NativeTarget, batches: Iterable[pa.Table]) -> Written:
    """One snappy Parquet file of the month's line items, and the Data Exports manifest listing it."""
    month = target.month
    period = f"BILLING_PERIOD={month.label}"
    name = f"{CUR2_EXPORT}-00001.snappy.parquet"
    root = target.out_dir / "aws-cur2" / CUR2_PREFIX / CUR2_EXPORT
    data = root / "data" / period / name
    data.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for lines in batches:
            table = cur2_table(lines)
            if writer is None:
                writer = pq.ParquetWriter(data, table.schema, compression="snappy")
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    assert writer is not None, "an AWS month always has line items"
    manifest = _manifest(target, f"s3://{AWS_BUCKET}/{CUR2_PREFIX}/{CUR2_EXPORT}/data/{period}/{name}", rows)
    manifest["columns"] = [{"name": f.name, "type": _type(f.type)} for f in writer.schema]
    path = root / "metadata" / period / f"{CUR2_EXPORT}-Manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return Written([data], path, rows)


def _manifest(target: NativeTarget, uri: str, rows: int) -> dict[str, object]:
    month = target.month
    payer = PROVIDER_BY_KEY["aws"].billing_account_id
    return {
        "executionId": run_guid(target.seed, "aws-cur2", month.label, target.attempt),
        "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{payer}:export/{CUR2_EXPORT}-{run_guid(0, CUR2_EXPORT)}",
        "exportName": CUR2_EXPORT,
        "queryTable": "COST_AND_USAGE_REPORT",
        "bucket": AWS_BUCKET,
        "billingPeriod": {
            "start": f"{month.start.isoformat()}T00:00:00.000Z",
            "end": f"{month.end.isoformat()}T00:00:00.000Z",
        },
        "deliveryTime": export_time(month, 3 if target.attempt == 0 else 40),
        "dataFiles": [uri],
        "rowCount": rows,
    }


def _type(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return "decimal(38,10)"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_map(t):
        return f"map<string,{'double' if t == DISCOUNT_MAP else 'string'}>"
    return "string"
