"""The executive dashboard's selection as query parameters (`provider`, `department`, `environment`), shared by
`GET /api/v1/kpis` and the executive page so that both answer the same question the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Query

from cloudledger.analyses.dashboard_selection import Selection
from cloudledger.api.errors import bad
from cloudledger.config.model import CloudledgerConfig

Providers = Annotated[
    list[str], Query(description="ProviderName to keep, repeatable (default: every provider).", alias="provider")
]
Department = Annotated[
    str | None, Query(description="A department of cloudledger.yaml: its allocated cost, shared costs included.")
]
Environment = Annotated[
    str | None, Query(description="The Environment tag's value, read through the tag policy (e.g. prod).")
]


def selection_of(
    config: CloudledgerConfig, providers: list[str], department: str | None, environment: str | None
) -> Selection:
    """The selection, with the department checked against the organization (names and aliases)."""
    chosen = None
    if department:
        chosen = department_name(config, department)
        if chosen is None:
            known = ", ".join(d.name for d in config.organization.departments) or "none are defined"
            raise bad("department", f"unknown department {department!r}; the organization's departments: {known}")
    return Selection(tuple(p for p in providers if p), chosen, environment or None)


def department_name(config: CloudledgerConfig, given: str) -> str | None:
    """The organization's name of a department given by name or alias (case-insensitive), or None."""
    wanted = given.casefold()
    for department in config.organization.departments:
        if wanted in {department.name.casefold(), *(a.casefold() for a in department.aliases)}:
            return department.name
    return None


def check_providers(selection: Selection, known: Sequence[str]) -> None:
    """Every selected provider must be one the ledger holds (else a 422 naming `provider` and listing them)."""
    for provider in selection.providers:
        if provider not in known:
            listed = ", ".join(known) or "none yet"
            raise bad("provider", f"unknown provider {provider!r}; the ledger's providers: {listed}")
