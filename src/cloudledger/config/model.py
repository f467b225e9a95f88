"""The root of cloudledger.yaml: one key per section, each section in its own module."""

from __future__ import annotations

from pydantic import Field, PrivateAttr, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.config.csv_mappings import CsvMapping
from cloudledger.config.positions import Origin


class CloudledgerConfig(StrictModel):
    """Everything a FinOps team decides, as written in cloudledger.yaml (an empty file is a valid config)."""

    csv_mappings: list[CsvMapping] = Field(
        default_factory=list, description="Cost CSVs of other layouts and how their columns map to FOCUS."
    )
    _origin: Origin | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_mapping_names(self) -> CloudledgerConfig:
        names = [m.name for m in self.csv_mappings]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise ValueError(f"two CSV mappings are named {name!r}; each needs its own name")
        return self

    def where(self, *loc: str | int, key: bool = False) -> str:
        """'cloudledger.yaml line 12, column 7' for the value at `loc` (the key itself with `key=True`),
        as far as the file is known."""
        if self._origin is None:
            return "cloudledger.yaml"
        return self._origin.where(loc, key=key)
