"""The demo company: departments, providers, billing accounts, sub accounts and regions.

Everything here is fixed (independent of the seed), so that the same account or project ids appear in every
generated dataset and documentation can name them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

COMPANY = "Northwind Labs"
EMAIL_DOMAIN = "northwind.example"


@dataclass(frozen=True)
class Department:
    """A department, the owner of sub accounts and resources."""

    name: str
    slug: str
    cost_center: str
    teams: tuple[str, ...]
    applications: tuple[str, ...]


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "Engineering",
        "engineering",
        "CC-1100",
        ("platform", "payments-api", "web-frontend"),
        ("checkout", "storefront", "mobile-api"),
    ),
    Department(
        "Data Science",
        "data-science",
        "CC-1200",
        ("ml-research", "recommendations", "forecasting"),
        ("recsys", "demand-forecast", "llm-assistant"),
    ),
    Department(
        "Customer Experience",
        "customer-experience",
        "CC-1300",
        ("support-bots", "contact-center"),
        ("helpdesk-bot", "voice-ivr"),
    ),
    Department("Marketing", "marketing", "CC-1400", ("growth", "web-analytics"), ("website", "campaigns")),
    Department("Sales", "sales", "CC-1500", ("crm-integrations", "sales-ops"), ("crm-sync", "quote-portal")),
    Department("Finance", "finance", "CC-1600", ("fp-and-a", "erp"), ("erp", "finance-dwh")),
    Department("Operations", "operations", "CC-1700", ("sre", "observability"), ("monitoring", "shared-infra")),
    Department("Security", "security", "CC-1800", ("secops", "iam"), ("siem", "key-management")),
)
DEPARTMENT_BY_NAME = {d.name: d for d in DEPARTMENTS}


@dataclass(frozen=True)
class Provider:
    """A cloud provider and the one billing account the company holds with it."""

    key: str
    provider_name: str
    publisher_name: str
    invoice_issuer: str
    billing_account_id: str
    billing_account_name: str
    billing_account_type: str
    sub_account_type: str
    focus_version: str
    """The FOCUS version of the provider's native export that the demo writes."""


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "aws",
        "AWS",
        "AWS",
        "Amazon Web Services, Inc.",
        "418273645091",
        f"{COMPANY} (AWS)",
        "Payer Account",
        "Linked Account",
        "1.2",
    ),
    Provider(
        "gcp",
        "Google Cloud",
        "Google Cloud",
        "Google Cloud",
        "01F3A9-7B42C1-D8E605",
        f"{COMPANY} GCP Billing",
        "Billing Account",
        "Project",
        "1.2",
    ),
    Provider(
        "azure",
        "Microsoft",
        "Microsoft",
        "Microsoft",
        "/providers/Microsoft.Billing/billingAccounts/5e2b8c17-3f4a-4d9e-b6a1-7c0d2e9f4b38:"
        "0a6c3e91-8d27-4f5b-9e14-2b7a6c8d0f53_2019-05-31/billingProfiles/NWL4-7QHR-BG7-PGB",
        f"{COMPANY} EU",
        "Billing Profile",
        "Subscription",
        "1.2",
    ),
)
PROVIDER_BY_KEY = {p.key: p for p in PROVIDERS}


@dataclass(frozen=True)
class SubAccount:
    """An AWS linked account, a Google Cloud project or an Azure subscription."""

    key: str
    provider: str
    id: str
    name: str
    department: str
    env: str
    """prod, staging, dev or sandbox: drives weekly seasonality."""
    number: str = ""
    """Google Cloud project number (x_ProjectNumber); empty elsewhere."""


def _azure_sub(name: str) -> str:
    return "/subscriptions/" + str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.azure.{EMAIL_DOMAIN}"))


def _gcp_number(name: str) -> str:
    return str(int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10**12).rjust(12, "4")


def _aws(key: str, acct: str, dept: str, env: str) -> SubAccount:
    return SubAccount(key, "aws", acct, key, dept, env)


def _gcp(key: str, dept: str, env: str) -> SubAccount:
    return SubAccount(
        key,
        "gcp",
        key,
        key.replace("nw-", "Northwind ").replace("-", " ").title(),
        dept,
        env,
        _gcp_number(key),
    )


