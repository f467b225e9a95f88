"""AI/ML infrastructure: which usage rows are GPU training, GPU inference, managed ML or data and analytics.

The rules read FOCUS columns that every source fills (ChargeDescription, ServiceName, ServiceCategory,
ServiceSubcategory) and, where a source has them, the columns that name an instance type or SKU (SkuMeter,
SkuPriceDetails, ResourceType, and the provider columns x_UsageType, x_SkuDescription, x_SkuMeterSubcategory,
x_MeterSubCategory, x_MeterName). Those texts are joined, lower-cased, into one *signature* per row.

`RULES` is one ordered table; the first rule that matches a row gives its workload:

1. GPU and accelerator capacity, by accelerator model (T4, L4, L40S, A10/A10G, Tesla P4, Inferentia → inference;
   A100, H100, H200, B200, V100, P100, MI300, Gaudi, TPU, Trainium → training), then by instance family (AWS
   p*, trn*, dl* → training; g*, gr6, inf* → inference; Google a2/a3/a4 → training, g2 → inference; Azure ND,
   NC → training, NV → inference), then any `GpuCount` above zero in SkuPriceDetails or the word GPU
   (→ training). These match whichever service sells the capacity (EC2, Compute Engine, Virtual Machines,
   SageMaker, Vertex AI, Azure Machine Learning).
2. Managed ML: ServiceCategory "AI and Machine Learning", or a service name of a known AI service (SageMaker,
   Bedrock, Vertex AI, Azure OpenAI / AI services, Azure Machine Learning ...), when rule 1 did not match.
3. Data and analytics: ServiceCategory "Analytics", ServiceSubcategory "Data Warehouses", or the name of a known
   warehouse or data-processing service (BigQuery, Redshift, Snowflake, Databricks, Synapse, Athena, Glue, EMR,
   Dataproc, Dataflow, Kinesis ...).

Rows no rule matches are not AI/ML. For GPU rows, a workload tag (`WORKLOAD_TAG_KEYS`, any spelling) whose value
says training or inference (`WORKLOAD_VALUES`) overrides the model or family.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.tag_values import TagResolver

GPU_TRAINING = "gpu_training"
GPU_INFERENCE = "gpu_inference"
MANAGED_ML = "managed_ml"
DATA_ANALYTICS = "data_analytics"
WORKLOADS: dict[str, str] = {
    GPU_TRAINING: "GPU training",
    GPU_INFERENCE: "GPU inference",
    MANAGED_ML: "Managed ML services",
    DATA_ANALYTICS: "Data and analytics",
}
"""Workload key → label, in the order pages show them."""
GPU = (GPU_TRAINING, GPU_INFERENCE)

SIGNATURE = "signature"
SIGNATURE_COLUMNS = (
    "ChargeDescription",
    "SkuMeter",
    "SkuPriceDetails",
    "ResourceType",
    "x_UsageType",
    "x_SkuDescription",
    "x_SkuMeterSubcategory",
    "x_MeterSubCategory",
    "x_MeterName",
)
"""The texts that name an instance type, accelerator or SKU (those of them the ledger has)."""
RULE_COLUMNS = ("ServiceName", "ServiceCategory", "ServiceSubcategory")

_B = "(^|[^a-z0-9])"  # start of a token
_E = "([^a-z0-9]|$)"  # end of a token


@dataclass(frozen=True)
class Rule:
    """Rows whose `column` (lower-cased) matches `pattern` (RE2) are of `workload`."""

    workload: str
    column: str
    """`signature` or one of RULE_COLUMNS."""
    pattern: str
    example: str
    """A value the rule matches (documentation, and checked by the tests)."""


RULES: tuple[Rule, ...] = (
    # accelerator models
    Rule(
        GPU_INFERENCE,
        SIGNATURE,
        f"{_B}(t4|l4|l40s?|a10g?|k80|m60|inferentia2?){_E}|(tesla|nvidia) p4{_E}|ncas_?t4",
        "Nvidia L4 GPU",
    ),
    Rule(
        GPU_TRAINING,
        SIGNATURE,
        "(a100|a800|h100|h200|h800|b100|b200|gh200|v100|p100|mi[23][0-9][0-9]x?|gaudi[0-9]?|trainium[0-9]?)([^0-9]|$)"
        f"|{_B}tpu",
        "NC24ads A100 v4",
    ),
    # instance families
    Rule(
        GPU_TRAINING,
        SIGNATURE,
        rf"{_B}(p[2-6][a-z]*|trn[0-9][a-z]*|dl[0-9][a-z]*)\.([0-9]*x?large|metal)",
        "p5.48xlarge",
    ),
    Rule(GPU_INFERENCE, SIGNATURE, rf"{_B}(g[3-6][a-z]*|gr6|inf[0-9])\.([0-9]*x?large|metal)", "g5.2xlarge"),
    Rule(GPU_TRAINING, SIGNATURE, f"{_B}a[2-4]-(high|mega|ultra|edge)gpu|{_B}a[2-4] instance", "a2-ultragpu-1g"),
    Rule(GPU_INFERENCE, SIGNATURE, f"{_B}g2-standard|{_B}g2 instance", "g2-standard-8"),
    Rule(GPU_INFERENCE, SIGNATURE, f"{_B}(standard_)?nv[a-z]*[0-9]", "Standard_NV36ads_A10_v5"),
    Rule(GPU_TRAINING, SIGNATURE, f"{_B}(standard_)?n[cd][a-z]*[0-9]", "Standard_ND96asr_v4"),
    # any other accelerator
    Rule(GPU_TRAINING, SIGNATURE, '"gpucount" *: *"?[1-9]|gpu', '{"GpuCount": 2}'),
    # managed ML
    Rule(MANAGED_ML, "ServiceCategory", "^ai and machine learning$", "AI and Machine Learning"),
    Rule(
        MANAGED_ML,
        "ServiceName",
        "sagemaker|bedrock|vertex ai|machine learning|openai|cognitive services|azure ai|ai platform|automl"
        "|comprehend|rekognition|textract|dialogflow|document ai|generative ai|gemini",
        "Amazon SageMaker",
    ),
    # data and analytics
    Rule(DATA_ANALYTICS, "ServiceCategory", "^analytics$", "Analytics"),
    Rule(DATA_ANALYTICS, "ServiceSubcategory", "^data warehouses$", "Data Warehouses"),
    Rule(
        DATA_ANALYTICS,
        "ServiceName",
        f"bigquery|redshift|snowflake|databricks|synapse|athena|glue|{_B}emr{_E}|dataproc|dataflow|kinesis"
        "|data factory|hdinsight|opensearch|elasticsearch|quicksight|looker|dataplex|data lake|microsoft fabric",
        "BigQuery",
    ),
)

WORKLOAD_TAG_KEYS = ("workload", "workload-type", "ml-workload", "ml-phase")
"""Tag keys (any spelling: case, dashes, underscores) that may say what a GPU runs."""
WORKLOAD_VALUES: tuple[tuple[str, str], ...] = (
    (GPU_INFERENCE, "infer|serv|predict|endpoint|hosting"),
    (GPU_TRAINING, "train|fine.?tun|research|experiment"),
)
"""A workload tag value matching the pattern (lower-cased) makes a GPU row that workload."""

WORKLOAD_TAG = "workload_tag"


def signature(table: ir.Table) -> ir.StringValue:
    """The lower-cased texts of SIGNATURE_COLUMNS the table has, joined with ` | `."""
    parts = [table[c].cast("string").fill_null("") for c in SIGNATURE_COLUMNS if c in table.columns]
    if not parts:
        return ibis.literal("")
    return ibis.literal(" | ").join(parts).lower()


def workload_tag(table: ir.Table, tags: TagResolver | None) -> ir.StringValue:
    """The first workload tag value of each row (null when there is none). A table without `Tags` (the daily
    rollup) raises AttributeError: its rows cannot be classified as the ledger's would be."""
    if tags is None:
        return ibis.null(str)
    _ = table.Tags
    spellings = [k for key in WORKLOAD_TAG_KEYS for k in tags.spellings(key)]
    values = [table.Tags.get(k).strip().nullif("") for k in dict.fromkeys(spellings)]
    if not values:
        return ibis.null(str)
    return (values[0] if len(values) == 1 else ibis.coalesce(*values)).lower()


def classify(table: ir.Table) -> ir.StringValue:
    """The workload of each row of `table` (null: not AI/ML). `table` has a `signature` column, the
    RULE_COLUMNS and a `workload_tag` column (see `signature`, `workload_tag`)."""
    by_rule = ibis.cases(
        *((_text(table, rule.column).re_search(rule.pattern), rule.workload) for rule in RULES),
        else_=ibis.null(str),
    )
    told = ibis.cases(
        *((table[WORKLOAD_TAG].re_search(pattern), workload) for workload, pattern in WORKLOAD_VALUES),
        else_=ibis.null(str),
    )
    return ibis.ifelse(by_rule.isin(GPU) & told.notnull(), told, by_rule)


def _text(table: ir.Table, column: str) -> ir.StringValue:
    if column == SIGNATURE:
        return table[SIGNATURE]
    if column not in table.columns:
        return ibis.literal("")
    return table[column].fill_null("").lower()
