"""FOCUS Tags from Google Cloud's labels, system labels, project labels and resource manager tags.

The finalized tags of a row: project labels are inherited by every resource of the project and a
resource's own label of the same key overrides them. Keys keep their case. Google's own keys carry their
own prefixes: labels Google services set start with `goog-`, system labels with `<service>.googleapis.com/`,
and resource manager tags are written `<namespace>/<key>` (namespace: the organization or project).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources.gcp_nested import long_records

TAGS_TYPE = pa.map_(pa.string(), pa.string())
LABEL_FIELDS = ("key", "value")
TAG_FIELDS = ("key", "value", "inherited", "namespace")
LABEL_SOURCES = (("project.labels", 1), ("tags", 2), ("labels", 3), ("system_labels", 4))
"""(field, precedence): on a key present twice, the higher precedence wins (the resource over its project)."""


def tag_pairs(lists: pa.ListArray, precedence: int, *, namespaced: bool = False) -> pa.Table:
    """(row, key, value, precedence) of every label; resource manager tags as `<namespace>/<key>`."""
    long = long_records(lists)
    key = long["key"]
    if namespaced:
        prefix = pc.binary_join_element_wise(long["namespace"], key, "/")
        plain = pc.fill_null(pc.equal(long["namespace"], ""), True)
        key = pc.if_else(plain, key, prefix)
    return pa.table(
        {
            "row": long["row"].cast(pa.int64()),
            "key": key,
            "value": long["value"],
            "precedence": pa.array(np.full(long.num_rows, precedence, dtype=np.int8)),
        }
    )


def build_tags(pairs: Sequence[pa.Table], count: int) -> pa.Array:
    """A map per row from its labels (null for a row without any); one value per key, by precedence."""
    table = pa.concat_tables(pairs)
    table = table.filter(pc.is_valid(table["key"]))
    if table.num_rows == 0:
        return pa.nulls(count, TAGS_TYPE)
    table = table.sort_by([("row", "ascending"), ("precedence", "descending")])
    # The first value of each (row, key) wins (ordered aggregation); then the groups in row order.
    table = table.group_by(["row", "key"], use_threads=False).aggregate([("value", "first")])
    table = table.sort_by("row")
    counts = np.bincount(table["row"].to_numpy(), minlength=count)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    keys, values = table["key"].combine_chunks(), table["value_first"].combine_chunks()
    maps = pa.MapArray.from_arrays(pa.array(offsets), keys, values, type=TAGS_TYPE)
    return pc.if_else(pa.array(counts == 0), pa.nulls(count, TAGS_TYPE), maps)
