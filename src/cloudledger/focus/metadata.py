"""FOCUS metadata (spec section `metadata/`): data generator and schema, supplied beside the dataset."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from cloudledger import __version__
from cloudledger.focus.spec import FocusSpec

DATA_GENERATOR = "cloudledger"
_SCHEMA_NAMESPACE = uuid.UUID("5d0c4a8e-3f0b-4f51-9a57-2b8e0f6c1c11")


def _definition(field: pa.Field) -> dict[str, Any]:
    kind = field.type
    if pa.types.is_decimal(kind):
        return {
            "ColumnName": field.name,
            "DataType": "DECIMAL",
            "NumericPrecision": kind.precision,
            "NumberScale": kind.scale,
        }
    if pa.types.is_timestamp(kind):
        return {"ColumnName": field.name, "DataType": "DATETIME"}
    if field.name in ("Tags", "SkuPriceDetails"):
        return {"ColumnName": field.name, "DataType": "JSON"}
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return {"ColumnName": field.name, "DataType": "DECIMAL"}
    return {"ColumnName": field.name, "DataType": "STRING", "StringEncoding": "UTF-8"}


def focus_metadata(spec: FocusSpec, schema: pa.Schema, created: datetime | None = None) -> dict[str, Any]:
    """The metadata object for a dataset with `schema` (SchemaId is stable for a given column set)."""
    definitions = [_definition(f) for f in schema]
    schema_id = uuid.uuid5(_SCHEMA_NAMESPACE, json.dumps([spec.version, definitions], sort_keys=True))
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    return {
        "DataGenerator": DATA_GENERATOR,
        "DataGeneratorVersion": __version__,
        "SchemaId": str(schema_id),
        "FocusVersion": spec.version,
        "CreationDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ColumnDefinition": definitions,
    }
