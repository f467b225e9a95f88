"""Channels: a name and an apprise URL (Slack, Teams, e-mail, webhooks); `send` delivers an alert to each.

`send` never raises: every channel gets its own retries with backoff, and the result says per channel whether
the alert was delivered or why not. Each attempt is recorded in an outbox; a channel that already has an alert
(same key) is skipped, so re-running an alert check does not repeat a message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import apprise
from apprise import NotifyBase, NotifyFormat, NotifyType
from apprise.plugins.slack import NotifySlack

from cloudledger.notify.message import Alert, markdown, slack, text
from cloudledger.notify.outbox import Attempt, MemoryOutbox, Outbox, Status, now

log = logging.getLogger(__name__)

NOTIFY_TYPES: dict[str, NotifyType] = {
    "budget_actual": NotifyType.WARNING,
    "budget_forecast": NotifyType.INFO,
    "anomaly": NotifyType.WARNING,
}


@dataclass(frozen=True)
class Channel:
    """Where alerts go: `name` (used in routes and reports) and an apprise URL such as `slack://T../B../X..`,
    `msteams://team/A../B../C../D..`, `mailtos://user:pass@smtp.example.com?to=finops@example.com` or
    `jsons://hooks.example.com/cloudledger` (a generic JSON webhook)."""

    name: str
    url: str

    def safe_url(self) -> str:
        """The URL with passwords and tokens hidden, for logs and pages; the name when apprise cannot read it."""
        plugin = apprise.Apprise.instantiate(self.url)
        if plugin is None:
            return f"<{self.name}: not an apprise URL>"
        return str(plugin.url(privacy=True))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Retry:
    """Up to `attempts` tries per channel, waiting `first_delay` seconds after the first failure and `factor`
    times longer after each further one (0.5 s, 1 s, 2 s ...)."""

    attempts: int = 3
    first_delay: float = 0.5
    factor: float = 2.0

    def delay(self, failed: int) -> float:
        """Seconds to wait after the `failed`-th failed attempt."""
        return self.first_delay * self.factor ** (failed - 1)


@dataclass(frozen=True)
class Delivery:
    """The outcome for one channel: `status`, the number of `attempts` made and the last `error`."""

    channel: str
    status: Status
    attempts: int
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status in ("delivered", "skipped")


def send(
    alert: Alert,
    channels: Sequence[Channel],
    *,
    retry: Retry = Retry(),
    outbox: Outbox | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Deliver `alert` to every channel (in parallel, each with its own retries); one Delivery per channel,
    in the order given. Never raises: a failure is reported in its Delivery and in the outbox."""
    box: Outbox = outbox if outbox is not None else MemoryOutbox()
    if not channels:
        return []
    with ThreadPoolExecutor(max_workers=min(len(channels), 8), thread_name_prefix="notify") as pool:
        futures = [pool.submit(_deliver, alert, channel, retry, box, sleep) for channel in channels]
        return [_result(future.result, channel) for future, channel in zip(futures, channels, strict=True)]


def _result(get: Callable[[], Delivery], channel: Channel) -> Delivery:
    try:
        return get()
    except Exception as exc:  # an outbox that cannot write must not lose the other channels' results
        log.exception("notification to %s could not be recorded", channel.name)
        return Delivery(channel.name, "failed", 0, f"{type(exc).__name__}: {exc}")


def _deliver(alert: Alert, channel: Channel, retry: Retry, box: Outbox, sleep: Callable[[float], None]) -> Delivery:
    if box.delivered(alert.key, channel.name):
        box.record(Attempt(alert.key, channel.name, 0, "skipped", None, now()))
        return Delivery(channel.name, "skipped", 0)
    error: str | None = None
    for number in range(1, retry.attempts + 1):
        if number > 1:
            sleep(retry.delay(number - 1))
        error = _attempt(alert, channel)
        box.record(Attempt(alert.key, channel.name, number, "failed" if error else "delivered", error, now()))
        if error is None:
            return Delivery(channel.name, "delivered", number)
        log.warning("notification %s to %s failed (attempt %d): %s", alert.key, channel.name, number, error)
    return Delivery(channel.name, "failed", retry.attempts, error)


def _attempt(alert: Alert, channel: Channel) -> str | None:
    """One try; None when delivered, else what went wrong (apprise's own warnings where it gave any)."""
    with _apprise_messages() as messages:
        try:
            # A fresh plugin per try: apprise throttles repeated sends through one instance by seconds.
            plugin = apprise.Apprise.instantiate(channel.url)
            if plugin is None:
                return _last(messages, "not a notification URL apprise understands")
            body, body_format = _body(alert, plugin)
            sender = apprise.Apprise()  # converts Markdown to each service's own format (HTML for e-mail)
            sender.add(plugin)
            ok = bool(
                sender.notify(
                    body=body, title=alert.title, notify_type=NOTIFY_TYPES[alert.kind], body_format=body_format
                )
            )
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
    return None if ok else _last(messages, "not delivered")


def _body(alert: Alert, plugin: NotifyBase) -> tuple[str, NotifyFormat]:
    """The alert in the service's own format: Slack mrkdwn, plain text for plain-text services (webhooks, SMS),
    else Markdown, which apprise turns into what the service shows (HTML for e-mail)."""
    if isinstance(plugin, NotifySlack):
        return slack(alert), NotifyFormat.MARKDOWN
    if plugin.notify_format == NotifyFormat.TEXT:
        return text(alert), NotifyFormat.TEXT
    return markdown(alert), NotifyFormat.MARKDOWN


def _last(messages: list[str], default: str) -> str:
    return messages[-1] if messages else default


@contextmanager
def _apprise_messages() -> Iterator[list[str]]:
    """Collect the warnings and errors apprise logs in this thread (it reports failures only through its log)."""
    messages: list[str] = []
    handler = _ThreadHandler(threading.get_ident(), messages)
    logger = logging.getLogger("apprise")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


class _ThreadHandler(logging.Handler):
    def __init__(self, thread: int, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())
