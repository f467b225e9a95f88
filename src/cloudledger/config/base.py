"""The base of every cloudledger.yaml model: unknown keys are errors, values are immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A section of cloudledger.yaml: unknown keys are rejected; numbers are accepted where text is due
    (account ids such as 123412340534 are numbers to YAML)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
