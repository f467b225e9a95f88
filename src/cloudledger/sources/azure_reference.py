"""Lookups from the FinOps toolkit's open data (vendored in `data/azure`, MIT licence, see its README).

Each lookup runs once per distinct value of a column (`map_unique`), so a million rows with a few
thousand resources cost a few thousand Python calls.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import NamedTuple, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T")


class Service(NamedTuple):
    name: str
    category: str
    subcategory: str | None


class Region(NamedTuple):
    id: str
    name: str


class Unit(NamedTuple):
    block_size: int
    distinct: str


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("cloudledger.sources").joinpath("data", "azure", name).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


@cache
def _services() -> tuple[dict[tuple[str, str], Service], dict[str, Service], dict[str, Service]]:
    exact: dict[tuple[str, str], Service] = {}
    by_type: dict[str, Service] = {}
    per_consumed: dict[str, Counter[Service]] = {}
    for row in _rows("Services.csv"):
        service = Service(row["ServiceName"], row["ServiceCategory"], row["ServiceSubcategory"] or None)
        consumed, rtype = row["ConsumedService"].lower(), row["ResourceType"].lower()
        exact.setdefault((consumed, rtype), service)
        if rtype:
            by_type.setdefault(rtype, service)
        if consumed:
            per_consumed.setdefault(consumed, Counter())[service] += 1
    # A ConsumedService alone names the service most of its resource types belong to (Microsoft.Security:
    # Defender for Cloud), not whichever row the table lists first.
    by_consumed = {consumed: counts.most_common(1)[0][0] for consumed, counts in per_consumed.items()}
    return exact, by_type, by_consumed


def service(consumed: str | None, resource_type: str | None) -> Service | None:
    """The FOCUS service of a (ConsumedService, resource type): exact pair, else by type, else by service."""
    exact, by_type, by_consumed = _services()
    consumed, resource_type = (consumed or "").lower(), (resource_type or "").lower()
    return exact.get((consumed, resource_type)) or by_type.get(resource_type) or by_consumed.get(consumed)


@cache
def _services_by_name() -> dict[str, Service]:
    return {s.name.lower(): s for s in _services()[0].values()}


def service_named(name: str | None) -> Service | None:
    """The service whose FOCUS ServiceName is `name` (e.g. a MeterCategory such as `Virtual Machines`)."""
    return _services_by_name().get((name or "").lower()) if name else None


@cache
def _regions() -> dict[str, Region]:
    return {row["OriginalValue"].lower(): Region(row["RegionId"], row["RegionName"]) for row in _rows("Regions.csv")}


def region(location: str | None) -> Region | None:
    """RegionId/RegionName of a ResourceLocation in any spelling (`EastUS`, `US East`, `eastus`)."""
    if not location or not location.strip():
        return None
    found = _regions().get(location.strip().lower())
    if found is not None:
        return found
    return Region(location.strip().lower().replace(" ", ""), location.strip())


@cache
def _units() -> dict[str, Unit]:
    return {
        row["UnitOfMeasure"]: Unit(int(row["PricingBlockSize"]), row["DistinctUnits"])
        for row in _rows("PricingUnits.csv")
    }


def unit(unit_of_measure: str | None) -> Unit | None:
    """Pricing block size and FOCUS unit of an Azure UnitOfMeasure (`10K` -> 10000 Units)."""
    if unit_of_measure is None or not unit_of_measure.strip():
        return None
    units = _units()
    return units.get(unit_of_measure) or units.get(unit_of_measure.strip()) or Unit(1, unit_of_measure.strip())


@cache
def _resource_type_names() -> dict[str, str]:
    return {row["ResourceType"].lower(): row["SingularDisplayName"] for row in _rows("ResourceTypes.csv")}


def resource_type(resource_id: str | None) -> str | None:
    """The ARM type of a resource id: `.../providers/Microsoft.Sql/servers/a/databases/b` ->
    `microsoft.sql/servers/databases`."""
    if not resource_id:
        return None
    lowered = resource_id.lower()
    at = lowered.rfind("/providers/")
    if at < 0:
        return "microsoft.resources/resourcegroups" if "/resourcegroups/" in lowered else None
    parts = [p for p in lowered[at + len("/providers/") :].split("/") if p]
    if len(parts) < 2:
        return None
    return "/".join([parts[0], *parts[1::2]])


def resource_type_name(arm_type: str | None) -> str | None:
    """A resource type's display name (`Virtual machine`), or the ARM type when unknown."""
    if not arm_type:
        return None
    return _resource_type_names().get(arm_type, arm_type)


def map_unique(values: pa.ChunkedArray | pa.Array, func: Callable[[str | None], T], type: pa.DataType) -> pa.Array:
    """`func` applied once per distinct value of a text column, spread back over every row."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    encoded = pc.dictionary_encode(values.cast(pa.string()))
    mapped = pa.array([func(v) for v in encoded.dictionary.to_pylist()], type)
    return mapped.take(encoded.indices)
