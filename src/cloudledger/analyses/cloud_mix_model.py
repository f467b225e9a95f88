"""Cloud mix results: cost by provider and service, by department and provider, and AI/ML workloads, per
billing currency. Amounts are exact decimals; `as_json` gives the charts' numbers (rounded half-up to cents)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cloudledger.analyses.rounding import round_half_up

OTHER = "Other"
UNALLOCATED = "Unallocated"


def _number(amount: Decimal) -> float:
    return float(round_half_up(amount))


@dataclass(frozen=True)
class ServiceCost:
    """One of a provider's top services (or `Other`, the rest summed)."""

    service: str
    amount: Decimal
    share_pct: Decimal | None
    """Of the provider's cost, two decimals."""
    services: int = 1
    """How many services the line sums (more than one only for `Other`)."""


@dataclass(frozen=True)
class ProviderCost:
    provider: str
    amount: Decimal
    services: tuple[ServiceCost, ...]
    """Largest first, `Other` last."""


@dataclass(frozen=True)
class DepartmentCost:
    """A department's allocated cost per provider (in the order of `CurrencyMix.provider_names`)."""

    department: str
    amounts: tuple[Decimal, ...]
    total: Decimal


@dataclass(frozen=True)
class WorkloadCost:
    """The usage cost of one AI/ML workload split by capacity: spot, covered by a commitment, on demand."""

    workload: str
    label: str
    amount: Decimal
    spot: Decimal
    committed: Decimal
    on_demand: Decimal
    spot_pct: Decimal | None
    committed_pct: Decimal | None
    on_demand_pct: Decimal | None


@dataclass(frozen=True)
class WorkloadLine:
    """What a workload is made of: its cost per provider and service."""

    workload: str
    provider: str
    service: str
    amount: Decimal


@dataclass(frozen=True)
class CurrencyMix:
    """Every breakdown in one billing currency (amounts of two currencies are never added)."""

    currency: str
    total: Decimal
    """The ledger's metric over the range (and providers): what each of the first two breakdowns adds up to."""
    providers: tuple[ProviderCost, ...]
    provider_names: tuple[str, ...]
    departments: tuple[DepartmentCost, ...]
    """Largest first, `Unallocated` last."""
    workloads: tuple[WorkloadCost, ...]
    workload_lines: tuple[WorkloadLine, ...]
    ai_total: Decimal
    ai_pct: Decimal | None
    """AI/ML usage ÷ total × 100."""

    def provider_columns(self) -> list[tuple[str, Decimal]]:
        """Each provider with the sum of its departments' allocated cost (its column of the department table)."""
        return [
            (name, sum((d.amounts[i] for d in self.departments), Decimal(0)))
            for i, name in enumerate(self.provider_names)
        ]

    def services_json(self, metric: str) -> dict[str, Any]:
        """Stacked bars: one bar per provider, one series per service (zero where the provider lacks it)."""
        names: list[str] = []
        for p in self.providers:
            names += [s.service for s in p.services if s.service != OTHER and s.service not in names]
        if any(s.service == OTHER for p in self.providers for s in p.services):
            names.append(OTHER)
        series = []
        for name in names:
            amounts = {
                p.provider: next((s.amount for s in p.services if s.service == name), None) for p in self.providers
            }
            series.append({"name": name, "data": [None if a is None else _number(a) for a in amounts.values()]})
        return {
            "kind": "cloud-services",
            "currency": self.currency,
            "metric": metric,
            "providers": [p.provider for p in self.providers],
            "series": series,
        }

    def departments_json(self, metric: str) -> dict[str, Any]:
        """A heat map: departments × providers."""
        return {
            "kind": "cloud-departments",
            "currency": self.currency,
            "metric": metric,
            "providers": list(self.provider_names),
            "departments": [d.department for d in self.departments],
            "cells": [
                [x, y, _number(amount)] for y, d in enumerate(self.departments) for x, amount in enumerate(d.amounts)
            ],
        }

    def workloads_json(self, metric: str) -> dict[str, Any]:
        """Stacked bars: one bar per workload, stacks spot, committed, on demand."""
        return {
            "kind": "cloud-workloads",
            "currency": self.currency,
            "metric": metric,
            "workloads": [w.label for w in self.workloads],
            "series": [
                {"name": label, "data": [_number(getattr(w, key)) for w in self.workloads]}
                for key, label in (("spot", "Spot"), ("committed", "Committed"), ("on_demand", "On demand"))
            ],
        }


@dataclass(frozen=True)
class CloudMix:
    """The cloud mix over billing periods `start`..`end` (inclusive), per billing currency."""

    start: str | None
    end: str | None
    metric: str
    providers: tuple[str, ...]
    """The provider filter (empty: every provider)."""
    available_providers: tuple[str, ...]
    """Every provider of the ledger, for the filter."""
    currencies: tuple[CurrencyMix, ...]

    def currency(self, code: str) -> CurrencyMix:
        return next(c for c in self.currencies if c.currency == code)
