"""cloudledger.yaml: what a FinOps team decides, as pydantic models loaded with line-exact errors.

One module per section (`csv_mappings`, ...); `model.CloudledgerConfig` is the root that lists them.
"""

from __future__ import annotations

from cloudledger.config.csv_mappings import CsvMapping
from cloudledger.config.load import CONFIG_NAME, find_config, load_config, parse_config
from cloudledger.config.model import CloudledgerConfig

__all__ = ["CONFIG_NAME", "CloudledgerConfig", "CsvMapping", "find_config", "load_config", "parse_config"]
