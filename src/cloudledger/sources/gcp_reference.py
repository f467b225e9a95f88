"""Reference data for Google Cloud: region id -> region name (services: `gcp_services`).

The export names a region only by its id (`location.region`); FOCUS needs a RegionName. Regions not
listed here keep their id as their name.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

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
