"""Services and the SKU templates resources are instantiated from.

A template is one billable meter of one service (an instance type, a storage class, a token price ...) with
the accounts it may run in and how its daily quantity behaves. Resources ("streams") are drawn from the
templates; every id derived here is a stable hash of the template key, so SkuIds never change between runs.
Azure services and resource types are named as Microsoft's FOCUS export names them (the FinOps toolkit's
`Services.csv` and `ResourceTypes.csv` for the resource's ConsumedService and type), so the cost details the
demo also writes map back to the same names.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cloudledger.demo.company import REGIONS


@dataclass(frozen=True)
class Service:
    """A ServiceName with its one FOCUS ServiceCategory and ServiceSubcategory."""

    name: str
    provider: str
    category: str
    subcategory: str
    code: str
    """AWS service code (x_ServiceCode), Google Cloud service id (x_ServiceId) or Azure meter category (Azure
    Reservations: none of its own, its rows take the reserved meter's)."""


def _svc(provider: str, rows: list[tuple[str, str, str, str]]) -> list[Service]:
    return [Service(n, provider, c, s, code) for n, c, s, code in rows]


SERVICES: tuple[Service, ...] = (
    *_svc(
        "aws",
        [
            ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines", "AmazonEC2"),
            ("Amazon Simple Storage Service", "Storage", "Object Storage", "AmazonS3"),
            ("Amazon Relational Database Service", "Databases", "Relational Databases", "AmazonRDS"),
            ("Amazon DynamoDB", "Databases", "NoSQL Databases", "AmazonDynamoDB"),
            ("Amazon SageMaker", "AI and Machine Learning", "Machine Learning", "AmazonSageMaker"),
            ("Amazon Bedrock", "AI and Machine Learning", "Generative AI", "AmazonBedrock"),
            ("AWS Lambda", "Compute", "Serverless Compute", "AWSLambda"),
            ("Amazon Elastic Kubernetes Service", "Compute", "Containers", "AmazonEKS"),
            ("Amazon CloudFront", "Networking", "Content Delivery", "AmazonCloudFront"),
            ("AWS Data Transfer", "Networking", "Network Connectivity", "AWSDataTransfer"),
            ("Amazon Redshift", "Databases", "Data Warehouses", "AmazonRedshift"),
            ("Amazon Athena", "Analytics", "Analytics Platforms", "AmazonAthena"),
            ("AWS Glue", "Analytics", "Data Processing", "AWSGlue"),
            ("Amazon Kinesis", "Analytics", "Streaming Analytics", "AmazonKinesis"),
            ("Amazon OpenSearch Service", "Analytics", "Search", "AmazonES"),
            ("Amazon CloudWatch", "Management and Governance", "Observability", "AmazonCloudWatch"),
            ("Amazon GuardDuty", "Security", "Threat Detection and Response", "AmazonGuardDuty"),
            ("AWS Key Management Service", "Security", "Secret Management", "awskms"),
            ("Amazon Route 53", "Networking", "Network Routing", "AmazonRoute53"),
            ("AWS Support (Business)", "Management and Governance", "Support", "AWSSupportBusiness"),
            ("Savings Plans for AWS Compute usage", "Compute", "Other (Compute)", "ComputeSavingsPlans"),
        ],
    ),
    *_svc(
        "gcp",
        [
            ("Compute Engine", "Compute", "Virtual Machines", "6F81-5844-456A"),
            ("Cloud Storage", "Storage", "Object Storage", "95FF-2EF5-5EA1"),
            ("BigQuery", "Databases", "Data Warehouses", "24E6-581D-38E5"),
            ("Vertex AI", "AI and Machine Learning", "AI Platforms", "C7E2-9256-1C43"),
            ("Kubernetes Engine", "Compute", "Containers", "CCD8-9BF1-090E"),
            ("Cloud SQL", "Databases", "Relational Databases", "9662-B51E-5089"),
            ("Cloud Run", "Compute", "Serverless Compute", "152E-C115-5142"),
            ("Networking", "Networking", "Network Connectivity", "E505-1604-58F8"),
            ("Cloud CDN", "Networking", "Content Delivery", "2D6B-6D3B-1F4A"),
            ("Cloud Logging", "Management and Governance", "Observability", "5490-F7B7-8DF6"),
            ("Dataflow", "Analytics", "Data Processing", "1992-3666-B975"),
            ("Pub/Sub", "Integration", "Messaging", "A1E8-BE35-7EBC"),
            ("Security Command Center", "Security", "Security Posture Management", "7D6E-3B2A-9C11"),
            ("Cloud DNS", "Networking", "Network Routing", "FA26-5236-A704"),
        ],
    ),
    *_svc(
        "azure",
        [
            ("Virtual Machines", "Compute", "Virtual Machines", "Virtual Machines"),
            ("Storage Accounts", "Storage", "Storage Platforms", "Storage"),
            ("Azure AI Services", "AI and Machine Learning", "AI Platforms", "Cognitive Services"),
            ("Azure Databricks", "Analytics", "Data Processing", "Azure Databricks"),
            ("Azure Machine Learning", "AI and Machine Learning", "Machine Learning", "Virtual Machines"),
            ("Azure SQL Database", "Databases", "Relational Databases", "SQL Database"),
            ("Azure Kubernetes Service", "Compute", "Containers", "Azure Kubernetes Service"),
            ("Azure App Service", "Web", "Application Platforms", "Azure App Service"),
            ("Azure Monitor", "Management and Governance", "Observability", "Log Analytics"),
            (
                "Microsoft Defender for Cloud",
                "Security",
                "Security Posture Management",
                "Microsoft Defender for Cloud",
            ),
            ("Key Vault", "Security", "Secret Management", "Key Vault"),
            ("Virtual Network", "Networking", "Network Infrastructure", "Bandwidth"),
            ("Azure DNS", "Networking", "Network Routing", "Azure DNS"),
            ("Azure Reservations", "Management and Governance", "Cost Management", ""),
        ],
    ),
)
SERVICE_BY_NAME = {(s.provider, s.name): s for s in SERVICES}

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Template:
    """One billable meter that resources of the demo company are instances of."""

    key: str
    provider: str
    service: str
    sku: str
    """Short SKU label (instance type, storage class ...), hashed into SkuId and SkuPriceId."""
    meter: str
    description: str
    price: str
    """List unit price as decimal text; its decimals plus the quantity's decimals make exactly 10."""
    unit: str
    model: str
    """hours (fleet x 24 h x uptime), metered (a daily amount), storage (GB held, billed monthly), monthly."""
    base: float
    accounts: tuple[str, ...]
    rid: str = ""
    """ResourceId format ({region} {zone} {account} {name} {hex} {rg}); empty for resource-less charges."""
    rtype: str = ""
    stem: str = "res"
    weight: float = 1.0
    sigma: float = 0.15
    spot: bool = False
    batch: bool = False
    zonal: bool = False
    regions: tuple[str, ...] = ()
    """Allowed region ids (first is the most common); empty: all of the provider's; ("",) global."""
    details: tuple[tuple[str, Scalar], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    """Template-level provider x_ values (usage type, operation, meter names ...)."""
    capacity_reservation: bool = False

    @property
    def decimals(self) -> int:
        """Decimal places of the unit price (the quantity gets 10 minus these)."""
        return len(self.price.split(".")[1]) if "." in self.price else 0

    @property
    def sku_id(self) -> str:
        return sku_id(self.provider, self.sku)

    @property
    def sku_price_id(self) -> str:
        h = _digest(self.key + "/price")
        if self.provider == "aws":
            term = "SPOTPRICEX" if self.spot else "JRTCKXETXF"
            return f"{self.sku_id}.{term}.{h[:10].upper()}"
        if self.provider == "gcp":
            return f"{self.sku_id}/{h[:4].upper()}"
        # Azure: `{SkuId}_{MeterId}`, the price point as azure-cost derives it from cost details.
        return f"{self.sku_id}_{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def allowed_regions(self) -> tuple[str, ...]:
        if self.regions:
            return self.regions
        return tuple(r.id for r in REGIONS[self.provider])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sku_id(provider: str, label: str) -> str:
    """A stable provider-shaped SkuId for a SKU label."""
    h = hashlib.sha256(f"{provider}:{label}".encode()).digest()
    if provider == "aws":
        return base64.b32encode(h).decode()[:16]
    if provider == "gcp":
        x = h.hex().upper()
        return f"{x[:4]}-{x[4:8]}-{x[8:12]}"
    return base64.b32encode(h).decode()[:12] + "/" + h.hex()[:4].upper()


AWS_ALL = (
    "eng-platform-prod",
    "eng-platform-staging",
    "cx-support-platform",
    "sales-crm-integrations",
    "marketing-web",
    "ops-observability",
    "finance-data-warehouse",
    "ds-ml-inference-prod",
)
AWS_ENG = ("eng-platform-prod", "eng-platform-staging", "eng-sandbox")
GCP_ALL = (
    "nw-eng-gke-prod",
    "nw-eng-gke-dev",
    "nw-cx-contact-center",
    "nw-sales-insights",
    "nw-fin-reporting",
    "nw-mktg-analytics",
    "nw-ds-vertex-prod",
)
AZ_ALL = (
    "sub-fin-erp-prod",
    "sub-sales-portal-prod",
    "sub-ops-shared",
    "sub-eng-aks-prod",
    "sub-mktg-campaigns",
    "sub-cx-ai-prod",
)

EC2 = "arn:aws:ec2:{region}:{account}:instance/i-{hex}"
GCE = "//compute.googleapis.com/projects/{account}/zones/{zone}/instances/{name}"
AZ = "{account}/resourcegroups/{rg}/providers/"


def _vm(itype: str, cores: int, mem: int, gpus: int = 0, os: str = "Linux") -> tuple[tuple[str, Scalar], ...]:
    out: tuple[tuple[str, Scalar], ...] = (
        ("InstanceType", itype),
        ("CoreCount", cores),
        ("MemorySize", mem),
        ("OperatingSystem", os),
    )
    return (*out, ("GpuCount", gpus)) if gpus else out


def _aws_x(usage: str, op: str) -> tuple[tuple[str, str], ...]:
    return (("x_UsageType", usage), ("x_Operation", op))


def _gcp_x(desc: str) -> tuple[tuple[str, str], ...]:
    return (("x_SkuDescription", desc),)


def _az_x(sub: str, meter: str, rtype: str) -> tuple[tuple[str, str], ...]:
    return (("x_SkuMeterSubcategory", sub), ("x_SkuMeterName", meter), ("x_ResourceType", rtype))


# fmt: off
_DEFINED: tuple[Template, ...] = (
    Template("aws-ec2-m6i", "aws", "Amazon Elastic Compute Cloud", "m6i.2xlarge", "Compute Instance",
             "$0.384 per On Demand Linux m6i.2xlarge Instance Hour", "0.384", "Hours", "hours", 1, AWS_ALL,
             EC2, "Instance", "app", 6, zonal=True, details=_vm("m6i.2xlarge", 8, 32),
             extra=_aws_x("BoxUsage:m6i.2xlarge", "RunInstances")),
    Template("aws-ec2-g5", "aws", "Amazon Elastic Compute Cloud", "g5.2xlarge", "Compute Instance",
             "$1.212 per On Demand Linux g5.2xlarge Instance Hour", "1.212", "Hours", "hours", 1,
             ("ds-ml-inference-prod", "cx-support-platform"), EC2, "Instance", "inference", 1.5, zonal=True,
             regions=("us-east-1",), details=_vm("g5.2xlarge", 8, 32, 1),
             extra=_aws_x("BoxUsage:g5.2xlarge", "RunInstances")),
    Template("aws-s3-standard", "aws", "Amazon Simple Storage Service", "S3 Standard", "Storage",
             "$0.023 per GB - first 50 TB / month of storage used", "0.023", "GB-Months", "storage", 40000,
             (*AWS_ALL, "ds-ml-research", "security-audit"), "arn:aws:s3:::{name}", "Bucket", "data", 4,
             details=(("StorageClass", "Standard"), ("Redundancy", "Regional")),
             extra=_aws_x("TimedStorage-ByteHrs", "StandardStorage")),
    Template("aws-sagemaker-train", "aws", "Amazon SageMaker", "ml.p4d.24xlarge-training",
             "Training Instance", "$37.688 per hour for ml.p4d.24xlarge training", "37.688", "Hours",
             "metered", 10, ("ds-ml-research",), "arn:aws:sagemaker:{region}:{account}:training-job/{name}",
             "Training Job", "train", 0.8, sigma=0.45, regions=("us-east-1", "us-west-2"),
             details=_vm("ml.p4d.24xlarge", 96, 1152, 8),
             extra=_aws_x("Train:ml.p4d.24xlarge", "CreateTrainingJob")),
    Template("aws-datatransfer-out", "aws", "AWS Data Transfer", "DataTransfer-Out", "Data Transfer",
             "$0.09 per GB - first 10 TB / month data transfer out beyond the global free tier", "0.09", "GB",
             "metered", 350, (*AWS_ALL, *AWS_ENG[1:]), "arn:aws:ec2:{region}:{account}:natgateway/nat-{hex}",
             "NAT Gateway", "egress", 2.5, sigma=0.25,
             extra=_aws_x("DataTransfer-Out-Bytes", "PublicIP-Out")),
    Template("gcp-bq-analysis", "gcp", "BigQuery", "BigQuery Analysis", "Analysis",
             "BigQuery on-demand analysis, $6.25 per TiB scanned", "6.25", "TiB", "metered", 1.5,
             ("nw-mktg-analytics", "nw-sales-insights", "nw-fin-reporting", "nw-ds-vertex-prod"),
             "//bigquery.googleapis.com/projects/{account}/datasets/{name}", "Dataset", "warehouse", 2,
             sigma=0.3, batch=True, regions=("us-central1", "europe-west4"), extra=_gcp_x("Analysis")),
    Template("az-openai-in", "azure", "Azure AI Services", "gpt-4o-0806-input", "gpt-4o-0806 Inp glbl Tokens",
             "Azure OpenAI gpt-4o-0806 Inp glbl Tokens", "2.50", "1000000 Tokens", "metered", 25,
             ("sub-cx-ai-prod", "sub-sales-portal-prod"), AZ + "microsoft.cognitiveservices/accounts/{name}",
             "Azure AI Foundry", "openai", 1.5, sigma=0.2, regions=("eastus", "westeurope"),
             extra=_az_x("Azure OpenAI", "gpt-4o-0806 Inp glbl Tokens",
                         "microsoft.cognitiveservices/accounts")),
    Template("az-vm-d8s", "azure", "Virtual Machines", "D8s v5", "D8s v5",
             "Virtual Machines Dsv5 Series - D8s v5", "0.384", "Hours", "hours", 1, AZ_ALL,
             AZ + "microsoft.compute/virtualmachines/{name}", "Virtual machine", "vm", 4,
             regions=("westeurope",), details=_vm("D8s v5", 8, 32),
             extra=_az_x("Dsv5 Series", "D8s v5", "microsoft.compute/virtualmachines")),
    Template("gcp-gce-n2", "gcp", "Compute Engine", "N2 Instance Core running in Americas",
             "N2 Instance Core", "N2 Instance Core running in Americas", "0.031611", "Hours", "hours", 8,
             GCP_ALL, GCE, "Compute instance", "vm", 5, zonal=True, regions=("us-central1",),
             details=(("InstanceSeries", "N2"), ("CoreCount", 1)),
             extra=_gcp_x("N2 Instance Core running in Americas")),
    Template("aws-cloudwatch-logs", "aws", "Amazon CloudWatch", "Logs DataProcessing", "Log Ingestion",
             "$0.50 per GB custom log data ingested", "0.50", "GB", "metered", 40,
             ("ops-observability", "eng-platform-prod", "cx-support-platform"),
             "arn:aws:logs:{region}:{account}:log-group:/nw/{name}", "Log Group", "logs", 2, sigma=0.2,
             extra=_aws_x("DataProcessing-Bytes", "PutLogEvents")),
    Template("az-databricks", "azure", "Azure Databricks", "Premium All-purpose Compute DBU",
             "Premium All-purpose DBU", "Azure Databricks Premium All-purpose Compute DBU", "0.55",
             "DBU-Hours", "metered", 90, ("sub-ds-databricks",),
             AZ + "microsoft.databricks/workspaces/{name}", "Azure Databricks Service", "lakehouse", 1.5,
             sigma=0.25, batch=True, regions=("westeurope",),
             extra=_az_x("Premium", "Premium All-purpose Compute DBU", "microsoft.databricks/workspaces")),
    Template("aws-lambda", "aws", "AWS Lambda", "Lambda GB-Second", "Compute Duration",
             "AWS Lambda - Total Compute - US East (N. Virginia)", "0.0000166667", "GB-Seconds", "metered",
             300000, (*AWS_ALL, "eng-sandbox"), "arn:aws:lambda:{region}:{account}:function:{name}",
             "Function", "fn", 3, sigma=0.25, extra=_aws_x("Lambda-GB-Second", "Invoke")),
    Template("aws-ec2-p4d-spot", "aws", "Amazon Elastic Compute Cloud", "p4d.24xlarge", "Compute Instance",
             "Linux/UNIX (Amazon VPC), p4d.24xlarge Spot Instance-hour", "32.7726", "Hours", "hours", 1,
             ("ds-ml-research",), EC2, "Instance", "train-spot", 0.6, spot=True, zonal=True,
             regions=("us-east-1", "us-west-2"), details=_vm("p4d.24xlarge", 96, 1152, 8),
             extra=_aws_x("SpotUsage:p4d.24xlarge", "RunInstances:SV001")),
    Template("aws-bedrock", "aws", "Amazon Bedrock", "Claude 3.5 Sonnet input tokens", "Input Tokens",
             "Claude 3.5 Sonnet input tokens, $0.003 per 1000 tokens", "0.003", "1000 Tokens", "metered",
             20000, ("cx-support-platform", "ds-ml-inference-prod", "sales-crm-integrations"),
             "arn:aws:bedrock:{region}:{account}:application-inference-profile/{hex}", "Inference Profile",
             "assistant", 1.5, sigma=0.2, regions=("us-east-1", "us-west-2"),
             extra=_aws_x("Claude3.5Sonnet-input-tokens", "InvokeModelInference")),
    Template("gcp-vertex-train", "gcp", "Vertex AI", "Custom Training a2-ultragpu-1g", "Training",
             "Vertex AI: Custom training on a2-ultragpu-1g", "5.0688", "Hours", "metered", 10,
             ("nw-ds-research-dev",),
             "//aiplatform.googleapis.com/projects/{account}/locations/{region}/customJobs/{hex}",
             "Custom Job", "train", 0.8, sigma=0.45, regions=("us-central1",),
             extra=_gcp_x("Custom Training: a2-ultragpu-1g in Americas")),
    Template("aws-rds-pg", "aws", "Amazon Relational Database Service", "db.r6g.2xlarge Multi-AZ",
             "Database Instance", "$1.642 per RDS db.r6g.2xlarge Multi-AZ instance hour running PostgreSQL",
             "1.642", "Hours", "hours", 1,
             ("eng-platform-prod", "cx-support-platform", "sales-crm-integrations", "finance-data-warehouse"),
             "arn:aws:rds:{region}:{account}:db:{name}", "DB Instance", "pg", 2, zonal=True,
             details=(("InstanceType", "db.r6g.2xlarge"), ("CoreCount", 8), ("MemorySize", 64)),
             extra=_aws_x("Multi-AZUsage:db.r6g.2xl", "CreateDBInstance:0014")),
    Template("az-sql", "azure", "Azure SQL Database", "General Purpose Gen5 vCore", "vCore",
             "SQL Database General Purpose - Compute Gen5 vCore", "0.2522", "Hours", "hours", 8,
             ("sub-fin-erp-prod", "sub-sales-portal-prod"),
             AZ + "microsoft.sql/servers/{name}/databases/{name}", "SQL database", "sqldb", 1.5, batch=True,
             regions=("westeurope",),
             extra=_az_x("General Purpose - Compute Gen5", "vCore", "microsoft.sql/servers/databases")),
    Template("aws-guardduty", "aws", "Amazon GuardDuty", "GuardDuty CloudTrail events", "Events Analyzed",
             "$4.00 per million CloudTrail management events analyzed", "4.00", "1000000 Events", "metered",
             6, ("security-audit",), "arn:aws:guardduty:{region}:{account}:detector/{hex}", "Detector",
             "detector", 0.6, sigma=0.2, extra=_aws_x("PaidEventsAnalyzed", "CloudTrailEvents")),
    Template("az-appsvc", "azure", "Azure App Service", "P1 v3 App", "P1 v3 App",
             "Azure App Service Premium v3 Plan - P1 v3 App", "0.20", "Hours", "hours", 2,
             ("sub-sales-portal-prod", "sub-sales-portal-dev", "sub-mktg-campaigns"),
             AZ + "microsoft.web/serverfarms/{name}", "App Service plan", "plan", 1.5,
             regions=("westeurope",),
             extra=_az_x("Premium v3 Plan", "P1 v3 App", "microsoft.web/serverfarms")),
    Template("gcp-vertex-gemini", "gcp", "Vertex AI", "Gemini 2.0 Flash input tokens", "Input Tokens",
             "Gemini 2.0 Flash input text tokens", "0.15", "1000000 Tokens", "metered", 120,
             ("nw-cx-contact-center", "nw-ds-vertex-prod", "nw-sales-insights"),
             "//aiplatform.googleapis.com/projects/{account}/locations/{region}/endpoints/{hex}", "Endpoint",
             "gemini", 1.2, sigma=0.2, regions=("us-central1", "europe-west4"),
             extra=_gcp_x("Gemini 2.0 Flash Input Text Tokens")),
    Template("gcp-gcs", "gcp", "Cloud Storage", "Standard Storage US Multi-region", "Standard Storage",
             "Standard Storage US Multi-region", "0.026", "GiB-Months", "storage", 30000,
             (*GCP_ALL, "nw-sec-logging", "nw-ds-research-dev"),
             "//storage.googleapis.com/projects/_/buckets/{name}", "Bucket", "bucket", 3,
             details=(("StorageClass", "Standard"), ("Redundancy", "Multi-region")),
             extra=_gcp_x("Standard Storage US Multi-region")),
    Template("az-storage-hot", "azure", "Storage Accounts", "Hot LRS", "Hot LRS Data Stored",
             "Blob Storage Hot LRS Data Stored", "0.0184", "GB/Month", "storage", 30000,
             (*AZ_ALL, "sub-ds-databricks", "sub-sec-defender"),
             AZ + "microsoft.storage/storageaccounts/{name}", "Storage account", "st", 3,
             regions=("westeurope", "northeurope"),
             details=(("StorageClass", "Hot"), ("Redundancy", "Local")),
             extra=_az_x("Tiered Block Blob", "Hot LRS Data Stored", "microsoft.storage/storageaccounts")),
    Template("aws-ebs-gp3", "aws", "Amazon Elastic Compute Cloud", "EBS gp3", "Storage",
             "$0.08 per GB-month of General Purpose (gp3) provisioned storage", "0.08", "GB-Months",
             "storage", 1000, (*AWS_ALL, *AWS_ENG[1:], "ds-ml-research"),
             "arn:aws:ec2:{region}:{account}:volume/vol-{hex}", "Volume", "vol", 5, zonal=True,
             details=(("DiskType", "SSD"), ("DiskSpace", 400)),
             extra=_aws_x("EBS:VolumeUsage.gp3", "CreateVolume-Gp3")),
    Template("aws-ec2-p5-od", "aws", "Amazon Elastic Compute Cloud", "p5.48xlarge", "Compute Instance",
             "$98.32 per On Demand Linux p5.48xlarge Instance Hour", "98.32", "Hours", "hours", 1,
             ("ds-ml-research",), EC2, "Instance", "train", 0.25, zonal=True, regions=("us-east-1",),
             details=_vm("p5.48xlarge", 192, 2048, 8), capacity_reservation=True,
             extra=_aws_x("BoxUsage:p5.48xlarge", "RunInstances")),
    Template("aws-sagemaker-endpoint", "aws", "Amazon SageMaker", "ml.g5.2xlarge-hosting", "Hosting Instance",
             "$1.515 per hour for ml.g5.2xlarge hosting", "1.515", "Hours", "hours", 2,
             ("ds-ml-inference-prod", "cx-support-platform"),
             "arn:aws:sagemaker:{region}:{account}:endpoint/{name}", "Endpoint", "endpoint", 1,
             extra=_aws_x("Host:ml.g5.2xlarge", "RunInstance")),
    Template("aws-eks", "aws", "Amazon Elastic Kubernetes Service", "EKS cluster", "Cluster Hours",
             "Amazon EKS cluster usage in US East (N. Virginia)", "0.10", "Hours", "hours", 1,
             ("eng-platform-prod", "eng-platform-staging", "ds-ml-inference-prod"),
             "arn:aws:eks:{region}:{account}:cluster/{name}", "Cluster", "eks", 1,
             extra=_aws_x("AmazonEKS-Hours:perCluster", "CreateOperation")),
    Template("aws-cloudfront", "aws", "Amazon CloudFront", "CloudFront US data transfer out", "Data Transfer",
             "$0.085 per GB - first 10 TB / month data transfer out (United States)", "0.085", "GB",
             "metered", 900, ("marketing-web", "eng-platform-prod"),
             "arn:aws:cloudfront::{account}:distribution/E{HEX}", "Distribution", "cdn", 1.5, sigma=0.2,
             regions=("",), extra=_aws_x("US-DataTransfer-Out-Bytes", "GET")),
    Template("aws-redshift", "aws", "Amazon Redshift", "ra3.4xlarge", "Node Hours",
             "$3.26 per RA3 4XL Node Hour (or partial hour) running Redshift", "3.26", "Hours", "hours", 2,
             ("finance-data-warehouse", "marketing-web"),
             "arn:aws:redshift:{region}:{account}:cluster:{name}", "Cluster", "dwh", 1, batch=True,
             details=(("InstanceType", "ra3.4xlarge"), ("CoreCount", 12)),
             extra=_aws_x("Node:ra3.4xlarge", "RunComputeNode:0001")),
    Template("aws-athena", "aws", "Amazon Athena", "Athena data scanned", "Data Scanned",
             "$5.00 per Terabytes for DataScannedInTB in US East (N. Virginia)", "5.00", "TB", "metered", 1.2,
             ("finance-data-warehouse", "marketing-web", "ds-ml-research", "security-audit"),
             "arn:aws:athena:{region}:{account}:workgroup/{name}", "Workgroup", "wg", 1, sigma=0.3,
             batch=True, extra=_aws_x("DataScannedInTB", "RunQuery")),
    Template("aws-glue", "aws", "AWS Glue", "Glue ETL DPU", "ETL Job",
             "$0.44 per Data Processing Unit-Hour for AWS Glue ETL job", "0.44", "DPU-Hours", "metered", 60,
             ("finance-data-warehouse", "ds-ml-research", "marketing-web"),
             "arn:aws:glue:{region}:{account}:job/{name}", "Job", "etl", 1, sigma=0.3, batch=True,
             extra=_aws_x("ETL-DPU-Hour", "Jobrun")),
    Template("aws-kinesis", "aws", "Amazon Kinesis", "Kinesis shard hour", "Shard Hours",
             "$0.015 per shard hour", "0.015", "Hours", "hours", 8,
             ("eng-platform-prod", "marketing-web", "security-audit"),
             "arn:aws:kinesis:{region}:{account}:stream/{name}", "Stream", "stream", 0.8,
             extra=_aws_x("Storage-ShardHour", "shardHourStorage")),
    Template("aws-opensearch", "aws", "Amazon OpenSearch Service", "r6g.large.search", "Instance Hours",
             "$0.167 per r6g.large.search instance hour", "0.167", "Hours", "hours", 3,
             ("ops-observability", "security-audit", "cx-support-platform"),
             "arn:aws:es:{region}:{account}:domain/{name}", "Domain", "search", 0.8,
             extra=_aws_x("ESInstance:r6g.large", "ESDomain")),
    Template("aws-dynamodb", "aws", "Amazon DynamoDB", "DynamoDB on-demand write", "Write Request Units",
             "$1.25 per million write request units", "1.25", "1000000 Requests", "metered", 40,
             ("eng-platform-prod", "cx-support-platform", "sales-crm-integrations"),
             "arn:aws:dynamodb:{region}:{account}:table/{name}", "Table", "table", 1.5, sigma=0.2,
             extra=_aws_x("WriteRequestUnits", "PayPerRequestThroughput")),
    Template("aws-s3-requests", "aws", "Amazon Simple Storage Service", "S3 PUT requests", "Requests",
             "$0.005 per 1,000 PUT, COPY, POST, or LIST requests", "0.005", "1000 Requests", "metered", 300,
             AWS_ALL, "arn:aws:s3:::{name}", "Bucket", "ingest", 2, sigma=0.25,
             extra=_aws_x("Requests-Tier1", "PutObject")),
    Template("aws-ec2-c6i", "aws", "Amazon Elastic Compute Cloud", "c6i.4xlarge", "Compute Instance",
             "$0.68 per On Demand Linux c6i.4xlarge Instance Hour", "0.68", "Hours", "hours", 1, AWS_ENG, EC2,
             "Instance", "worker", 3, zonal=True, details=_vm("c6i.4xlarge", 16, 32),
             extra=_aws_x("BoxUsage:c6i.4xlarge", "RunInstances")),
    Template("aws-ec2-t3", "aws", "Amazon Elastic Compute Cloud", "t3.large", "Compute Instance",
             "$0.0832 per On Demand Linux t3.large Instance Hour", "0.0832", "Hours", "hours", 1,
             ("eng-sandbox", "eng-platform-staging", "ds-ml-research"), EC2, "Instance", "dev", 4, zonal=True,
             details=_vm("t3.large", 2, 8), extra=_aws_x("BoxUsage:t3.large", "RunInstances")),
    Template("aws-kms", "aws", "AWS Key Management Service", "KMS customer managed key", "Keys",
             "$1.00 per customer managed key per month", "1.00", "Key-Months", "monthly", 25,
             ("security-audit",), "arn:aws:kms:{region}:{account}:key/{uuid}", "Key", "kms", 0.2,
             extra=_aws_x("KMS-Keys", "CreateKey")),
    Template("aws-route53", "aws", "Amazon Route 53", "Route 53 hosted zone", "Hosted Zone",
             "$0.50 per Hosted Zone for the first 25 Hosted Zones", "0.50", "Zone-Months", "monthly", 10,
             ("marketing-web", "eng-platform-prod"), "arn:aws:route53:::hostedzone/Z{HEX}", "Hosted Zone",
             "zone", 0.2, regions=("",), extra=_aws_x("HostedZone", "")),
    Template("gcp-gce-a100-spot", "gcp", "Compute Engine", "Nvidia Tesla A100 GPU running in Americas", "GPU",
             "Spot Preemptible Nvidia Tesla A100 GPU running in Americas", "2.933908", "Hours", "hours", 4,
             ("nw-ds-research-dev",), GCE, "Compute instance", "a100", 0.8, spot=True, zonal=True,
             regions=("us-central1",), details=(("GpuCount", 1),),
             extra=_gcp_x("Spot Preemptible Nvidia Tesla A100 GPU running in Americas")),
    Template("gcp-gce-l4", "gcp", "Compute Engine", "Nvidia L4 GPU running in Americas", "GPU",
             "Nvidia L4 GPU running in Americas", "0.56", "Hours", "hours", 1,
             ("nw-ds-vertex-prod", "nw-cx-contact-center"), GCE, "Compute instance", "l4", 1, zonal=True,
             regions=("us-central1",), details=(("GpuCount", 1),),
             extra=_gcp_x("Nvidia L4 GPU running in Americas")),
    Template("gcp-pd-ssd", "gcp", "Compute Engine", "SSD backed PD Capacity", "Storage PD Capacity",
             "SSD backed PD Capacity", "0.17", "GiB-Months", "storage", 500, GCP_ALL,
             "//compute.googleapis.com/projects/{account}/zones/{zone}/disks/{name}", "Disk", "disk", 3,
             zonal=True, details=(("DiskType", "SSD"),), extra=_gcp_x("SSD backed PD Capacity")),
    Template("gcp-bq-storage", "gcp", "BigQuery", "Active Logical Storage", "Active Storage",
             "Active Logical Storage", "0.02", "GiB-Months", "storage", 20000,
             ("nw-mktg-analytics", "nw-sales-insights", "nw-fin-reporting", "nw-sec-logging"),
             "//bigquery.googleapis.com/projects/{account}/datasets/{name}", "Dataset", "lake", 1.5,
             regions=("us-central1",), extra=_gcp_x("Active Logical Storage")),
    Template("gcp-vertex-predict", "gcp", "Vertex AI", "Online Prediction n1-standard-4", "Prediction",
             "Vertex AI: Online/Batch Prediction N1 Predefined Instance Core", "0.2185", "Hours", "hours", 2,
             ("nw-ds-vertex-prod", "nw-cx-contact-center"),
             "//aiplatform.googleapis.com/projects/{account}/locations/{region}/endpoints/{hex}", "Endpoint",
             "predict", 1, regions=("us-central1",),
             extra=_gcp_x("Online Prediction: N1 Predefined Instance Core")),
    Template("gcp-gke", "gcp", "Kubernetes Engine", "Regional Kubernetes Clusters", "Cluster Management",
             "Regional Kubernetes Clusters", "0.10", "Hours", "hours", 1,
             ("nw-eng-gke-prod", "nw-eng-gke-dev"),
             "//container.googleapis.com/projects/{account}/locations/{region}/clusters/{name}", "Cluster",
             "gke", 0.8, extra=_gcp_x("Regional Kubernetes Clusters")),
    Template("gcp-cloudsql", "gcp", "Cloud SQL", "Cloud SQL for PostgreSQL: Regional - vCPU", "vCPU",
             "Cloud SQL for PostgreSQL: Regional - vCPU in Americas", "0.0826", "Hours", "hours", 8,
             ("nw-eng-gke-prod", "nw-fin-reporting", "nw-sales-insights"),
             "//sqladmin.googleapis.com/projects/{account}/instances/{name}", "Instance", "pg", 1,
             regions=("us-central1",), extra=_gcp_x("Cloud SQL for PostgreSQL: Regional - vCPU in Americas")),
    Template("gcp-cloudrun", "gcp", "Cloud Run", "CPU Allocation Time", "CPU Allocation",
             "Cloud Run CPU Allocation Time (tier 1)", "0.000024", "vCPU-Seconds", "metered", 150000,
             ("nw-eng-gke-prod", "nw-sales-insights", "nw-cx-contact-center", "nw-mktg-analytics"),
             "//run.googleapis.com/projects/{account}/locations/{region}/services/{name}", "Service", "svc",
             1.5, sigma=0.25, extra=_gcp_x("CPU Allocation Time")),
    Template("gcp-egress", "gcp", "Networking", "Internet Data Transfer Out Americas", "Data Transfer",
             "Network Internet Data Transfer Out from Americas to Americas", "0.12", "GiB", "metered", 120,
             GCP_ALL, "//compute.googleapis.com/projects/{account}/global/networks/{name}", "Network", "vpc",
             1.5, sigma=0.25, extra=_gcp_x("Network Internet Data Transfer Out from Americas to Americas")),
    Template("gcp-cdn", "gcp", "Cloud CDN", "Cache Egress North America", "Cache Egress",
             "Cache Egress from North America to North America", "0.08", "GiB", "metered", 500,
             ("nw-mktg-analytics",),
             "//compute.googleapis.com/projects/{account}/global/backendBuckets/{name}", "Backend bucket",
             "cdn", 0.6, sigma=0.2, regions=("",), extra=_gcp_x("Cache Egress")),
    Template("gcp-logging", "gcp", "Cloud Logging", "Log Storage", "Log Storage", "Log Storage cost", "0.50",
             "GiB", "metered", 30, ("nw-sec-logging", "nw-eng-gke-prod"),
             "//logging.googleapis.com/projects/{account}/locations/global/buckets/{name}", "Log bucket",
             "logs", 1, sigma=0.2, extra=_gcp_x("Log Storage cost")),
    Template("gcp-dataflow", "gcp", "Dataflow", "Dataflow Batch vCPU Time", "vCPU Time",
             "Dataflow Batch vCPU Time", "0.056", "Hours", "metered", 200,
             ("nw-mktg-analytics", "nw-fin-reporting", "nw-ds-vertex-prod"),
             "//dataflow.googleapis.com/projects/{account}/locations/{region}/jobs/{hex}", "Job", "pipeline",
             0.8, sigma=0.3, batch=True, extra=_gcp_x("Dataflow Batch vCPU Time")),
    Template("gcp-pubsub", "gcp", "Pub/Sub", "Message Delivery Basic", "Message Delivery",
             "Message Delivery Basic", "40", "TiB", "metered", 0.05, ("nw-eng-gke-prod", "nw-sales-insights"),
             "//pubsub.googleapis.com/projects/{account}/topics/{name}", "Topic", "topic", 0.6, sigma=0.2,
             regions=("",), extra=_gcp_x("Message Delivery Basic")),
    Template("gcp-scc", "gcp", "Security Command Center", "SCC Premium vCPU", "Premium Tier",
             "Security Command Center Premium tier, per vCPU hour", "0.0071", "Hours", "metered", 2000,
             ("nw-sec-logging",), "", "", "scc", 0.4, sigma=0.1, regions=("",),
             extra=_gcp_x("Security Command Center Premium: Compute")),
    Template("gcp-dns", "gcp", "Cloud DNS", "Managed Zone", "Managed Zone",
             "Cloud DNS Managed Zone (first 25)", "0.20", "Zone-Months", "monthly", 6,
             ("nw-mktg-analytics", "nw-eng-gke-prod"),
             "//dns.googleapis.com/projects/{account}/managedZones/{name}", "Managed zone", "zone", 0.2,
             regions=("",), extra=_gcp_x("ManagedZone")),
    Template("az-vm-b2ms", "azure", "Virtual Machines", "B2ms", "B2ms", "Virtual Machines BS Series - B2ms",
             "0.0832", "Hours", "hours", 1, ("sub-sales-portal-dev", "sub-ds-aml-dev"),
             AZ + "microsoft.compute/virtualmachines/{name}", "Virtual machine", "devvm", 2,
             regions=("westeurope", "northeurope"), details=_vm("B2ms", 2, 8),
             extra=_az_x("BS Series", "B2ms", "microsoft.compute/virtualmachines")),
    Template("az-disk", "azure", "Virtual Machines", "Premium SSD v2 Capacity", "Provisioned Capacity",
             "Azure Premium SSD v2 Provisioned Capacity", "0.08147", "GiB/Month", "storage", 1024, AZ_ALL,
             AZ + "microsoft.compute/disks/{name}", "Disk", "disk", 2, regions=("westeurope",),
             details=(("DiskType", "SSD"),),
             extra=_az_x("Azure Premium SSD v2", "Provisioned Capacity", "microsoft.compute/disks")),
    Template("az-openai-out", "azure", "Azure AI Services", "gpt-4o-0806-output", "gpt-4o-0806 Outp glbl Tokens",
             "Azure OpenAI gpt-4o-0806 Outp glbl Tokens", "10.00", "1000000 Tokens", "metered", 6,
             ("sub-cx-ai-prod",), AZ + "microsoft.cognitiveservices/accounts/{name}", "Azure AI Foundry",
             "openai", 1, sigma=0.2, regions=("eastus",),
             extra=_az_x("Azure OpenAI", "gpt-4o-0806 Outp glbl Tokens",
                         "microsoft.cognitiveservices/accounts")),
    Template("az-aml-a100-spot", "azure", "Azure Machine Learning", "NC24ads A100 v4 Spot",
             "NC24ads A100 v4 Spot", "Azure Machine Learning NCadsA100v4 Series - NC24ads A100 v4 Spot",
             "3.673", "Hours", "hours", 1, ("sub-ds-aml-dev",),
             AZ + "microsoft.machinelearningservices/workspaces/{name}", "Azure Machine Learning workspace",
             "aml", 0.8, spot=True, regions=("westeurope",), details=_vm("NC24ads A100 v4", 24, 220, 1),
             extra=_az_x("NCadsA100v4 Series", "NC24ads A100 v4 Spot",
                         "microsoft.machinelearningservices/workspaces")),
    Template("az-aks", "azure", "Azure Kubernetes Service", "Standard Uptime SLA", "Standard Uptime SLA",
             "Azure Kubernetes Service Standard - Uptime SLA", "0.10", "Hours", "hours", 1,
             ("sub-eng-aks-prod",), AZ + "microsoft.containerservice/managedclusters/{name}",
             "Kubernetes service", "aks", 0.7, regions=("westeurope",),
             extra=_az_x("Standard", "Uptime SLA", "microsoft.containerservice/managedclusters")),
    Template("az-monitor", "azure", "Azure Monitor", "Analytics Logs Data Ingestion",
             "Analytics Logs Data Ingestion", "Log Analytics - Analytics Logs Data Ingestion", "2.30", "GB",
             "metered", 15, ("sub-ops-shared", "sub-sec-defender"),
             AZ + "microsoft.operationalinsights/workspaces/{name}", "Log Analytics workspace", "law", 1,
             sigma=0.2, regions=("westeurope",),
             extra=_az_x("Analytics Logs", "Data Ingestion", "microsoft.operationalinsights/workspaces")),
    Template("az-defender", "azure", "Microsoft Defender for Cloud", "Defender for Servers Plan 2",
             "Standard Node", "Microsoft Defender for Servers Plan 2 - Standard Node", "0.02", "Hours",
             "hours", 20, ("sub-sec-defender",), "", "", "defender", 0.5, regions=("",),
             extra=_az_x("Defender for Servers", "Standard Node", "microsoft.security/pricings")),
    Template("az-keyvault", "azure", "Key Vault", "Standard Operations", "Operations",
             "Key Vault Standard Operations", "0.03", "10000 Operations", "metered", 50,
             ("sub-sec-defender", "sub-fin-erp-prod"), AZ + "microsoft.keyvault/vaults/{name}", "Key vault",
             "kv", 0.5, sigma=0.2, regions=("westeurope",),
             extra=_az_x("Key Vault", "Operations", "microsoft.keyvault/vaults")),
    Template("az-bandwidth", "azure", "Virtual Network", "Standard Data Transfer Out",
             "Standard Data Transfer Out",
             "Bandwidth Rtn Preference: MGN - Standard Data Transfer Out", "0.087", "GB", "metered", 200,
             AZ_ALL, AZ + "microsoft.network/publicipaddresses/{name}", "Public IP address", "pip", 1,
             sigma=0.25, regions=("westeurope",),
             extra=_az_x("Rtn Preference: MGN", "Standard Data Transfer Out",
                         "microsoft.network/publicipaddresses")),
    Template("az-dns", "azure", "Azure DNS", "Public Zone", "Public Zone", "Azure DNS Public Zone", "0.50",
             "Zone-Months", "monthly", 8, ("sub-mktg-campaigns", "sub-ops-shared"),
             AZ + "microsoft.network/dnszones/{name}", "DNS zone", "zone", 0.2, regions=("",),
             extra=_az_x("", "Public Zone", "microsoft.network/dnszones")),
)
# fmt: on
# fmt: off
COVER_ORDER = (
    "aws-kms", "aws-route53", "gcp-dns", "az-dns", "aws-ec2-m6i", "aws-ec2-g5", "aws-s3-standard",
    "aws-sagemaker-train", "aws-datatransfer-out", "gcp-bq-analysis", "az-openai-in", "az-vm-d8s",
    "gcp-gce-n2", "aws-cloudwatch-logs", "az-databricks", "aws-lambda", "aws-ec2-p4d-spot", "aws-bedrock",
    "gcp-vertex-train", "aws-rds-pg", "az-sql", "aws-guardduty", "az-appsvc", "gcp-gcs", "az-storage-hot",
    "aws-eks", "aws-cloudfront", "aws-redshift", "aws-athena", "aws-glue", "aws-kinesis", "aws-opensearch",
    "aws-dynamodb", "gcp-gke", "gcp-cloudsql", "gcp-cloudrun", "gcp-egress", "gcp-cdn", "gcp-logging",
    "gcp-dataflow", "gcp-pubsub", "gcp-scc", "az-aml-a100-spot", "az-aks", "az-monitor", "az-defender",
    "az-keyvault", "az-bandwidth", "gcp-vertex-gemini", "aws-ebs-gp3", "aws-ec2-p5-od",
    "aws-sagemaker-endpoint", "aws-s3-requests", "aws-ec2-c6i", "aws-ec2-t3", "gcp-gce-a100-spot",
    "gcp-gce-l4", "gcp-pd-ssd", "gcp-bq-storage", "gcp-vertex-predict", "az-vm-b2ms", "az-disk",
    "az-openai-out",
)
# fmt: on
"""The first resources follow this order, one per template: at small row counts only the first are created,
so it opens with the cheap monthly meters, then one template per service (commitment and anomaly targets
first)."""

TEMPLATE_BY_KEY = {t.key: t for t in _DEFINED}
TEMPLATES: tuple[Template, ...] = tuple(TEMPLATE_BY_KEY[k] for k in COVER_ORDER)
assert len(TEMPLATES) == len(_DEFINED), "every template has a place in COVER_ORDER"
