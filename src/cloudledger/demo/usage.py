"""Daily usage rows of one provider and month, computed column-wise with numpy.

Money is integer arithmetic throughout: a unit price with p decimals times a quantity with 10 - p decimals is
an exact multiple of 1e-10, the ledger's decimal(38,10) scale, so every cost in the files sums exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from cloudledger.demo.company import SUB_ACCOUNTS
from cloudledger.demo.months import Month
from cloudledger.demo.population import ENV_CLASS, Streams
from cloudledger.demo.services import TEMPLATES

STANDARD, DYNAMIC, COMMITTED = 0, 1, 2
PRICING_CATEGORIES = ("Standard", "Dynamic", "Committed")
NEGOTIATED_DISCOUNT_PCT = {"aws": 5, "gcp": 3, "azure": 4}
"""Enterprise discount off list prices (ContractedUnitPrice = ListUnitPrice x (1 - d))."""

T_DECIMALS = np.array([t.decimals for t in TEMPLATES], dtype=np.int64)
T_PRICE = np.array([int(t.price.replace(".", "")) for t in TEMPLATES], dtype=np.int64)
T_MODEL = np.array([("hours", "metered", "storage", "monthly").index(t.model) for t in TEMPLATES])
T_SPOT = np.array([t.spot for t in TEMPLATES])
T_BATCH = np.array([t.batch for t in TEMPLATES])
T_SIGMA = np.array([t.sigma for t in TEMPLATES])
T_PROVIDER = np.array([t.provider for t in TEMPLATES])
T_CONTRACTED = np.array(
    [
        p if t.spot else p * (100 - NEGOTIATED_DISCOUNT_PCT[t.provider]) // 100
        for t, p in zip(TEMPLATES, T_PRICE, strict=True)
    ],
    dtype=np.int64,
)
A_ENV = np.array([ENV_CLASS[s.env] for s in SUB_ACCOUNTS])
UPTIME = np.array([[1.0, 1.0], [0.75, 0.35], [0.5, 0.1], [0.4, 0.05]])
"""Share of the day instances run, by environment (prod, staging, dev, sandbox) x (weekday, weekend)."""
ACTIVITY = np.array([[1.0, 0.85], [0.8, 0.4], [0.6, 0.2], [0.5, 0.15]])
"""Relative metered activity by environment x (weekday, weekend)."""
POW10 = 10 ** np.arange(11, dtype=np.int64)
MAX_INT64 = 2**63 - 1


@dataclass
class UsageRows:
    """Usage rows of one provider-month; money in units of 1e-10 of the billing currency."""

    stream: np.ndarray
    template: np.ndarray
    day: np.ndarray
    monthly: np.ndarray
    decimals: np.ndarray
    """Decimals of the unit prices; the quantity has 10 minus these."""
    qty: np.ndarray
    list_price: np.ndarray
    contracted_price: np.ndarray
    pricing: np.ndarray
    commitment: np.ndarray
    commit_qty: np.ndarray
    billed: np.ndarray
    effective: np.ndarray
    list_cost: np.ndarray
    contracted_cost: np.ndarray
    tagged: np.ndarray

    def __len__(self) -> int:
        return len(self.stream)

    def take(self, idx: np.ndarray) -> UsageRows:
        return UsageRows(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def slice(self, start: int, stop: int) -> UsageRows:
        return UsageRows(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})

    def extend(self, more: UsageRows) -> None:
        """Append rows (in place)."""
        for f in fields(self):
            setattr(self, f.name, np.concatenate([getattr(self, f.name), getattr(more, f.name)]))

    def copy(self) -> UsageRows:
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def reprice(self, mask: np.ndarray) -> None:
        """Recompute the costs of `mask` rows from their quantity (they must be uncommitted)."""
        if np.any(self.qty[mask] > MAX_INT64 // np.maximum(self.list_price[mask], 1)):
            raise OverflowError("a quantity is too large for exact int64 costs; lower the template's base")
        self.list_cost[mask] = self.list_price[mask] * self.qty[mask]
        self.contracted_cost[mask] = self.contracted_price[mask] * self.qty[mask]
        self.billed[mask] = self.contracted_cost[mask]
        self.effective[mask] = self.contracted_cost[mask]


@dataclass(frozen=True)
class Spike:
    """An injected anomaly resolved to concrete streams and days of one month."""

    streams: np.ndarray
    first_day: int
    factors: np.ndarray
    """Quantity multiplier of each day from first_day on."""


def generate_usage(
    streams: Streams, alive: np.ndarray, untagged: np.ndarray, provider: str, month: Month, seed: int
) -> UsageRows:
    """The month's usage rows of the alive streams of `provider`, day-major."""
    rng = np.random.default_rng([seed, 201, month.index, ("aws", "gcp", "azure").index(provider)])
    templates = streams.numeric("template")
    keep = T_PROVIDER[templates[alive]] == provider
    alive, untagged = alive[keep], untagged[keep]
    monthly_mask = T_MODEL[templates[alive]] == 3
    daily, monthly = alive[~monthly_mask], alive[monthly_mask]
    d = month.days
    stream = np.concatenate([monthly, np.tile(daily, d)]).astype(np.int32)
    day = np.concatenate([np.zeros(len(monthly), np.int16), np.repeat(np.arange(d, dtype=np.int16), len(daily))])
    tagged = np.concatenate([~untagged[monthly_mask], np.tile(~untagged[~monthly_mask], d)])
    qty_float = _quantities(streams, stream, day, month, rng)
    t = templates[stream]
    decimals = T_DECIMALS[t]
    qty = np.maximum(1, np.rint(qty_float * POW10[10 - decimals])).astype(np.int64)
    list_price = T_PRICE[t]
    contracted = T_CONTRACTED[t].copy()
    spot = T_SPOT[t]
    if spot.any():
        contracted[spot] = _spot_prices(t[spot], day[spot], month, rng, seed)
    n = len(stream)
    rows = UsageRows(
        stream=stream,
        template=t.astype(np.int16),
        day=day,
        monthly=T_MODEL[t] == 3,
        decimals=decimals.astype(np.int8),
        qty=qty,
        list_price=list_price,
        contracted_price=contracted,
        pricing=np.where(spot, DYNAMIC, STANDARD).astype(np.int8),
        commitment=np.full(n, -1, np.int16),
        commit_qty=np.zeros(n, np.int64),
        billed=np.zeros(n, np.int64),
        effective=np.zeros(n, np.int64),
        list_cost=np.zeros(n, np.int64),
        contracted_cost=np.zeros(n, np.int64),
        tagged=tagged,
    )
    rows.reprice(np.ones(n, dtype=bool))
    return rows


