"""Resource inventories: the real seed files (ids, tags, cost totals) and hand-made files for every error."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.inventory import read_inventory
from cloudledger.errors import InputError

COMPUTE = "seeds/aws_resources_compute.csv"
S3 = "seeds/aws_resources_S3.csv"


def _dict_rows(path: Path) -> list[dict[str, str]]:
    """The non-blank data rows, each with its 1-based data row number under '#'."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [{**r, "#": str(n)} for n, r in enumerate(csv.DictReader(handle), start=1)]
    return [r for r in rows if any(v.strip() for k, v in r.items() if k != "#")]


def _fact_sum(samples_dir: Path, name: str) -> Decimal:
    facts = json.loads((samples_dir / "facts.json").read_text())
    return Decimal(facts[name]["facts"]["costs"]["CostUSD"]["sum"])


def _write(tmp_path: Path, text: str, name: str = "inventory.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "id_column", "resources", "blank"), [(COMPUTE, "ResourceId", 120, 80), (S3, "BucketName", 80, 0)]
)
def test_seed_inventories(samples_dir: Path, name: str, id_column: str, resources: int, blank: int) -> None:
    path = samples_dir / name
    expected = _dict_rows(path)
    assert len(expected) == resources
    inventory = read_inventory(path)
    assert (inventory.id_column, inventory.tags_column, inventory.cost_column) == (id_column, "Tags", "CostUSD")
    assert len(inventory.resources) == len(expected)
    assert inventory.skipped_empty_rows == blank
    assert sum(r.cost or Decimal(0) for r in inventory.resources) == _fact_sum(samples_dir, name)
    assert sum(Decimal(r["CostUSD"]) for r in expected) == _fact_sum(samples_dir, name)
    for resource, row in zip(inventory.resources, expected, strict=True):
        assert resource.resource_id == row[id_column]
        assert resource.row == int(row["#"])
        assert resource.cost == Decimal(row["CostUSD"])
        assert resource.tags == dict(re.findall(r"([^,=]+)=([^,]*)", row["Tags"]))
        assert resource.attributes["Region"] == row["Region"]
        assert set(resource.attributes) == set(row) - {id_column, "Tags", "CostUSD", "#"}


def test_compute_tag_keys(samples_dir: Path) -> None:
    inventory = read_inventory(samples_dir / COMPUTE)
    assert {tuple(r.tags) for r in inventory.resources} == {("Owner", "Environment")}
    assert inventory.resources[0].attributes["State"] == "running"


def test_separators_json_and_empty_values(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Name,Labels,Monthly Cost\n"
        'a,"Owner=Alice, Team = payments ,Empty=",1.50\n'
        'b,"Note=x,y;Owner=Bob",\n'
        'c,"{""Owner"": ""Carol"", ""CostCenter"": 1234, ""Gone"": null}",2\n'
        'd,"""env"": ""prod"",""team"": ""data""",0\n'
        "e,,3\n"
        ",,\n",
    )
    inventory = read_inventory(path)
    assert (inventory.id_column, inventory.tags_column, inventory.cost_column) == ("Name", "Labels", "Monthly Cost")
    tags = {r.resource_id: r.tags for r in inventory.resources}
    assert tags == {
        "a": {"Owner": "Alice", "Team": "payments", "Empty": ""},
        "b": {"Note": "x,y", "Owner": "Bob"},
        "c": {"Owner": "Carol", "CostCenter": "1234", "Gone": ""},
        "d": {"env": "prod", "team": "data"},
        "e": {},
    }
    assert [r.cost for r in inventory.resources] == [Decimal("1.50"), None, Decimal(2), Decimal(0), Decimal(3)]
    assert inventory.skipped_empty_rows == 1


def test_explicit_columns_and_first_column_as_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "host,owner_tags,price,zone\nh1,Owner=A,5,z1\nh2,Owner=B,6,z2\n")
    inventory = read_inventory(path, tags_column="OWNER_TAGS", cost_column="price")
    assert inventory.id_column == "host" and inventory.cost_column == "price"
    assert [(r.resource_id, r.cost, r.attributes) for r in inventory.resources] == [
        ("h1", Decimal(5), {"zone": "z1"}),
        ("h2", Decimal(6), {"zone": "z2"}),
    ]
    assert read_inventory(path, id_column="zone", tags_column="owner_tags").resources[1].resource_id == "z2"
    assert read_inventory(path, tags_column="owner_tags").cost_column is None


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("Id,Region\ni-1,us\n", None, None, ["looked for tags, labels", "'Id', 'Region'"]),
        ('Id,Tags\ni-1,Owner=A\ni-2,"Owner=B,Dev"\n', 2, "Tags", ["'Dev'", "no '='"]),
        ('Id,Tags\ni-1,"Owner=A,=x"\n', 1, "Tags", ["no key"]),
        ('Id,Tags\ni-1,"Owner=A, Owner =B"\n', 1, "Tags", ["'Owner' appears twice"]),
        ('Id,Tags\ni-1,"{""a"": 1, ""a"": 2}"\n', 1, "Tags", ["'a' appears twice"]),
        ('Id,Tags\ni-1,"{""a"": {""b"": 1}}"\n', 1, "Tags", ["nested"]),
        ('Id,Tags\ni-1,"{""a"": "\n', 1, "Tags", ["not a valid JSON object"]),
        ("Id,Tags\ni-1,Owner=A\n,,\ni-2,Owner=B\ni-1,Owner=C\n", 4, "Id", ["'i-1'", "rows 1 and 4"]),
        ("Id,Tags,CostUSD\ni-1,Owner=A,1.5\ni-2,Owner=B,$3\n", 2, "CostUSD", ["'$3'", "no currency symbols"]),
        ('Id,Tags,CostUSD\ni-1,Owner=A,"1,200"\n', 1, "CostUSD", ["'1,200'"]),
        ("Id,Tags\n,Owner=A\n", 1, "Id", ["resource id is empty"]),
        ("Id,Tags\ni-1,Owner=A,extra\n", 1, None, ["3 fields", "header has 2"]),
    ],
)
def test_errors(tmp_path: Path, text: str, row: int | None, column: str | None, words: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_inventory(path)
    error = caught.value
    assert (error.file, error.row, error.column) == (str(path), row, column)
    for word in words:
        assert word in error.message


def test_named_column_missing_and_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "Id,Tags\ni-1,Owner=A\n")
    with pytest.raises(InputError, match="no cost column named 'Price'; the header has 'Id', 'Tags'"):
        read_inventory(path, cost_column="Price")
    with pytest.raises(InputError, match="no header"):
        read_inventory(_write(tmp_path, "", "empty.csv"))
    with pytest.raises(InputError, match="cannot read"):
        read_inventory(tmp_path / "missing.csv")
