"""Reference data for Google Cloud: service -> FOCUS ServiceCategory, region id -> region name.

The export names a service only by its description (`service.description`) and a region only by its id
(`location.region`); FOCUS needs a ServiceCategory from its closed list and a RegionName. Services not
listed here are `Other`; regions not listed keep their id as their name.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

SERVICE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "AI and Machine Learning": (
        "Vertex AI", "Cloud AutoML", "Cloud Natural Language", "Cloud Vision API", "Cloud Speech API",
        "Cloud Text-to-Speech API", "Cloud Translation", "Translate", "Dialogflow", "Cloud Dialogflow API",
        "Document AI", "Cloud Document AI API", "Gemini API", "Generative Language API", "Cloud TPU",
        "Contact Center AI Insights", "Recommendations AI", "Video Intelligence API", "Notebooks",
    ),
    "Analytics": (
        "BigQuery", "BigQuery Storage API", "BigQuery Reservation API", "BigQuery BI Engine",
        "BigQuery Data Transfer Service", "Cloud Dataflow", "Dataflow", "Cloud Dataproc", "Dataproc",
        "Cloud Composer", "Cloud Data Fusion", "Data Catalog", "Dataplex", "Looker", "Looker Studio",
        "Cloud Pub/Sub", "Pub/Sub", "Dataproc Metastore",
    ),
    "Compute": (
        "Compute Engine", "App Engine", "Cloud Run", "Cloud Functions", "Cloud Run functions",
        "Kubernetes Engine", "Google Kubernetes Engine", "Anthos", "GKE Enterprise", "Batch",
        "VMware Engine", "Google Cloud VMware Engine", "Bare Metal Solution",
    ),
    "Databases": (
        "Cloud SQL", "Cloud Spanner", "Spanner", "Cloud Bigtable", "Bigtable", "Cloud Firestore",
        "Firestore", "Cloud Datastore", "Datastore", "Cloud Memorystore for Redis", "Memorystore for Redis",
        "Memorystore", "AlloyDB for PostgreSQL", "AlloyDB", "Firebase Realtime Database", "Datastream",
        "Database Migration Service",
    ),
    "Developer Tools": (
        "Cloud Build", "Cloud Source Repositories", "Cloud Scheduler", "Cloud Tasks", "Cloud Deploy",
        "Artifact Registry", "Container Registry", "Cloud Workstations", "Workflows",
    ),
    "Identity": ("Identity Platform", "Cloud Identity", "Managed Service for Microsoft Active Directory"),
    "Integration": (
        "Apigee", "API Gateway", "Cloud Endpoints", "Eventarc", "Application Integration",
        "Maps API", "Places API", "Directions API", "Geocoding API", "Maps Static API", "Routes API",
    ),
    "Internet of Things": ("Cloud IoT Core",),
    "Management and Governance": (
        "Cloud Logging", "Stackdriver Logging", "Cloud Monitoring", "Stackdriver Monitoring",
        "Cloud Trace", "Stackdriver Trace", "Cloud Profiler", "Cloud Debugger", "Support",
        "Cloud Asset Inventory", "Recommender", "Invoice", "Cloud Billing",
    ),
    "Media": ("Transcoder API", "Live Stream API", "Video Stitcher API"),
    "Migration": ("Migrate to Virtual Machines", "Storage Transfer Service", "Transfer Appliance"),
    "Mobile": ("Firebase", "Firebase Hosting", "Firebase Test Lab", "Firebase App Distribution"),
    "Networking": (
        "Networking", "Cloud DNS", "Cloud CDN", "Cloud Load Balancing", "Cloud NAT", "Cloud VPN",
        "Cloud Interconnect", "Cloud Armor", "Network Intelligence Center", "Cloud Domains", "Network Connectivity",
    ),
    "Security": (
        "Security Command Center", "Cloud Key Management Service (KMS)", "Secret Manager",
        "Cloud Data Loss Prevention", "Sensitive Data Protection", "Binary Authorization", "Cloud IDS",
        "BeyondCorp Enterprise", "Chrome Enterprise Premium", "Certificate Authority Service",
        "reCAPTCHA Enterprise", "Web Security Scanner", "Firebase Auth",
    ),
    "Storage": (
        "Cloud Storage", "Filestore", "Cloud Filestore", "Persistent Disk", "Backup and DR Service",
        "Backup for GKE", "NetApp Volumes",
    ),
}  # fmt: skip
"""FOCUS ServiceCategory -> `service.description` values (Google's service names, old names included)."""

REGION_NAMES: dict[str, str] = {
    "africa-south1": "Johannesburg", "asia-east1": "Taiwan", "asia-east2": "Hong Kong",
    "asia-northeast1": "Tokyo", "asia-northeast2": "Osaka", "asia-northeast3": "Seoul",
    "asia-south1": "Mumbai", "asia-south2": "Delhi", "asia-southeast1": "Singapore",
    "asia-southeast2": "Jakarta", "australia-southeast1": "Sydney", "australia-southeast2": "Melbourne",
    "europe-central2": "Warsaw", "europe-north1": "Finland", "europe-north2": "Stockholm",
    "europe-southwest1": "Madrid", "europe-west1": "Belgium", "europe-west2": "London",
    "europe-west3": "Frankfurt", "europe-west4": "Netherlands", "europe-west6": "Zurich",
    "europe-west8": "Milan", "europe-west9": "Paris", "europe-west10": "Berlin", "europe-west12": "Turin",
    "me-central1": "Doha", "me-central2": "Dammam", "me-west1": "Tel Aviv",
    "northamerica-northeast1": "Montréal", "northamerica-northeast2": "Toronto",
    "northamerica-south1": "Queretaro", "southamerica-east1": "São Paulo", "southamerica-west1": "Santiago",
    "us-central1": "Iowa", "us-east1": "South Carolina", "us-east4": "Northern Virginia",
    "us-east5": "Columbus", "us-south1": "Dallas", "us-west1": "Oregon", "us-west2": "Los Angeles",
    "us-west3": "Salt Lake City", "us-west4": "Las Vegas",
}  # fmt: skip
"""Google Cloud region ids and the location names Google gives them."""

_BY_SERVICE = {service: category for category, services in SERVICE_CATEGORIES.items() for service in services}


def service_category(services: pa.ChunkedArray) -> pa.ChunkedArray:
    """FOCUS ServiceCategory of each `service.description` (`Other` when unknown or empty)."""
    return _lookup(services, _BY_SERVICE, default="Other")


def region_name(regions: pa.ChunkedArray) -> pa.ChunkedArray:
    """RegionName of each region id: Google's location name, else the id itself (null stays null)."""
    named = _lookup(regions, REGION_NAMES, default=None)
    return pc.coalesce(named, regions)


def _lookup(values: pa.ChunkedArray, table: dict[str, str], *, default: str | None) -> pa.ChunkedArray:
    keys = pa.array(list(table), pa.string())
    found = pc.index_in(values, value_set=keys)
    mapped = pa.array(list(table.values()), pa.string()).take(found)
    if default is None:
        return pa.chunked_array([mapped]) if isinstance(mapped, pa.Array) else mapped
    return pc.fill_null(mapped, default)
