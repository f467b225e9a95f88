"""OCI `product/service` names -> FOCUS ServiceCategory and ServiceSubcategory (unknown ones: Other)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

SERVICES: dict[str, tuple[str, str]] = {
    "COMPUTE": ("Compute", "Virtual Machines"),
    "OKE": ("Compute", "Containers"),
    "CONTAINER_ENGINE": ("Compute", "Containers"),
    "CONTAINER_INSTANCES": ("Compute", "Containers"),
    "FUNCTIONS": ("Compute", "Serverless Compute"),
    "BLOCK_STORAGE": ("Storage", "Block Storage"),
    "OBJECTSTORE": ("Storage", "Object Storage"),
    "OBJECT_STORAGE": ("Storage", "Object Storage"),
    "FILE_STORAGE": ("Storage", "File Storage"),
    "ARCHIVE_STORAGE": ("Storage", "Backup Storage"),
    "NETWORK": ("Networking", "Network Connectivity"),
    "VCN": ("Networking", "Network Infrastructure"),
    "LOAD_BALANCER": ("Networking", "Application Networking"),
    "LBAAS": ("Networking", "Application Networking"),
    "NETWORK_LOAD_BALANCER": ("Networking", "Application Networking"),
    "DNS": ("Networking", "Network Routing"),
    "FASTCONNECT": ("Networking", "Network Connectivity"),
    "WAF": ("Networking", "Network Security"),
    "DATABASE": ("Databases", "Relational Databases"),
    "AUTONOMOUS_DATABASE": ("Databases", "Relational Databases"),
    "MYSQL": ("Databases", "Relational Databases"),
    "POSTGRESQL": ("Databases", "Relational Databases"),
    "NOSQL": ("Databases", "NoSQL Databases"),
    "TELEMETRY": ("Management and Governance", "Observability"),
    "MONITORING": ("Management and Governance", "Observability"),
    "LOGGING": ("Management and Governance", "Observability"),
    "LOGGING_ANALYTICS": ("Management and Governance", "Observability"),
    "APM": ("Management and Governance", "Observability"),
    "NOTIFICATIONS": ("Integration", "Messaging"),
    "EMAIL_DELIVERY": ("Integration", "Messaging"),
    "ORACLE_STREAMING_SERVICE": ("Analytics", "Streaming Analytics"),
    "STREAMING": ("Analytics", "Streaming Analytics"),
    "QUEUE": ("Integration", "Messaging"),
    "API_GATEWAY": ("Integration", "API Management"),
    "INTEGRATION": ("Integration", "Other (Integration)"),
    "DATA_INTEGRATION": ("Analytics", "Data Processing"),
    "DATAFLOW": ("Analytics", "Data Processing"),
    "DATA_FLOW": ("Analytics", "Data Processing"),
    "ANALYTICS": ("Analytics", "Business Intelligence"),
    "DATA_SCIENCE": ("AI and Machine Learning", "Machine Learning"),
    "GENERATIVE_AI": ("AI and Machine Learning", "Generative AI"),
    "KEY_MANAGEMENT": ("Security", "Secret Management"),
    "VAULT": ("Security", "Secret Management"),
    "CLOUD_GUARD": ("Security", "Security Posture Management"),
    "BASTION": ("Security", "Network Security"),
    "IDENTITY": ("Identity", "Identity and Access Management"),
    "DEVOPS": ("Developer Tools", "Continuous Integration and Deployment"),
}
"""The services of OCI's cost reports most tenancies see; extend as new ones appear."""


def service_categories(service: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """(ServiceCategory, ServiceSubcategory) per `product/service` value."""
    names = pa.array(list(SERVICES))
    index = pc.index_in(pc.utf8_upper(service), names)
    category = pc.take(pa.array([c for c, _ in SERVICES.values()]), index)
    subcategory = pc.take(pa.array([s for _, s in SERVICES.values()]), index)
    return pc.fill_null(category, "Other"), pc.fill_null(subcategory, "Other (Other)")
