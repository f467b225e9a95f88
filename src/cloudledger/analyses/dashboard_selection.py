"""What the executive dashboard is narrowed to: providers, one department, one environment.

Providers and the environment select ledger rows (the environment through the tag policy, so `env: production`
and `Environment: prod` read alike when the policy says so); the department selects allocated cost, shared
costs included, since a department owns cost only through the allocation rules."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir

from cloudledger.analyses.tag_values import TagResolver

ENVIRONMENT_KEY = "Environment"


@dataclass(frozen=True)
class Selection:
    """Empty fields select everything."""

    providers: tuple[str, ...] = ()
    department: str | None = None
    environment: str | None = None

    @property
    def everything(self) -> bool:
        return not self.providers and self.department is None and self.environment is None

    @property
    def narrows_rows(self) -> bool:
        """Whether ledger rows are selected (providers or environment), before any allocation."""
        return bool(self.providers) or self.environment is not None

    def rows(self, table: ir.Table, tags: TagResolver) -> ir.Table:
        """The rows of `table` in the selected providers and environment."""
        if self.providers:
            table = table.filter(table.ProviderName.isin(list(self.providers)))
        if self.environment is not None:
            table = table.filter(tags.value(table, ENVIRONMENT_KEY) == self.environment)
        return table

    def budget_scope(self) -> tuple[str, str] | None:
        """The budget scope (kind, value) that matches the selection exactly: the company (total) when nothing
        is selected, one department or one provider; None when no single budget scope matches."""
        if self.everything:
            return ("total", "all")
        if self.environment is None and self.department is not None and not self.providers:
            return ("department", self.department)
        if self.environment is None and self.department is None and len(self.providers) == 1:
            return ("provider", self.providers[0])
        return None


EVERYTHING = Selection()
