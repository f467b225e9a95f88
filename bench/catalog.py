"""Reference values for the generator: providers, billing accounts, services, regions, tags."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """One service of one provider, with the FOCUS categories and pricing it bills with."""

    provider: str
    name: str
    category: str
    subcategory: str
    resource_type: str | None
    unit: str
    unit_price: float
    """Typical list price per unit, in the billing currency."""
    quantity: float
    """Typical quantity per row (lognormal median)."""
    committable: bool = False


@dataclass(frozen=True)
class Provider:
    name: str
    invoice_issuer: str
    account_type: str
    sub_account_type: str
    regions: tuple[tuple[str, str], ...]
    commitment_type: str


PROVIDERS = {
    "AWS": Provider(
        "AWS",
        "Amazon Web Services, Inc.",
        "Billing Account",
        "Account",
        (
            ("us-east-1", "US East (N. Virginia)"),
            ("us-east-2", "US East (Ohio)"),
            ("us-west-2", "US West (Oregon)"),
            ("eu-west-1", "Europe (Ireland)"),
            ("eu-central-1", "Europe (Frankfurt)"),
            ("ap-southeast-1", "Asia Pacific (Singapore)"),
            ("ap-northeast-1", "Asia Pacific (Tokyo)"),
            ("sa-east-1", "South America (Sao Paulo)"),
        ),
        "Savings Plan",
    ),
    "Microsoft": Provider(
        "Microsoft",
        "Microsoft",
        "Billing Profile",
        "Subscription",
        (
            ("westeurope", "West Europe"),
            ("northeurope", "North Europe"),
            ("eastus", "East US"),
            ("eastus2", "East US 2"),
            ("uksouth", "UK South"),
            ("germanywestcentral", "Germany West Central"),
        ),
        "Reservation",
    ),
    "Google Cloud": Provider(
        "Google Cloud",
        "Google LLC",
        "Billing Account",
        "Project",
        (
            ("us-central1", "Iowa"),
            ("europe-west1", "Belgium"),
            ("europe-west4", "Netherlands"),
            ("asia-east1", "Taiwan"),
            ("us-east4", "Northern Virginia"),
        ),
        "Committed Use Discount",
    ),
}

_C, _S, _D, _N = "Compute", "Storage", "Databases", "Networking"
_M, _AI, _I = "Management and Governance", "AI and Machine Learning", "Integration"

SERVICES: tuple[Service, ...] = (
    Service("AWS", "Amazon Elastic Compute Cloud", _C, "Virtual Machines", "Instance", "Hours", 0.096, 20, True),
    Service("AWS", "Amazon Simple Storage Service", _S, "Object Storage", "Bucket", "GB-Mo", 0.023, 400),
    Service(
        "AWS",
        "Amazon Relational Database Service",
        _D,
        "Relational Databases",
        "DB Instance",
        "Hours",
        0.34,
        22,
        True,
    ),
    Service("AWS", "AWS Lambda", _C, "Serverless Compute", "Function", "Requests", 2e-7, 2e5),
    Service("AWS", "Amazon Elastic Block Store", _S, "Block Storage", "Volume", "GB-Mo", 0.08, 150),
    Service("AWS", "Amazon CloudFront", _N, "Content Delivery", "Distribution", "GB", 0.085, 60),
    Service("AWS", "Amazon DynamoDB", _D, "NoSQL Databases", "Table", "Requests", 1.25e-6, 5e5),
    Service("AWS", "Amazon Elastic Kubernetes Service", _C, "Containers", "Cluster", "Hours", 0.10, 24),
    Service("AWS", "Amazon Virtual Private Cloud", _N, "Network Infrastructure", "NAT Gateway", "Hours", 0.045, 24),
    Service("AWS", "Amazon CloudWatch", _M, "Observability", "Log Group", "GB", 0.50, 8),
    Service("AWS", "Amazon Redshift", _D, "Data Warehouses", "Cluster", "Hours", 1.086, 24, True),
    Service("AWS", "Amazon SageMaker", _AI, "Machine Learning", "Endpoint", "Hours", 0.23, 12),
    Service("AWS", "Amazon Bedrock", _AI, "Generative AI", "Model", "1K Tokens", 0.003, 3000),
    Service("AWS", "AWS Key Management Service", "Security", "Secret Management", "Key", "Requests", 3e-6, 1e4),
    Service("AWS", "Amazon ElastiCache", _D, "Caching", "Cache Cluster", "Hours", 0.068, 24, True),
    Service("AWS", "Amazon Simple Queue Service", _I, "Messaging", "Queue", "Requests", 4e-7, 1e5),
    Service("AWS", "Amazon Elastic File System", _S, "File Storage", "File System", "GB-Mo", 0.30, 80),
    Service("AWS", "AWS Support (Business)", _M, "Support", None, "Dollars", 1.0, 300),
    Service("Microsoft", "Virtual Machines", _C, "Virtual Machines", "Virtual Machine", "Hours", 0.105, 20, True),
    Service("Microsoft", "Storage", _S, "Object Storage", "Storage Account", "GB-Mo", 0.0208, 500),
    Service("Microsoft", "Azure SQL Database", _D, "Relational Databases", "SQL Database", "Hours", 0.50, 24, True),
    Service("Microsoft", "Azure Kubernetes Service", _C, "Containers", "Managed Cluster", "Hours", 0.10, 24),
    Service(
        "Microsoft",
        "Azure Cosmos DB",
        _D,
        "NoSQL Databases",
        "Database Account",
        "100 RU/s Hours",
        0.008,
        400,
    ),
    Service("Microsoft", "Azure Functions", _C, "Serverless Compute", "Function App", "Executions", 2e-7, 2e5),
    Service("Microsoft", "Azure Monitor", _M, "Observability", "Log Analytics Workspace", "GB", 2.30, 4),
    Service(
        "Microsoft",
        "Azure OpenAI Service",
        _AI,
        "Generative AI",
        "Cognitive Services Account",
        "1K Tokens",
        0.005,
        2000,
    ),
    Service("Microsoft", "Azure Front Door", _N, "Content Delivery", "Front Door", "GB", 0.083, 50),
    Service(
        "Microsoft",
        "Azure App Service",
        "Web",
        "Application Platforms",
        "App Service Plan",
        "Hours",
        0.146,
        24,
        True,
    ),
    Service("Microsoft", "Virtual Network", _N, "Network Infrastructure", "Virtual Network", "GB", 0.01, 300),
    Service("Microsoft", "Backup", _S, "Backup Storage", "Recovery Services Vault", "GB-Mo", 0.0224, 900),
    Service("Google Cloud", "Compute Engine", _C, "Virtual Machines", "Instance", "Hours", 0.095, 20, True),
    Service("Google Cloud", "Cloud Storage", _S, "Object Storage", "Bucket", "GB-Mo", 0.020, 600),
    Service("Google Cloud", "BigQuery", _D, "Data Warehouses", "Dataset", "TiB", 6.25, 0.4),
    Service("Google Cloud", "Kubernetes Engine", _C, "Containers", "Cluster", "Hours", 0.10, 24),
    Service("Google Cloud", "Cloud SQL", _D, "Relational Databases", "Instance", "Hours", 0.41, 24, True),
    Service("Google Cloud", "Vertex AI", _AI, "AI Platforms", "Endpoint", "Hours", 0.75, 8),
    Service("Google Cloud", "Cloud Run", _C, "Serverless Compute", "Service", "vCPU-Seconds", 2.4e-5, 5e4),
    Service("Google Cloud", "Cloud Logging", _M, "Observability", "Log Bucket", "GB", 0.50, 6),
    Service("Google Cloud", "Pub/Sub", _I, "Messaging", "Topic", "TiB", 40.0, 0.01),
    Service("Google Cloud", "Networking", _N, "Network Connectivity", "Load Balancer", "GB", 0.08, 70),
)

# (id, name, provider, billing currency, share of the organisation's rows)
ACCOUNTS: tuple[tuple[str, str, str, str, float], ...] = (
    ("318264510973", "Acme Corp (payer)", "AWS", "USD", 0.24),
    ("540917236618", "Acme Retail", "AWS", "USD", 0.14),
    ("772046195538", "Acme Data Platform", "AWS", "USD", 0.12),
    ("105583902716", "Acme Labs", "AWS", "USD", 0.05),
    ("689130477251", "Acme Media", "AWS", "USD", 0.07),
    ("81f2b6a0-4c1e-4d5a-9a53-2f0c6e1d7b44:BP-7H2K", "Acme EMEA", "Microsoft", "EUR", 0.12),
    ("3c9d5e12-8a7b-4f60-b1d2-6e4a0f9c8d21:BP-3QX9", "Acme Americas", "Microsoft", "USD", 0.10),
    ("e07a41b8-2d39-4c7f-8e15-9b6f3a2c5d10:BP-9LM4", "Acme Shared Services", "Microsoft", "USD", 0.04),
    ("01A7C3-5B9E2F-D40816", "Acme Analytics", "Google Cloud", "USD", 0.09),
    ("01F4E8-77A2C1-B39D05", "Acme ML", "Google Cloud", "USD", 0.03),
)

SUB_ACCOUNTS_PER_ACCOUNT = 20
PERIODS = 24
FIRST_PERIOD = (2024, 1)

TEAMS = (
    "platform", "payments", "search", "data", "ml", "web", "mobile", "checkout", "identity", "growth",
    "security", "sre", "analytics", "catalog", "logistics", "support", "finance-it", "marketing", "ads",
    "recommendations", "video", "messaging", "devex", "edge", "billing",
)  # fmt: skip
ENVIRONMENTS = ("prod", "staging", "dev", "test")
ENVIRONMENT_WEIGHTS = (0.55, 0.2, 0.18, 0.07)
APPS = 150
COST_CENTERS = 60
OWNERS = 300
PROJECTS = 80
TAG_KEYS = ("env", "app", "team", "cost-center", "owner", "project")
TAG_PRESENCE = (1.0, 1.0, 0.85, 0.6, 0.4, 0.3)
"""Share of resources carrying each tag key (3 to 5 keys per resource after clamping)."""
