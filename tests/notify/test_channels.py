"""Alerts delivered through apprise to real receivers on 127.0.0.1: a JSON webhook, Slack- and Teams-shaped
endpoints, and an SMTP server; retries, failures, and the outbox."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from apprise.plugins.msteams import NotifyMSTeams
from apprise.plugins.slack import NotifySlack

from cloudledger.ledger.state import StateDB
from cloudledger.notify import (
    Alert,
    Channel,
    MemoryOutbox,
    Retry,
    SqlOutbox,
    anomaly_alert,
    budget_alert,
    markdown,
    send,
    slack,
    text,
)
from notify.receivers import HttpSink, SmtpSink, free_port

HEADLINE = "Engineering's October 2025 budget: actual 81,200.00 USD is 81.2 % of 100,000.00 USD"
LINK = "https://cloudledger.example.com/budgets/engineering?period=2025-10"


def _alert() -> Alert:
    return budget_alert(
        "Engineering",
        "October 2025",
        Decimal("81200.004"),
        Decimal(100000),
        "USD",
        threshold=80,
        reasons=("Amazon EC2 +12,300.00 USD (ml-training account)", "Amazon S3 +2,100.00 USD"),
        link=LINK,
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_message_says_what_how_much_and_why() -> None:
    alert = _alert()
    assert alert.kind == "budget_actual" and alert.key == "budget_actual:Engineering:October 2025:80"
    assert text(alert) == "\n".join(
        [
            HEADLINE,
            "",
            "Why:",
            "- Amazon EC2 +12,300.00 USD (ml-training account)",
            "- Amazon S3 +2,100.00 USD",
            "",
            f"Details: {LINK}",
        ]
    )
    assert markdown(alert).startswith(f"**{HEADLINE}**\n")
    assert f"[Open in cloudledger]({LINK})" in markdown(alert)
    forecast = budget_alert("Data", "November 2025", Decimal(1200000), Decimal(1000000), "JPY", forecast=True)
    assert forecast.headline == "Data's November 2025 budget: forecast 1,200,000 JPY is 120.0 % of 1,000,000 JPY"
    assert forecast.kind == "budget_forecast"
    anomaly = anomaly_alert("Amazon EC2 in Engineering", "2025-10-14", Decimal(12400), Decimal(3100), "EUR")
    assert anomaly.headline == (
        "Amazon EC2 in Engineering on 2025-10-14: 12,400.00 EUR against 3,100.00 EUR expected (+9,300.00 EUR, +300.0 %)"
    )
    with pytest.raises(ValueError, match="kind"):
        Alert("budget", "t", "h", Decimal(1), Decimal(1), "USD", key="k")  # type: ignore[arg-type]


def test_json_webhook(http_sink: HttpSink) -> None:
    url = http_sink.url.replace("http://", "json://") + "/hooks/alerts?+X-Token=abc123"
    [delivery] = send(_alert(), [Channel("webhook", url)])
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.error) == ("webhook", "delivered", 1, None)
    [post] = http_sink.to("/hooks/alerts")
    assert post.headers["X-Token"] == "abc123"
    payload = post.json()
    assert payload["title"] == "Engineering: October 2025 budget spending at 81.2 %"
    assert payload["message"] == text(_alert())  # a plain-text receiver gets plain text
    assert payload["type"] == "warning"


def test_slack(http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    # apprise posts Slack webhooks to a fixed host; point the class at the local sink.
    monkeypatch.setattr(NotifySlack, "webhook_url", f"{http_sink.url}/services")
    url = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#finops"
    [delivery] = send(_alert(), [Channel("finops-slack", url)])
    assert delivery.status == "delivered", delivery.error
    [post] = http_sink.to("/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ")
    payload = post.json()
    assert payload["channel"] == "#finops"
    [attachment] = payload["attachments"]
    assert attachment["title"] == "Engineering: October 2025 budget spending at 81.2 %"
    assert attachment["text"] == slack(_alert())  # Slack's own markup: *bold*, <url|text>
    assert attachment["text"].startswith(f"*{HEADLINE}*\n")
    assert "• Amazon EC2 +12,300.00 USD (ml-training account)" in attachment["text"]
    assert f"<{LINK}|Open in cloudledger>" in attachment["text"]


def test_teams(http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    # Teams incoming webhooks live on {team}.webhook.office.com; point the URL template at the local sink.
    template = http_sink.url + "/{team}/webhookb2/{token_a}/IncomingWebhook/{token_b}/{token_c}"
    monkeypatch.setattr(NotifyMSTeams, "notify_url_v2", template)
    url = "msteams://contoso/abc123@def456/0123abcd/f00d-cafe"
    [delivery] = send(_alert(), [Channel("finops-teams", url)])
    assert delivery.status == "delivered", delivery.error
    [post] = http_sink.to("/contoso/webhookb2/abc123@def456/IncomingWebhook/0123abcd/f00d-cafe")
    payload = post.json()
    assert payload["@type"] == "MessageCard"
    [section] = payload["sections"]
    assert section["activityTitle"] == "Engineering: October 2025 budget spending at 81.2 %"
    assert HEADLINE in section["text"] and LINK in section["text"]


def test_email_over_plain_smtp(smtp_sink: SmtpSink) -> None:
    url = (
        f"mailto://alerts:s3cret@127.0.0.1:{smtp_sink.port}"
        "?from=cloudledger@example.test&to=finops@example.test&mode=insecure"
    )
    [delivery] = send(_alert(), [Channel("finops-mail", url)])
    assert delivery.status == "delivered", delivery.error
    assert smtp_sink.logins == ["alerts"]
    [message] = smtp_sink.messages
    assert message["Subject"] == "Engineering: October 2025 budget spending at 81.2 %"
    assert "finops@example.test" in message["To"] and "cloudledger@example.test" in message["From"]
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "81,200.00 USD is 81.2 % of 100,000.00 USD" in plain.get_content()
    assert f'href="{LINK}"' in html.get_content()
    assert "<li>Amazon S3 +2,100.00 USD</li>" in html.get_content()


def test_retries_with_backoff_until_delivered(http_sink: HttpSink) -> None:
    http_sink.fail("/flaky", times=2)
    outbox = MemoryOutbox()
    sleeps = Sleeps()
    url = http_sink.url.replace("http://", "json://") + "/flaky"
    [delivery] = send(_alert(), [Channel("flaky", url)], outbox=outbox, sleep=sleeps)
    assert (delivery.status, delivery.attempts, delivery.error) == ("delivered", 3, None)
    assert sleeps == [0.5, 1.0]
    assert len(http_sink.to("/flaky")) == 3
    attempts = outbox.attempts(_alert().key)
    assert [(a.channel, a.attempt, a.status) for a in attempts] == [
        ("flaky", 1, "failed"),
        ("flaky", 2, "failed"),
        ("flaky", 3, "delivered"),
    ]
    assert "503" in (attempts[0].error or "")


def test_failures_are_reported_never_raised(http_sink: HttpSink) -> None:
    http_sink.fail("/down", times=1000)
    closed = free_port()
    channels = [
        Channel("down", http_sink.url.replace("http://", "json://") + "/down"),
        Channel("nobody-listens", f"json://127.0.0.1:{closed}/x?cto=0.5&rto=0.5"),
        Channel("typo", "slak://nothing"),
        Channel("ok", http_sink.url.replace("http://", "json://") + "/ok"),
    ]
    sleeps = Sleeps()
    deliveries = send(_alert(), channels, retry=Retry(attempts=4, first_delay=0.25), sleep=sleeps)
    by_name = {d.channel: d for d in deliveries}
    assert [d.channel for d in deliveries] == ["down", "nobody-listens", "typo", "ok"]
    assert by_name["ok"].status == "delivered" and by_name["ok"].delivered
    for name in ("down", "nobody-listens", "typo"):
        assert by_name[name].status == "failed" and not by_name[name].delivered
        assert by_name[name].attempts == 4 and by_name[name].error
    assert "503" in (by_name["down"].error or "")
    assert len(http_sink.to("/down")) == 4
    assert sorted(sleeps) == sorted([0.25, 0.5, 1.0] * 3)


def test_an_alert_is_sent_once_per_channel(tmp_path: Path, http_sink: HttpSink) -> None:
    state = StateDB(f"sqlite:///{tmp_path / 'state.db'}")
    outbox = SqlOutbox(state.engine)
    hook = Channel("webhook", http_sink.url.replace("http://", "json://") + "/hook")
    [first] = send(_alert(), [hook], outbox=outbox)
    [again] = send(_alert(), [hook], outbox=outbox)
    assert (first.status, again.status, again.attempts) == ("delivered", "skipped", 0)
    assert again.delivered
    assert len(http_sink.to("/hook")) == 1
    other = anomaly_alert("Amazon EC2", "2025-10-14", Decimal(12400), Decimal(3100), "USD")
    [third] = send(other, [hook], outbox=outbox)
    assert third.status == "delivered"
    rows = SqlOutbox(state.engine).attempts()
    assert [(a.alert_key, a.status) for a in rows] == [
        (_alert().key, "delivered"),
        (_alert().key, "skipped"),
        (other.key, "delivered"),
    ]
    assert all(a.at.tzinfo is not None for a in rows)
    state.dispose()


def test_safe_url_hides_secrets() -> None:
    channel = Channel("mail", "mailtos://alerts:s3cret@smtp.example.com?to=finops@example.com")
    assert "s3cret" not in channel.safe_url()
    assert Channel("typo", "slak://x").safe_url() == "<typo: not an apprise URL>"
