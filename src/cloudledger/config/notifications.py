"""`notifications:`: where alerts go. A channel is a name and an apprise URL (Slack, Teams, e-mail, webhooks),
written in the file or, better for its secrets, read from an environment variable."""

from __future__ import annotations

import os

from pydantic import Field, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.errors import ConfigError


class NotificationChannel(StrictModel):
    """One channel: `url` (an apprise URL) or `url_env` (the environment variable that holds it)."""

    name: str = Field(description="The name budgets and routes refer to.")
    url: str | None = Field(default=None, description="An apprise URL, e.g. slack://T../B../X../#finops.")
    url_env: str | None = Field(default=None, description="The environment variable holding the URL (its secrets).")

    @model_validator(mode="after")
    def _one_url(self) -> NotificationChannel:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("a channel has either url: or url_env:, not both and not neither")
        return self

    def resolved_url(self) -> str:
        """The URL, read from the environment when given by `url_env`."""
        if self.url is not None:
            return self.url
        value = os.environ.get(self.url_env or "")
        if not value:
            raise ConfigError(f"notification channel {self.name!r}: the environment variable {self.url_env} is not set")
        return value


class Notifications(StrictModel):
    """Channels and which alerts go where (a budget's own `notify:` overrides `budgets:`)."""

    channels: list[NotificationChannel] = Field(default_factory=list, description="Named channels.")
    budgets: list[str] = Field(
        default_factory=list, description="Channels every budget alert goes to, unless the budget names its own."
    )
    anomalies: list[str] = Field(default_factory=list, description="Channels cost anomalies are sent to.")
    link: str | None = Field(
        default=None, description="The dashboard's address for links in messages, e.g. http://127.0.0.1:8000."
    )

    @model_validator(mode="after")
    def _unique(self) -> Notifications:
        names = [c.name for c in self.channels]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise ValueError(f"two channels are named {name!r}; each needs its own name")
        return self
