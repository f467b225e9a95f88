"""The JSON Schema of cloudledger.yaml, for editors (YAML language servers read it)."""

from __future__ import annotations

import json
from typing import Any

from cloudledger.config.model import CloudledgerConfig

SCHEMA_ID = "https://cloudledger.dev/schema/cloudledger.yaml.json"


def config_schema() -> dict[str, Any]:
    """The schema of the whole file, with titles and descriptions from the models."""
    schema = CloudledgerConfig.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def config_schema_text() -> str:
    return json.dumps(config_schema(), indent=2, sort_keys=False) + "\n"
