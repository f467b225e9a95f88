"""The root of cloudledger.yaml: one key per section, each section in its own module."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, model_validator

from cloudledger.config.allocation import Allocation, Chargeback
from cloudledger.config.base import StrictModel
from cloudledger.config.budgets import Budget, BudgetFile
from cloudledger.config.csv_mappings import CsvMapping
from cloudledger.config.notifications import Notifications
from cloudledger.config.organization import Organization
from cloudledger.config.positions import Origin
from cloudledger.config.tag_policy import TagPolicy
from cloudledger.config.units import UnitCost


class CloudledgerConfig(StrictModel):
    """Everything a FinOps team decides, as written in cloudledger.yaml (an empty file is a valid config)."""

    organization: Organization = Field(
        default_factory=Organization, description="Departments, teams, cost centers, ownership rules."
    )
    tag_policy: TagPolicy = Field(default_factory=TagPolicy, description="Required tags and their allowed values.")
    allocation: Allocation = Field(default_factory=Allocation, description="Virtual tags and shared-cost splits.")
    chargeback: Chargeback = Field(default_factory=Chargeback, description="Chargeback metric, level and GL posting.")
    budgets: list[Budget] = Field(default_factory=list, description="Budgets written in the file.")
    budget_files: list[BudgetFile] = Field(default_factory=list, description="Budgets kept in CSV files.")
    unit_costs: list[UnitCost] = Field(default_factory=list, description="Unit costs: cost ÷ business metric.")
    notifications: Notifications = Field(
        default_factory=Notifications, description="Channels (Slack, Teams, e-mail, webhooks) and who gets which alert."
    )
    csv_mappings: list[CsvMapping] = Field(
        default_factory=list, description="Cost CSVs of other layouts and how their columns map to FOCUS."
    )
    _origin: Origin | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_names(self) -> CloudledgerConfig:
        for kind, names in (
            ("CSV mappings", [m.name for m in self.csv_mappings]),
            ("budgets", [b.name for b in self.budgets]),
            ("unit costs", [u.name for u in self.unit_costs]),
        ):
            for index, name in enumerate(names):
                if name in names[:index]:
                    raise ValueError(f"two {kind} are named {name!r}; each needs its own name")
        return self

    @property
    def folder(self) -> Path:
        """The folder relative paths in the file are read from (the config's own folder)."""
        return self._origin.path.parent if self._origin is not None else Path.cwd()

    def where(self, *loc: str | int, key: bool = False) -> str:
        """'cloudledger.yaml line 12, column 7' for the value at `loc` (the key itself with `key=True`),
        as far as the file is known."""
        if self._origin is None:
            return "cloudledger.yaml"
        return self._origin.where(loc, key=key)