def _azure(key: str, dept: str, env: str) -> SubAccount:
    return SubAccount(key, "azure", _azure_sub(key), key, dept, env)


SUB_ACCOUNTS: tuple[SubAccount, ...] = (
    _aws("northwind-management", "418273645091", "Operations", "prod"),
    _aws("eng-platform-prod", "302945718226", "Engineering", "prod"),
    _aws("eng-platform-staging", "302945718334", "Engineering", "staging"),
    _aws("eng-sandbox", "551093826647", "Engineering", "sandbox"),
    _aws("ds-ml-research", "718264930155", "Data Science", "dev"),
    _aws("ds-ml-inference-prod", "718264930263", "Data Science", "prod"),
    _aws("cx-support-platform", "864502193378", "Customer Experience", "prod"),
    _aws("marketing-web", "937461028854", "Marketing", "prod"),
    _aws("sales-crm-integrations", "629384710572", "Sales", "prod"),
    _aws("finance-data-warehouse", "245617893021", "Finance", "prod"),
    _aws("security-audit", "190834562297", "Security", "prod"),
    _aws("ops-observability", "190834562348", "Operations", "prod"),
    _gcp("nw-ds-vertex-prod", "Data Science", "prod"),
    _gcp("nw-ds-research-dev", "Data Science", "dev"),
    _gcp("nw-mktg-analytics", "Marketing", "prod"),
    _gcp("nw-eng-gke-prod", "Engineering", "prod"),
    _gcp("nw-eng-gke-dev", "Engineering", "dev"),
    _gcp("nw-cx-contact-center", "Customer Experience", "prod"),
    _gcp("nw-sales-insights", "Sales", "prod"),
    _gcp("nw-sec-logging", "Security", "prod"),
    _gcp("nw-fin-reporting", "Finance", "prod"),
    _azure("sub-cx-ai-prod", "Customer Experience", "prod"),
    _azure("sub-ds-databricks", "Data Science", "prod"),
    _azure("sub-ds-aml-dev", "Data Science", "dev"),
    _azure("sub-fin-erp-prod", "Finance", "prod"),
    _azure("sub-sales-portal-prod", "Sales", "prod"),
    _azure("sub-sales-portal-dev", "Sales", "dev"),
    _azure("sub-sec-defender", "Security", "prod"),
    _azure("sub-eng-aks-prod", "Engineering", "prod"),
    _azure("sub-ops-shared", "Operations", "prod"),
    _azure("sub-mktg-campaigns", "Marketing", "prod"),
)
SUB_ACCOUNT_BY_KEY = {s.key: s for s in SUB_ACCOUNTS}


@dataclass(frozen=True)
class Region:
    """A provider region with the zones resources are spread over."""

    id: str
    name: str
    zones: tuple[str, ...]
    usage_prefix: str = ""
    """AWS usage-type prefix (e.g. USE1)."""


REGIONS: dict[str, tuple[Region, ...]] = {
    "aws": (
        Region("us-east-1", "US East (N. Virginia)", ("us-east-1a", "us-east-1b", "us-east-1c"), "USE1"),
        Region("us-west-2", "US West (Oregon)", ("us-west-2a", "us-west-2b"), "USW2"),
        Region("eu-west-1", "Europe (Ireland)", ("eu-west-1a", "eu-west-1b"), "EU"),
    ),
    "gcp": (
        Region("us-central1", "Iowa", ("us-central1-a", "us-central1-b", "us-central1-f")),
        Region("europe-west4", "Netherlands", ("europe-west4-a", "europe-west4-b")),
        Region("us-east4", "Northern Virginia", ("us-east4-a", "us-east4-c")),
    ),
    "azure": (
        Region("eastus", "East US", ()),
        Region("westeurope", "West Europe", ()),
        Region("northeurope", "North Europe", ()),
    ),
}


def sub_accounts_of(provider: str) -> tuple[SubAccount, ...]:
    """The sub accounts held with one provider, in catalogue order."""
    return tuple(s for s in SUB_ACCOUNTS if s.provider == provider)