def _quantities(
    streams: Streams, stream: np.ndarray, day: np.ndarray, month: Month, rng: np.random.Generator
) -> np.ndarray:
    """Daily quantity in pricing units: growth, weekly seasonality, month-end batches and noise."""
    t = streams.numeric("template")[stream]
    model = T_MODEL[t]
    base = streams.numeric("base")[stream].astype(np.float64)
    growth = streams.numeric("growth")[stream].astype(np.float64)
    env = A_ENV[streams.numeric("account")[stream]]
    age = month.index - streams.numeric("born")[stream] + day / month.days
    trend = (1.0 + growth) ** age
    weekend = (month.weekdays()[day] >= 5).astype(np.int64)
    last = month.days - 1
    batch = np.where(T_BATCH[t] & (day >= last - 2), 2.2, np.where(T_BATCH[t] & (day == 0), 1.5, 1.0))
    noise = rng.lognormal(0.0, T_SIGMA[t])
    fleet = np.where(base > 1, base * trend, 1.0) * batch
    uptime = np.clip(UPTIME[env, weekend] * rng.lognormal(0.0, 0.05, len(t)), 0.02, 1.0)
    uptime = np.where(T_SPOT[t], rng.uniform(0.15, 1.0, len(t)), uptime)
    hours = fleet * 24.0 * uptime
    metered = base * trend * ACTIVITY[env, weekend] * batch * noise
    storage = base * trend / month.days * rng.lognormal(0.0, 0.01, len(t))
    monthly = np.rint(base * (1.0 + growth) ** (month.index - streams.numeric("born")[stream]))
    return np.select([model == 0, model == 1, model == 2], [hours, metered, storage], monthly)


def _spot_prices(t: np.ndarray, day: np.ndarray, month: Month, rng: np.random.Generator, seed: int) -> np.ndarray:
    """Dynamic prices: a daily random walk between 22 % and 48 % of the list price, per template."""
    walk_rng = np.random.default_rng([seed, 202, month.index])
    walks = np.clip(33 + np.cumsum(walk_rng.normal(0, 1.5, (len(TEMPLATES), month.days)), axis=1), 22, 48)
    pct = walks.astype(np.int64)[t, day]
    out: np.ndarray = T_PRICE[t] * pct // 100
    return out


def apply_spike(rows: UsageRows, spike: Spike) -> np.ndarray:
    """Multiply the quantity of the spike's rows; return the mask of changed rows."""
    mask = np.isin(rows.stream, spike.streams) & (rows.day >= spike.first_day)
    mask &= (rows.day < spike.first_day + len(spike.factors)) & ~rows.monthly
    factor = spike.factors[rows.day[mask] - spike.first_day]
    rows.qty[mask] = np.maximum(1, np.rint(rows.qty[mask] * factor)).astype(np.int64)
    rows.reprice(mask)
    return mask
