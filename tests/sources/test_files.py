"""Billing files at the byte level: only the header line is decoded as the header, `.json` files that are
JSON lines are read as such, and rows Arrow rejects in JSON lines are named."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources.files import (
    BillingFile,
    expand_paths,
    file_kind,
    iter_csv_as_text,
    read_csv_as_text,
    read_header,
    read_jsonl,
)
from focus_rows import focus_row, write_focus_csv
from gcp_export import gcp_row, write_export

HEADER = b"Name,Cost,Note\n"


def _csv(path: Path, body: bytes, gz: bool = False) -> BillingFile:
    data = HEADER + body
    path.write_bytes(gzip.compress(data) if gz else data)
    return BillingFile(path, "csv.gz" if gz else "csv")


@pytest.mark.parametrize("gz", [False, True])
def test_header_is_decoded_alone_and_bad_bytes_name_row_and_column(tmp_path: Path, gz: bool) -> None:
    file = _csv(tmp_path / ("x.csv.gz" if gz else "x.csv"), b"a,1,ok\nb,2,caf\xe9\nc,3,ok\n", gz)
    assert read_header(file) == ["Name", "Cost", "Note"]
    for read in (lambda: read_csv_as_text(file, file.header), lambda: list(iter_csv_as_text(file, file.header))):
        with pytest.raises(InputError) as caught:
            read()
        assert "is not UTF-8 text" in str(caught.value)
        assert (caught.value.row, caught.value.column) == (2, "Note")


def test_a_header_that_is_not_utf8_is_a_header_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"Nam\xe9,Cost\na,1\n")
    with pytest.raises(InputError, match="cannot read the file's header"):
        read_header(BillingFile(path, "csv"))


def test_a_quoted_header_name_may_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'"Na\nme",Cost\na,1\n')
    assert read_header(BillingFile(path, "csv")) == ["Na\nme", "Cost"]


def test_bad_bytes_in_a_focus_file_are_rejected_with_their_row(tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "focus.csv", [focus_row(), focus_row(), focus_row()])
    data = path.read_bytes().splitlines(keepends=True)
    data[2] = data[2].replace(b"USD", b"US\xc4", 1)
    path.write_bytes(b"".join(data))
    with pytest.raises(InputError) as caught:
        ingest(Home(tmp_path / "home").ensure(), [path])
    assert caught.value.row == 2 and caught.value.column == "BillingCurrency", str(caught.value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"a": 1}\n{"a": 2}\n', "jsonl"),
        ('\n{"a": 1}\n\n{"a": 2}', "jsonl"),
        ('{"a": 1}\n', "json"),
        ('{"code": 200, "data": [{"x": {"a": 1}}]}\n\n', "json"),
        ('{\n  "code": 200,\n  "data": []\n}\n', "json"),
        ('[{"a": 1},\n{"a": 2}]\n', "json"),
        ("[1]\n[2]\n", "json"),
    ],
)
def test_json_lines_named_json_are_sniffed(tmp_path: Path, text: str, kind: str) -> None:
    assert file_kind(_write(tmp_path / "x.json", text)) == kind


def test_a_json_name_without_a_file_is_a_document() -> None:
    assert file_kind(Path("bucket/key/export.json")) == "json"


def test_a_bigquery_extract_named_json_is_ingested(tmp_path: Path) -> None:
    rows = [gcp_row(), gcp_row(cost=2.5)]
    jsonl = write_export(tmp_path / "a" / "export.jsonl", rows, shape="jsonl")
    named_json = tmp_path / "b" / "export.json"
    named_json.parent.mkdir()
    named_json.write_bytes(jsonl.read_bytes())
    (file,) = expand_paths([tmp_path / "b"])
    assert file.kind == "jsonl"
    first = ingest(Home(tmp_path / "h1").ensure(), [jsonl])
    second = ingest(Home(tmp_path / "h2").ensure(), [named_json])
    assert [s.billed_cost for s in second.slices] == [s.billed_cost for s in first.slices]
    assert second.rows == first.rows == 2


def _jsonl(tmp_path: Path, lines: list[str]) -> BillingFile:
    return BillingFile(_write(tmp_path / "x.jsonl", "".join(line + "\n" for line in lines)), "jsonl")


def test_a_jsonl_line_that_is_not_json_names_its_row(tmp_path: Path) -> None:
    file = _jsonl(tmp_path, ['{"a": 1}', "", '{"a": 2}', '{"a": 3,}', '{"a": 4}'])
    with pytest.raises(InputError) as caught:
        read_jsonl(file)
    assert caught.value.row == 3, str(caught.value)


def test_a_jsonl_type_change_names_the_row_arrow_reports(tmp_path: Path) -> None:
    file = _jsonl(tmp_path, [json.dumps({"a": 1}), json.dumps({"a": 2}), json.dumps({"a": "x"})])
    with pytest.raises(InputError) as caught:
        read_jsonl(file)
    assert caught.value.row == 3, str(caught.value)
