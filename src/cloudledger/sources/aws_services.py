"""AWS product codes (`lineItem/ProductCode`) to FOCUS 1.2 ServiceCategory and ServiceSubcategory.

Data, not logic: one line per product code, written from AWS's service descriptions and checked against
the FinOps Foundation converters' category list. A code missing here is "Other" / "Other (Other)".
"""

from __future__ import annotations

_TABLE = """
AmazonEC2|Compute|Virtual Machines
AmazonLightsail|Compute|Virtual Machines
AWSOutposts|Compute|Virtual Machines
VMwareCloudOnAWS|Compute|Virtual Machines
AmazonWorkSpaces|Compute|End User Computing
AmazonAppStream|Compute|End User Computing
AWSLambda|Compute|Serverless Compute
AWSAppRunner|Compute|Serverless Compute
AmazonECS|Compute|Containers
AmazonEKS|Compute|Containers
AmazonECR|Compute|Containers
AmazonECRPublic|Compute|Containers
AWSBatch|Compute|Other (Compute)
ComputeSavingsPlans|Compute|Other (Compute)
AmazonBraket|Compute|Quantum Compute
AmazonS3|Storage|Object Storage
AmazonGlacier|Storage|Backup Storage
AmazonS3GlacierDeepArchive|Storage|Backup Storage
AWSBackup|Storage|Backup Storage
AmazonEBS|Storage|Block Storage
AmazonEFS|Storage|File Storage
AmazonFSx|Storage|File Storage
AWSStorageGateway|Storage|Storage Platforms
AWSStorageGatewayDeepArchive|Storage|Backup Storage
AWSElasticDisasterRecovery|Management and Governance|Disaster Recovery
IngestionServiceSnowball|Migration|Data Migration
SnowballExtraDays|Migration|Data Migration
AmazonRDS|Databases|Relational Databases
AmazonAurora|Databases|Relational Databases
AmazonRedshift|Databases|Data Warehouses
AmazonDynamoDB|Databases|NoSQL Databases
AmazonDocDB|Databases|NoSQL Databases
AmazonNeptune|Databases|NoSQL Databases
AmazonMCS|Databases|NoSQL Databases
AmazonElastiCache|Databases|Caching
AmazonMemoryDB|Databases|Caching
AmazonTimestream|Databases|Time Series Databases
AmazonQLDB|Databases|Ledger Databases
AmazonVPC|Networking|Network Infrastructure
AWSDataTransfer|Networking|Network Connectivity
AWSDirectConnect|Networking|Network Connectivity
AWSELB|Networking|Application Networking
AmazonApiGateway|Integration|API Management
AmazonCloudFront|Networking|Content Delivery
AmazonRoute53|Networking|Network Routing
AWSGlobalAccelerator|Networking|Network Routing
AWSCloudMap|Networking|Application Networking
AWSCloudWAN|Networking|Network Connectivity
AWSNetworkFirewall|Networking|Network Security
AWSTransitGateway|Networking|Network Connectivity
AWSVPN|Networking|Network Connectivity
AWSPrivate5G|Networking|Network Connectivity
AmazonAthena|Analytics|Data Processing
AWSGlue|Analytics|Data Processing
ElasticMapReduce|Analytics|Data Processing
datapipeline|Analytics|Data Processing
AWSLakeFormation|Analytics|Analytics Platforms
AWSCleanRooms|Analytics|Analytics Platforms
AWSDataExchange|Analytics|Other (Analytics)
AmazonFinSpace|Analytics|Analytics Platforms
AmazonES|Analytics|Search
AmazonOpenSearchService|Analytics|Search
AmazonCloudSearch|Analytics|Search
AmazonKinesis|Analytics|Streaming Analytics
AmazonKinesisFirehose|Analytics|Streaming Analytics
AmazonKinesisAnalytics|Analytics|Streaming Analytics
AmazonMSK|Analytics|Streaming Analytics
AmazonQuickSight|Analytics|Business Intelligence
AWSQueueService|Integration|Messaging
AmazonSNS|Integration|Messaging
AmazonMQ|Integration|Messaging
AWSEvents|Integration|Messaging
AmazonStates|Integration|Workflow Orchestration
AmazonMWAA|Integration|Workflow Orchestration
AmazonSWF|Integration|Workflow Orchestration
AppFlow|Integration|Other (Integration)
AWSAppFabric|Integration|Other (Integration)
AmazonSES|Business Applications|Productivity and Collaboration
AmazonWorkMail|Business Applications|Productivity and Collaboration
AmazonWorkDocs|Business Applications|Productivity and Collaboration
AmazonChime|Business Applications|Productivity and Collaboration
AmazonConnect|Business Applications|Other (Business Applications)
AmazonPinpoint|Business Applications|Other (Business Applications)
AWSSupplyChain|Business Applications|Other (Business Applications)
AmazonSageMaker|AI and Machine Learning|Machine Learning
AmazonBedrock|AI and Machine Learning|Generative AI
AmazonQ|AI and Machine Learning|Generative AI
AmazonCodeWhisperer|AI and Machine Learning|Generative AI
AmazonRekognition|AI and Machine Learning|Machine Learning
AmazonTextract|AI and Machine Learning|Machine Learning
AmazonForecast|AI and Machine Learning|Machine Learning
AmazonPersonalize|AI and Machine Learning|Machine Learning
AmazonFraudDetector|AI and Machine Learning|Machine Learning
AmazonKendra|AI and Machine Learning|Natural Language Processing
AmazonLex|AI and Machine Learning|Bots
AmazonPolly|AI and Machine Learning|Natural Language Processing
comprehend|AI and Machine Learning|Natural Language Processing
transcribe|AI and Machine Learning|Natural Language Processing
translate|AI and Machine Learning|Natural Language Processing
AmazonCloudWatch|Management and Governance|Observability
AWSXRay|Management and Governance|Observability
AmazonGrafana|Management and Governance|Observability
AmazonPrometheus|Management and Governance|Observability
AWSCloudTrail|Management and Governance|Compliance
AWSConfig|Management and Governance|Compliance
AWSCloudFormation|Management and Governance|Architecture
AWSServiceCatalog|Management and Governance|Architecture
AWSSystemsManager|Management and Governance|Endpoint Management
AWSResilienceHub|Management and Governance|Disaster Recovery
AWSBudgets|Management and Governance|Cost Management
AWSCostExplorer|Management and Governance|Cost Management
AWSBillingConductor|Management and Governance|Cost Management
AWSSupportBusiness|Management and Governance|Support
AWSSupportEnterprise|Management and Governance|Support
AWSDeveloperSupport|Management and Governance|Support
OCBPremiumSupport|Management and Governance|Support
AmazonGuardDuty|Security|Threat Detection and Response
AmazonDetective|Security|Threat Detection and Response
AmazonInspector|Security|Security Posture Management
AmazonInspectorV2|Security|Security Posture Management
AWSSecurityHub|Security|Security Posture Management
AmazonMacie|Security|Security Posture Management
awskms|Security|Secret Management
AWSSecretsManager|Security|Secret Management
CloudHSM|Security|Secret Management
AWSCertificateManager|Security|Secret Management
awswaf|Networking|Network Security
AWSShield|Networking|Network Security
AWSFMS|Security|Other (Security)
AmazonCognito|Identity|Identity and Access Management
AmazonCognitoSync|Identity|Identity and Access Management
AWSDirectoryService|Identity|Identity and Access Management
AmazonVerifiedPermissions|Identity|Identity and Access Management
AWSCodeCommit|Developer Tools|Source Code Management
AWSCodeArtifact|Developer Tools|Source Code Management
CodeBuild|Developer Tools|Continuous Integration and Deployment
AWSCodeDeploy|Developer Tools|Continuous Integration and Deployment
AWSCodePipeline|Developer Tools|Continuous Integration and Deployment
CodeCatalyst|Developer Tools|Developer Platforms
AWSAmplify|Web|Application Platforms
AWSAppSync|Developer Tools|Other (Developer Tools)
AWSDeviceFarm|Developer Tools|Quality Assurance
AWSIoT|Internet of Things|IoT Platforms
AWSGreengrass|Internet of Things|IoT Platforms
AWSIoTAnalytics|Internet of Things|IoT Analytics
AWSIoTSiteWise|Internet of Things|IoT Analytics
AWSElementalMediaConvert|Media|Media Streaming
AWSElementalMediaLive|Media|Media Streaming
AWSElementalMediaPackage|Media|Media Streaming
AmazonIVS|Media|Media Streaming
AmazonKinesisVideo|Media|Media Streaming
AmazonGameLift|Media|Gaming
AWSDatabaseMigrationSvc|Migration|Data Migration
AWSDataSync|Migration|Data Migration
AWSTransfer|Migration|Data Migration
AWSApplicationMigrationSvc|Migration|Resource Migration
AWSMarketplace|Other|Other (Other)
"""

