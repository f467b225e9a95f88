"""Every registered source recognises its own files and no other sample; each has a docs page."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudledger.errors import UnknownFormatError
from cloudledger.sources import REGISTRY, detect_source, load_builtin_sources
from cloudledger.sources.files import BillingFile, expand_paths, file_kind

REPO = Path(__file__).resolve().parents[2]
KINDS = ("aws-cur-legacy", "azure-ea", "azure-mca", "focus-other", "gcp-billing", "oci-cost", "opencost", "seeds")
OWN_SAMPLES: dict[str, list[str]] = {
    "focus": ["focus-other/focus_sample.csv"],
    "aws-cur": [
        "aws-cur-legacy/sample-anonymous-aws-export-dataset.csv",
        "aws-cur-legacy/Oct2018-WorkshopCUR-00001.snappy.parquet",
        "aws-cur-legacy/Dec2018-WorkshopCUR-00001.snappy.parquet",
    ],
    "aws-cur2": [],
    "azure-cost": [
        "azure-ea/EA_AmortizedCost_Small.csv",
        "azure-ea/sample-anonymous-ea-export-dataset.csv",
        "azure-mca/camel_azure_version_2.csv",
    ],
    "gcp-billing": ["gcp-billing/evidence-2019-06-03.csv"],
    "oci-cost": ["oci-cost/reports_cost-csv_0000000030000269.csv"],
    "opencost": ["opencost/allocation-example-output.json", "opencost/export-sample.csv"],
    "saas": [],
}
"""Each built-in source and the samples it must recognise (every other sample must be refused)."""


def _sample_files(samples_dir: Path) -> list[BillingFile]:
    files = [f for kind in KINDS for f in expand_paths([samples_dir / kind])]
    json_files = sorted((samples_dir / "opencost").glob("*.json"))
    files += [BillingFile(p.resolve(), kind) for p in json_files if (kind := file_kind(p)) is not None]
    return list(dict.fromkeys(files))


def test_every_source_has_samples_and_a_docs_page() -> None:
    load_builtin_sources()
    assert set(REGISTRY) == set(OWN_SAMPLES)
    for name in REGISTRY:
        assert (REPO / "docs" / "sources" / f"{name}.md").is_file()


def test_sources_recognise_exactly_their_own_samples(samples_dir: Path) -> None:
    load_builtin_sources()
    own = {sample: name for name, samples in OWN_SAMPLES.items() for sample in samples}
    billing = _sample_files(samples_dir)
    assert len(billing) >= 14
    for file in billing:
        relative = file.path.relative_to(samples_dir.resolve()).as_posix()
        if relative in own:
            assert detect_source(file).name == own[relative], relative
        else:
            with pytest.raises(UnknownFormatError, match="no known source recognises"):
                detect_source(file)
