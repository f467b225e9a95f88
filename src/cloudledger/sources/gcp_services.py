"""Google Cloud services (`service.description`) to FOCUS 1.2 ServiceCategory and ServiceSubcategory.

Data, not logic: one line per service name as the export writes it (old names included), each with a
category and a subcategory from FOCUS's closed lists. A service with no closer subcategory is
"Other (<category>)"; a service missing here is "Other" / "Other (Other)".
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

_TABLE = """
Vertex AI|AI and Machine Learning|AI Platforms
Notebooks|AI and Machine Learning|AI Platforms
Cloud AutoML|AI and Machine Learning|Machine Learning
Cloud Vision API|AI and Machine Learning|Machine Learning
Document AI|AI and Machine Learning|Machine Learning
Cloud Document AI API|AI and Machine Learning|Machine Learning
Cloud TPU|AI and Machine Learning|Machine Learning
Recommendations AI|AI and Machine Learning|Machine Learning
Video Intelligence API|AI and Machine Learning|Machine Learning
Cloud Natural Language|AI and Machine Learning|Natural Language Processing
Cloud Speech API|AI and Machine Learning|Natural Language Processing
Cloud Text-to-Speech API|AI and Machine Learning|Natural Language Processing
Cloud Translation|AI and Machine Learning|Natural Language Processing
Translate|AI and Machine Learning|Natural Language Processing
Contact Center AI Insights|AI and Machine Learning|Natural Language Processing
Dialogflow|AI and Machine Learning|Bots
Cloud Dialogflow API|AI and Machine Learning|Bots
Gemini API|AI and Machine Learning|Generative AI
Generative Language API|AI and Machine Learning|Generative AI
BigQuery|Databases|Data Warehouses
BigQuery Storage API|Databases|Data Warehouses
BigQuery Reservation API|Databases|Data Warehouses
BigQuery BI Engine|Analytics|Business Intelligence
Looker|Analytics|Business Intelligence
Looker Studio|Analytics|Business Intelligence
Cloud Dataflow|Analytics|Data Processing
Dataflow|Analytics|Data Processing
Cloud Dataproc|Analytics|Data Processing
Dataproc|Analytics|Data Processing
Dataproc Metastore|Analytics|Data Processing
Cloud Data Fusion|Analytics|Data Processing
BigQuery Data Transfer Service|Migration|Data Migration
Cloud Composer|Integration|Workflow Orchestration
Workflows|Integration|Workflow Orchestration
Application Integration|Integration|Workflow Orchestration
Cloud Pub/Sub|Integration|Messaging
Pub/Sub|Integration|Messaging
Eventarc|Integration|Messaging
Apigee|Integration|API Management
API Gateway|Integration|API Management
Cloud Endpoints|Integration|API Management
Maps API|Integration|Other (Integration)
Places API|Integration|Other (Integration)
Directions API|Integration|Other (Integration)
Geocoding API|Integration|Other (Integration)
Maps Static API|Integration|Other (Integration)
Routes API|Integration|Other (Integration)
Compute Engine|Compute|Virtual Machines
VMware Engine|Compute|Virtual Machines
Google Cloud VMware Engine|Compute|Virtual Machines
Bare Metal Solution|Compute|Virtual Machines
Cloud Run|Compute|Serverless Compute
Cloud Functions|Compute|Serverless Compute
Cloud Run functions|Compute|Serverless Compute
Kubernetes Engine|Compute|Containers
Google Kubernetes Engine|Compute|Containers
Anthos|Compute|Containers
GKE Enterprise|Compute|Containers
Batch|Compute|Other (Compute)
App Engine|Web|Application Platforms
Cloud SQL|Databases|Relational Databases
Cloud Spanner|Databases|Relational Databases
Spanner|Databases|Relational Databases
AlloyDB for PostgreSQL|Databases|Relational Databases
AlloyDB|Databases|Relational Databases
Cloud Bigtable|Databases|NoSQL Databases
Bigtable|Databases|NoSQL Databases
Cloud Firestore|Databases|NoSQL Databases
Firestore|Databases|NoSQL Databases
Cloud Datastore|Databases|NoSQL Databases
Datastore|Databases|NoSQL Databases
Firebase Realtime Database|Databases|NoSQL Databases
Cloud Memorystore for Redis|Databases|Caching
Memorystore for Redis|Databases|Caching
Memorystore|Databases|Caching
Datastream|Databases|Other (Databases)
Database Migration Service|Migration|Data Migration
Cloud Build|Developer Tools|Continuous Integration and Deployment
Cloud Deploy|Developer Tools|Continuous Integration and Deployment
Cloud Source Repositories|Developer Tools|Source Code Management
Cloud Workstations|Developer Tools|Development Environments
Artifact Registry|Developer Tools|Other (Developer Tools)
Container Registry|Developer Tools|Other (Developer Tools)
Cloud Scheduler|Developer Tools|Other (Developer Tools)
Cloud Tasks|Developer Tools|Other (Developer Tools)
Identity Platform|Identity|Identity and Access Management
Cloud Identity|Identity|Identity and Access Management
Managed Service for Microsoft Active Directory|Identity|Identity and Access Management
Firebase Auth|Identity|Identity and Access Management
Cloud IoT Core|Internet of Things|IoT Platforms
Cloud Logging|Management and Governance|Observability
Stackdriver Logging|Management and Governance|Observability
Cloud Monitoring|Management and Governance|Observability
Stackdriver Monitoring|Management and Governance|Observability
Cloud Trace|Management and Governance|Observability
Stackdriver Trace|Management and Governance|Observability
Cloud Profiler|Management and Governance|Observability
Cloud Debugger|Management and Governance|Observability
Support|Management and Governance|Support
Invoice|Management and Governance|Cost Management
Cloud Billing|Management and Governance|Cost Management
Data Catalog|Management and Governance|Data Governance
Dataplex|Management and Governance|Data Governance
Cloud Asset Inventory|Management and Governance|Other (Management and Governance)
Recommender|Management and Governance|Other (Management and Governance)
Transcoder API|Media|Media Streaming
Live Stream API|Media|Media Streaming
Video Stitcher API|Media|Media Streaming
Migrate to Virtual Machines|Migration|Resource Migration
Storage Transfer Service|Migration|Data Migration
Transfer Appliance|Migration|Data Migration
Firebase|Mobile|Other (Mobile)
Firebase Hosting|Mobile|Other (Mobile)
Firebase Test Lab|Mobile|Other (Mobile)
Firebase App Distribution|Mobile|Other (Mobile)
Networking|Networking|Network Connectivity
Cloud VPN|Networking|Network Connectivity
Cloud Interconnect|Networking|Network Connectivity
Network Connectivity|Networking|Network Connectivity
Cloud DNS|Networking|Network Routing
Cloud Domains|Networking|Network Routing
Cloud CDN|Networking|Content Delivery
Cloud Load Balancing|Networking|Application Networking
Cloud NAT|Networking|Network Infrastructure
Cloud Armor|Networking|Network Security
Network Intelligence Center|Networking|Other (Networking)
Security Command Center|Security|Security Posture Management
Binary Authorization|Security|Security Posture Management
Web Security Scanner|Security|Security Posture Management
Cloud Key Management Service (KMS)|Security|Secret Management
Secret Manager|Security|Secret Management
Certificate Authority Service|Security|Secret Management
Cloud IDS|Security|Threat Detection and Response
reCAPTCHA Enterprise|Security|Threat Detection and Response
Cloud Data Loss Prevention|Security|Other (Security)
Sensitive Data Protection|Security|Other (Security)
BeyondCorp Enterprise|Security|Other (Security)
Chrome Enterprise Premium|Security|Other (Security)
Cloud Storage|Storage|Object Storage
Persistent Disk|Storage|Block Storage
Filestore|Storage|File Storage
Cloud Filestore|Storage|File Storage
NetApp Volumes|Storage|File Storage
Backup and DR Service|Storage|Backup Storage
Backup for GKE|Storage|Backup Storage
"""

SERVICES: dict[str, tuple[str, str]] = {
    name: (category, subcategory)
    for name, category, subcategory in (line.split("|") for line in _TABLE.strip().splitlines())
}
"""`service.description` -> (ServiceCategory, ServiceSubcategory)."""

DEFAULT_SERVICE = ("Other", "Other (Other)")


def service_categories(services: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """(ServiceCategory, ServiceSubcategory) of each `service.description` (Other when unknown or empty)."""
    found = pc.index_in(services, value_set=pa.array(list(SERVICES), pa.string()))
    columns = []
    for position, default in enumerate(DEFAULT_SERVICE):
        values = pa.array([pair[position] for pair in SERVICES.values()], pa.string())
        taken = pc.fill_null(pc.take(values, found), default)
        columns.append(taken if isinstance(taken, pa.ChunkedArray) else pa.chunked_array([taken]))
    return columns[0], columns[1]
