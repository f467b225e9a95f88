"""Each charge's state per required tag (valid, invalid, missing) as Ibis expressions, over the ledger or over
the owners `allocate()` gives; charges the policy calls untaggable are flagged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import reduce

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.allocation_rules import Aggregated
from cloudledger.analyses.explorer import METRICS, bill_rows
from cloudledger.analyses.selection import Columns, condition_test, predicate
from cloudledger.analyses.tag_compliance_model import INVALID, MISSING, VALID
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.selectors import TAG_PREFIX, Condition
from cloudledger.config.tag_policy import TagPolicy
from cloudledger.errors import QueryError


class Scope:
    """The cost column and billing periods (YYYY-MM, both inclusive) of a query, checked."""

    def __init__(self, metric: str, start: str | None, end: str | None) -> None:
        if metric not in METRICS:
            raise QueryError(f"unknown metric {metric!r}; valid metrics: {', '.join(METRICS)}")
        for name, period in (("first month", start), ("last month", end)):
            if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
                raise QueryError(f"the {name} {period!r} is not a month such as 2025-01 (YYYY-MM)")
        if start is not None and end is not None and start > end:
            raise QueryError(f"the first month {start} is after the last month {end}")
        self.metric, self.start, self.end = metric, start, end

    def rows(self, table: ir.Table) -> ir.Table:
        """The bill's rows (Kubernetes allocations aside) in the billing periods."""
        rows = bill_rows(table)
        if self.start is not None:
            rows = rows.filter(rows.x_billing_period >= self.start)
        if self.end is not None:
            rows = rows.filter(rows.x_billing_period <= self.end)
        return rows


def ledger_states(
    table: ir.Table,
    policy: TagPolicy,
    scope: Scope,
    tags: TagResolver | None,
    columns: Mapping[str, str],
    resources: bool = True,
) -> ir.Table:
    """One row per distinct charge (currency, resource, `columns` and the inputs of the states summed over, so
    far fewer rows than charges): currency, resource, amount, untaggable, worst, s0..sN (state per required
    key), and `columns` (output name → ledger column). Without `resources` the resource is null (a table
    without ResourceId, such as a rollup, can then answer by spend)."""
    tags = tags or TagResolver.of(table, policy)
    rows = scope.rows(table)
    reader = Columns(rows, tags)
    read = [*(TAG_PREFIX + key for key in policy.required), *(name for s in policy.untaggable for name in s)]
    names: dict[str, str] = {}
    tag_columns: dict[str, list[str]] = {}
    inputs: dict[str, ir.Value] = {}
    for index, name in enumerate(dict.fromkeys(read)):
        if name.startswith(TAG_PREFIX):
            spellings = tags.spellings(name[len(TAG_PREFIX) :])
            tag_columns[name] = [f"t{index}_{i}" for i in range(len(spellings))]
            tag_map = rows.Tags  # AttributeError on a table without tags, even when no row has the key
            inputs.update({alias: tag_map.get(k) for alias, k in zip(tag_columns[name], spellings, strict=True)})
        else:
            names[name] = f"c{index}"
            inputs[names[name]] = reader.value(name)
    # states are computed once per distinct combination of what they read, not once per charge
    grouped = rows.group_by(
        currency=rows.BillingCurrency,
        resource=rows.ResourceId if resources else ibis.null(str),
        **{name: rows[column] for name, column in columns.items()},
        **inputs,
    ).aggregate(amount=rows[scope.metric].sum())
    combos = Aggregated(grouped, names, tag_columns, tags)
    untaggable = _any([predicate(combos, selector) for selector in policy.untaggable])
    values = [combos.value(TAG_PREFIX + key) for key in policy.required]
    return _states(
        grouped,
        policy,
        values,
        untaggable,
        currency=grouped.currency,
        resource=grouped.resource,
        amount=grouped.amount,
        **{name: grouped[name] for name in columns},
    )


def owner_states(
    table: ir.Table, config: CloudledgerConfig, scope: Scope, tags: TagResolver | None, resources: bool = True
) -> ir.Table:
    """The states of the direct and unallocated rows of `allocate()` (shared-pool splits aside), with their
    `kind`, `department` and `team` (and a null resource without `resources`)."""
    policy = config.tag_policy
    selector_columns = [name for selector in policy.untaggable for name in selector]
    read = ["ResourceId"] if resources else []
    keep = tuple(dict.fromkeys([*read, *(f"tag:{k}" for k in policy.required), *selector_columns]))
    query = AllocationQuery(metric=scope.metric, start=scope.start, end=scope.end, keep=keep)
    out = allocate(table, config, query, tags=tags or TagResolver.of(table, policy))
    out = out.filter(out.kind.isin(["direct", "unallocated"]))
    untaggable = _any([_selected(out, selector) for selector in policy.untaggable])
    return _states(
        out,
        policy,
        [out[f"tag:{k}"] for k in policy.required],
        untaggable,
        currency=out.currency,
        resource=out.ResourceId if resources else ibis.null(str),
        amount=out.amount,
        kind=out.kind,
        department=out.department,
        team=out.team,
    )


def _states(
    rows: ir.Table,
    policy: TagPolicy,
    values: list[ir.StringValue],
    untaggable: ir.BooleanValue,
    *,
    resource: ir.StringValue,
    amount: ir.NumericValue,
    **columns: ir.Value,
) -> ir.Table:
    states = {f"s{i}": state(v, policy, key) for i, (key, v) in enumerate(zip(policy.required, values, strict=True))}
    worst = ibis.greatest(*states.values()) if len(states) > 1 else next(iter(states.values()), ibis.literal(VALID))
    return rows.select(
        resource=ibis.ifelse(resource.strip() == "", ibis.null(str), resource),
        amount=amount.fill_null(0),
        untaggable=untaggable,
        worst=worst,
        **states,
        **columns,
    )


def state(value: ir.StringValue, policy: TagPolicy, key: str) -> ir.IntegerValue:
    """VALID, INVALID or MISSING for a normalised value of `key` (null when absent or empty)."""
    rule = policy.rule(key)
    tests: list[ir.BooleanValue] = []
    if rule.values is not None:
        tests.append(value.isin(rule.values))
    if rule.pattern is not None:
        tests.append(value.re_search(f"^(?:{rule.pattern})$"))
    allowed = reduce(lambda a, b: a & b, tests, ibis.literal(True))
    result: ir.IntegerValue = ibis.cases((value.isnull(), MISSING), (allowed, VALID), else_=INVALID).cast("int8")
    return result


def _selected(out: ir.Table, selector: Mapping[str, Condition]) -> ir.BooleanValue:
    tests = [condition_test(out[name], condition) for name, condition in selector.items()]
    return reduce(lambda a, b: a & b, tests, ibis.literal(True))


def _any(tests: list[ir.BooleanValue]) -> ir.BooleanValue:
    return reduce(lambda a, b: a | b, tests, ibis.literal(False))