SERVICES: dict[str, tuple[str, str]] = {
    code: (category, subcategory)
    for code, category, subcategory in (line.split("|") for line in _TABLE.strip().splitlines())
}
"""Product code -> (ServiceCategory, ServiceSubcategory)."""

DEFAULT_SERVICE = ("Other", "Other (Other)")

REGION_NAMES: dict[str, str] = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "af-south-1": "Africa (Cape Town)",
    "ap-east-1": "Asia Pacific (Hong Kong)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-south-2": "Asia Pacific (Hyderabad)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-southeast-3": "Asia Pacific (Jakarta)",
    "ap-southeast-4": "Asia Pacific (Melbourne)",
    "ca-central-1": "Canada (Central)",
    "ca-west-1": "Canada West (Calgary)",
    "eu-central-1": "Europe (Frankfurt)",
    "eu-central-2": "Europe (Zurich)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-west-3": "Europe (Paris)",
    "eu-north-1": "Europe (Stockholm)",
    "eu-south-1": "Europe (Milan)",
    "eu-south-2": "Europe (Spain)",
    "il-central-1": "Israel (Tel Aviv)",
    "me-central-1": "Middle East (UAE)",
    "me-south-1": "Middle East (Bahrain)",
    "sa-east-1": "South America (Sao Paulo)",
    "us-gov-east-1": "AWS GovCloud (US-East)",
    "us-gov-west-1": "AWS GovCloud (US-West)",
    "global": "Global",
}
"""Region code -> AWS region name (CUR's `product/location` is often empty where the code is set)."""
