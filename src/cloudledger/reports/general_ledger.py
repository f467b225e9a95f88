"""The general-ledger export: one posting per cost center and currency for a billing period.

The layout is documented in docs/general-ledger.md."""

from __future__ import annotations

import csv
import string
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackLine, ChargebackReport
from cloudledger.errors import QueryError
from cloudledger.reports.money import CENTS, plain

GL_COLUMNS = ("period", "cost_center", "gl_account", "amount", "currency", "memo")
MEMO_FIELDS = ("period", "owner", "department", "team", "cost_center", "currency", "metric")
"""The placeholders a memo template may use."""
DEFAULT_MEMO = "Cloud cost {period} {owner}"


class GLRow(TypedDict):
    """One general-ledger posting; `amount` is positive when it charges the cost center."""

    period: str
    cost_center: str
    gl_account: str
    amount: Decimal
    currency: str
    memo: str


def _check_memo(template: str) -> None:
    """Only the `MEMO_FIELDS`, by name, no attribute or index access."""
    try:
        fields = [field for _text, field, _spec, _conv in string.Formatter().parse(template) if field is not None]
    except ValueError as exc:
        raise QueryError(f"the memo template {template!r} is not valid ({exc}); write fields as {{owner}}") from exc
    unknown = sorted({field for field in fields if field not in MEMO_FIELDS})
    if unknown:
        raise QueryError(
            f"the memo template {template!r} uses {', '.join(repr(f) for f in unknown)}; "
            f"the fields are {', '.join('{' + f + '}' for f in MEMO_FIELDS)}"
        )


def _memo(template: str, report: ChargebackReport, line: ChargebackLine, cost_center: str) -> str:
    values = {
        "period": report.period,
        "owner": line.owner,
        "department": line.department or "",
        "team": line.team or "",
        "cost_center": cost_center,
        "currency": line.currency,
        "metric": report.metric,
    }
    try:
        return template.format_map(values)
    except ValueError as exc:
        raise QueryError(f"the memo template {template!r} cannot be applied: {exc}") from exc


def _account(report: ChargebackReport, line: ChargebackLine, suspense_account: str | None) -> tuple[str, str]:
    """(cost center, GL account) a line is posted to."""
    if line.owner == UNALLOCATED:
        if not suspense_account:
            raise QueryError(
                f"{plain(line.total)} {line.currency} of {report.period} reached no owner and must be posted to "
                "a suspense account: set chargeback.suspense_account in cloudledger.yaml, or give that cost an owner"
            )
        return "", suspense_account
    cost_center = line.cost_center or line.owner
    if not line.gl_account:
        raise QueryError(
            f"cost center {cost_center} has no GL account: add gl_account to it under "
            "organization.cost_centers in cloudledger.yaml"
        )
    return cost_center, line.gl_account


def _check_balanced(report: ChargebackReport, rows: Sequence[GLRow]) -> None:
    """Per currency, the postings add up to the chargeback lines exactly."""
    posted = _totals((row["currency"], row["amount"]) for row in rows)
    charged = _totals((line.currency, line.total) for line in report.lines)
    if posted != charged:
        raise QueryError(
            f"the general-ledger rows of {report.period} add up to {posted} but its chargeback lines to "
            f"{charged}; the chargeback amounts must be rounded to cents"
        )


def _totals(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return {currency: total for currency, total in totals.items() if total}


def general_ledger_rows(
    report: ChargebackReport, memo: str = DEFAULT_MEMO, suspense_account: str | None = None
) -> list[GLRow]:
    """One posting per chargeback line with a non-zero total; unallocated cost goes to `suspense_account`.

    `memo` may use {period} {owner} {department} {team} {cost_center} {currency} {metric}."""
    if report.level != "cost_center":
        raise QueryError(
            f"the general-ledger export posts to cost centers, but this chargeback is by {report.level}: "
            "run the chargeback at the cost_center level"
        )
    _check_memo(memo)
    rows: list[GLRow] = []
    for line in report.lines:
        if not line.total:
            continue
        cost_center, account = _account(report, line, suspense_account)
        rows.append(
            GLRow(
                period=report.period,
                cost_center=cost_center,
                gl_account=account,
                amount=line.total.quantize(CENTS),
                currency=line.currency,
                memo=_memo(memo, report, line, cost_center),
            )
        )
    _check_balanced(report, rows)
    return rows


def write_general_ledger_csv(rows: Sequence[GLRow], path: Path) -> None:
    """Write `rows` as UTF-8 CSV with the `GL_COLUMNS` header; amounts with two decimals."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(GL_COLUMNS)
        for row in rows:
            where = [row["period"], row["cost_center"], row["gl_account"]]
            writer.writerow([*where, plain(row["amount"]), row["currency"], row["memo"]])
