"""What an alert says: a dataclass with the facts, rendered as plain text or Markdown for people in finance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from cloudledger.reports.money import places

AlertKind = Literal["budget_actual", "budget_forecast", "anomaly"]
KINDS: tuple[AlertKind, ...] = ("budget_actual", "budget_forecast", "anomaly")


def amount(value: Decimal, currency: str) -> str:
    """An amount with thousands separators, the currency's minor units and its code (`81,200.00 USD`)."""
    rounded = value.quantize(Decimal(1).scaleb(-places(currency)), rounding=ROUND_HALF_UP)
    return f"{rounded:,} {currency}"


def percent(part: Decimal, whole: Decimal) -> str:
    """`part` as a share of `whole` with one decimal (`81.2 %`); "n/a" when `whole` is zero."""
    if not whole:
        return "n/a"
    share = (part / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{share} %"


@dataclass(frozen=True)
class Alert:
    """One alert: what happened (`headline`), how much, why, where to look, and a key that identifies it.

    The same `key` is sent once per channel; a budget alert's key names the budget, the period and the
    threshold crossed, so the next threshold is a new alert.
    """

    kind: AlertKind
    title: str
    headline: str
    """One sentence, amounts included, e.g. "Engineering's October budget: actual 81,200.00 USD is ..."."""
    amount: Decimal
    reference: Decimal
    """The budget (budget alerts) or the expected amount (anomalies) that `amount` is measured against."""
    currency: str
    key: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    """Why: root-cause lines, largest first (a service, an account, a team and its share of the change)."""
    link: str | None = None
    """The cloudledger page that shows the details."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"alert kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.key.strip():
            raise ValueError("an alert needs a key (it identifies the alert across sends)")


def budget_alert(
    budget: str,
    period: str,
    spent: Decimal,
    limit: Decimal,
    currency: str,
    *,
    forecast: bool = False,
    threshold: int | None = None,
    reasons: tuple[str, ...] = (),
    link: str | None = None,
) -> Alert:
    """An alert on budget `budget` for `period` (e.g. "October 2025"): spending so far, or the month-end forecast
    when `forecast` is set, against `limit`. `threshold` (a percentage) goes into the key, so that each threshold
    crossed alerts once."""
    word = "forecast" if forecast else "actual"
    headline = (
        f"{budget}'s {period} budget: {word} {amount(spent, currency)} is {percent(spent, limit)} "
        f"of {amount(limit, currency)}"
    )
    title = f"{budget}: {period} budget {'forecast' if forecast else 'spending'} at {percent(spent, limit)}"
    key = f"{'budget_forecast' if forecast else 'budget_actual'}:{budget}:{period}:{threshold or ''}"
    return Alert(
        kind="budget_forecast" if forecast else "budget_actual",
        title=title,
        headline=headline,
        amount=spent,
        reference=limit,
        currency=currency,
        key=key,
        reasons=reasons,
        link=link,
    )


def anomaly_alert(
    scope: str,
    day: str,
    spent: Decimal,
    expected: Decimal,
    currency: str,
    *,
    reasons: tuple[str, ...] = (),
    link: str | None = None,
) -> Alert:
    """An alert on unusual spending of `scope` (a service, account or team) on `day` against the `expected`."""
    change = spent - expected
    sign = "+" if change >= 0 else "-"
    delta = f"{sign}{amount(abs(change), currency)}"
    if expected:
        delta += f", {sign}{percent(abs(change), expected)}"
    headline = f"{scope} on {day}: {amount(spent, currency)} against {amount(expected, currency)} expected ({delta})"
    return Alert(
        kind="anomaly",
        title=f"Unusual spending: {scope} on {day}",
        headline=headline,
        amount=spent,
        reference=expected,
        currency=currency,
        key=f"anomaly:{scope}:{day}",
        reasons=reasons,
        link=link,
    )


def text(alert: Alert) -> str:
    """Plain text: the headline, the reasons as a list, and the link."""
    lines = [alert.headline]
    if alert.reasons:
        lines += ["", "Why:", *(f"- {reason}" for reason in alert.reasons)]
    if alert.link:
        lines += ["", f"Details: {alert.link}"]
    return "\n".join(lines)


def markdown(alert: Alert) -> str:
    """Markdown: the headline in bold, the reasons as a list, and a link to the page."""
    lines = [f"**{alert.headline}**"]
    if alert.reasons:
        lines += ["", "Why:", "", *(f"- {reason}" for reason in alert.reasons)]
    if alert.link:
        lines += ["", f"[Open in cloudledger]({alert.link})"]
    return "\n".join(lines)


def slack(alert: Alert) -> str:
    """Slack's own mrkdwn: `*bold*` headline, bullet reasons, `<url|text>` link."""
    lines = [f"*{alert.headline}*"]
    if alert.reasons:
        lines += ["", "Why:", *(f"• {reason}" for reason in alert.reasons)]
    if alert.link:
        lines += ["", f"<{alert.link}|Open in cloudledger>"]
    return "\n".join(lines)
