"""Alerts to people: budget and anomaly messages delivered to Slack, Teams, e-mail and webhooks via apprise."""

from cloudledger.notify.channels import Channel, Delivery, Retry, send
from cloudledger.notify.message import Alert, anomaly_alert, budget_alert, markdown, slack, text
from cloudledger.notify.outbox import Attempt, MemoryOutbox, SqlOutbox

__all__ = [
    "Alert",
    "Attempt",
    "Channel",
    "Delivery",
    "MemoryOutbox",
    "Retry",
    "SqlOutbox",
    "anomaly_alert",
    "budget_alert",
    "markdown",
    "send",
    "slack",
    "text",
]
