"""The company's resources ("streams"): born from templates, alive for whole months, tagged or not.

The population grows month by month so that the number of usage rows follows the row budget: every daily
stream writes one row per day, a monthly one a single row. Streams are created in template order first (one of
each, so that small datasets still cover every service), then drawn by template weight.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from cloudledger.demo.company import (
    DEPARTMENT_BY_NAME,
    EMAIL_DOMAIN,
    REGIONS,
    SUB_ACCOUNT_BY_KEY,
    SUB_ACCOUNTS,
    Region,
    SubAccount,
)
from cloudledger.demo.services import TEMPLATES, Template

ABBREVIATIONS = {
    "Engineering": "eng",
    "Data Science": "ds",
    "Customer Experience": "cx",
    "Marketing": "mktg",
    "Sales": "sales",
    "Finance": "fin",
    "Operations": "ops",
    "Security": "sec",
}
ENV_CLASS = {"prod": 0, "staging": 1, "dev": 2, "sandbox": 3}
UNTAGGED_SHARE = 0.15
CHURN = 0.02
STREAM_TEXT = (
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "RegionId",
    "RegionName",
    "AvailabilityZone",
    "CapacityReservationId",
    "x_UsageType",
    "x_Location",
    "x_ResourceGroupName",
    "x_SkuRegion",
)
ACCOUNT_INDEX = {s.key: i for i, s in enumerate(SUB_ACCOUNTS)}
MONTHLY = np.array([t.model == "monthly" for t in TEMPLATES])


@dataclass
class Streams:
    """All streams born so far, as growing per-stream attribute lists."""

    seed: int
    template: list[int] = field(default_factory=list)
    account: list[int] = field(default_factory=list)
    born: list[int] = field(default_factory=list)
    died: list[int] = field(default_factory=list)
    cover: list[bool] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    growth: list[float] = field(default_factory=list)
    order: list[float] = field(default_factory=list)
    text: dict[str, list[str | None]] = field(default_factory=lambda: {k: [] for k in STREAM_TEXT})
    tags: list[dict[str, str] | None] = field(default_factory=list)
    _draws: list[int] = field(default_factory=list)
    _counters: dict[tuple[int, int], int] = field(default_factory=dict)
    _spellings: dict[tuple[bool, str], int] = field(default_factory=dict)
    _cache: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng([self.seed, 101])

    def __len__(self) -> int:
        return len(self.template)

    # -- population dynamics ------------------------------------------------------------------------

    def plan(self, mi: int, days: int, target_rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Kill and create streams for month `mi`; return the alive streams and which of them are untagged."""
        rng = np.random.default_rng([self.seed, 102, mi])
        alive = self.alive(mi)
        mortal = alive[~np.asarray(self.cover, dtype=bool)[alive]] if len(alive) else alive
        dying = mortal[rng.random(len(mortal)) < CHURN]
        for s in dying:
            self.died[s] = mi
        rows = self._rows(self.alive(mi), days)
        while rows < target_rows:
            s = self._birth(mi)
            rows += self._stream_rows(s, days)
        excess = rows - target_rows
        alive = self.alive(mi)
        if excess > days:
            mortal = alive[~np.asarray(self.cover, dtype=bool)[alive]]
            for s in rng.permutation(mortal):
                if excess <= days:
                    break
                self.died[s] = mi
                excess -= self._stream_rows(int(s), days)
        alive = self.alive(mi)
        return alive, self._untagged(alive, days)

    def alive(self, mi: int) -> np.ndarray:
        born = np.asarray(self.born, dtype=np.int32)
        died = np.asarray(self.died, dtype=np.int32)
        return np.flatnonzero((born <= mi) & (died > mi)).astype(np.int32)

    def _stream_rows(self, s: int, days: int) -> int:
        return 1 if MONTHLY[self.template[s]] else days

    def _weights(self, streams: np.ndarray, days: int) -> np.ndarray:
        return np.where(MONTHLY[self.numeric("template")[streams]], 1, days).astype(np.int64)

    def _rows(self, streams: np.ndarray, days: int) -> int:
        return int(self._weights(streams, days).sum()) if len(streams) else 0

    def _untagged(self, alive: np.ndarray, days: int) -> np.ndarray:
        """About 15 % of the month's usage rows are untagged: resource-less streams, then streams by order."""
        weights = self._weights(alive, days).astype(np.float64)
        untagged: np.ndarray = ~self.numeric("taggable")[alive]
        need = UNTAGGED_SHARE * weights.sum() - weights[untagged].sum()
        order = np.argsort(self.numeric("order")[alive], kind="stable")
        candidates = order[~untagged[order]]
        reached = np.cumsum(weights[candidates]) - weights[candidates] / 2
        untagged[candidates[reached <= need]] = True
        return untagged

    def _next_template(self) -> int:
        n = len(self)
        if n < len(TEMPLATES):
            return n
        k = n - len(TEMPLATES)
        if k >= len(self._draws):
            w = np.array([t.weight for t in TEMPLATES])
            self._draws.extend(int(x) for x in self._rng.choice(len(TEMPLATES), size=4096, p=w / w.sum()))
        return self._draws[k]

    def _birth(self, mi: int) -> int:
        t_idx = self._next_template()
        tmpl = TEMPLATES[t_idx]
        rng = self._rng
        cover = len(self) < len(TEMPLATES)
        accounts = tmpl.accounts
        if cover:
            key = accounts[0]
        else:
            p = np.ones(len(accounts))
            p[0] = 2.0
            key = accounts[int(rng.choice(len(accounts), p=p / p.sum()))]
        sub = SUB_ACCOUNT_BY_KEY[key]
        s = len(self)
        self.template.append(t_idx)
        self.account.append(ACCOUNT_INDEX[key])
        self.born.append(mi)
        self.died.append(1 << 30)
        self.cover.append(cover)
        self.base.append(_draw_base(tmpl, rng))
        self.growth.append(_draw_growth(tmpl, rng))
        self.order.append(float(rng.random()))
        for k, v in self._describe(t_idx, sub, rng).items():
            self.text[k].append(v)
        self.tags.append(self._tags(tmpl, sub, rng) if tmpl.rid else None)
        self._cache.clear()
        return s

    def _describe(self, t_idx: int, sub: SubAccount, rng: np.random.Generator) -> dict[str, str | None]:
        tmpl = TEMPLATES[t_idx]
        region = _pick_region(tmpl, rng)
        zone = str(rng.choice(region.zones)) if (tmpl.zonal and region and region.zones) else None
        abbr = ABBREVIATIONS[sub.department]
        n = self._counters.get((t_idx, ACCOUNT_INDEX[sub.key]), 0) + 1
        self._counters[(t_idx, ACCOUNT_INDEX[sub.key])] = n
        hx = "".join(f"{b:02x}" for b in rng.integers(0, 256, size=9, dtype=np.uint8))
        if tmpl.stem == "st":
            name = f"nw{abbr}{sub.env[:4]}{hx[:6]}"
        elif tmpl.rid.startswith(("arn:aws:s3", "//storage")):
            name = f"nw-{abbr}-{tmpl.stem}-{sub.env}-{hx[:6]}"
        else:
            name = f"{abbr}-{tmpl.stem}-{sub.env}-{n:02d}"
        rg = f"rg-{sub.key.removeprefix('sub-')}"
        rid = tmpl.rid.format(
            region=region.id if region else "",
            zone=zone or "",
            account=sub.id,
            name=name,
            hex=hx[:17],
            HEX=hx[:13].upper(),
            rg=rg,
            uuid=f"{hx[:8]}-{hx[8:12]}-4{hx[12:15]}-a{hx[15:18]}-{hx[:12]}",
        )
        if tmpl.provider == "azure":
            rid = rid.lower()
        usage = dict(tmpl.extra).get("x_UsageType")
        if usage and region and region.usage_prefix:
            usage = f"{region.usage_prefix}-{usage}"
        account_id = SUB_ACCOUNT_BY_KEY[sub.key].id
        cr = (
            f"arn:aws:ec2:{region.id}:{account_id}:capacity-reservation/cr-{hx[1:18]}"
            if (tmpl.capacity_reservation and region)
            else None
        )
        return {
            "ResourceId": rid or None,
            "ResourceName": name if rid else None,
            "ResourceType": tmpl.rtype if rid else None,
            "RegionId": region.id if region else None,
            "RegionName": region.name if region else None,
            "AvailabilityZone": zone if tmpl.provider != "azure" else None,
            "CapacityReservationId": cr,
            "x_UsageType": usage,
            "x_Location": zone or (region.id if region else "global"),
            "x_ResourceGroupName": rg if tmpl.provider == "azure" else None,
            "x_SkuRegion": region.name if (region and tmpl.provider == "azure") else None,
        }

    def _tags(self, tmpl: Template, sub: SubAccount, rng: np.random.Generator) -> dict[str, str]:
        key = (tmpl.provider == "gcp", sub.env)
        k = self._spellings.get(key, 0)
        self._spellings[key] = k + 1
        return _draw_tags(tmpl, sub, k, rng)

    # -- columnar views -----------------------------------------------------------------------------

    def numeric(self, name: str) -> np.ndarray:
        """A per-stream numeric attribute as an array (cached until the next birth)."""
        key = "num:" + name
        if key not in self._cache:
            values = [t is not None for t in self.tags] if name == "taggable" else getattr(self, name)
            self._cache[key] = np.asarray(values)
        out = self._cache[key]
        assert isinstance(out, np.ndarray)
        return out

    def text_table(self) -> pa.Table:
        """Per-stream text attributes, one row per stream."""
        if "text" not in self._cache:
            self._cache["text"] = pa.table({k: pa.array(v, pa.string()) for k, v in self.text.items()})
        out = self._cache["text"]
        assert isinstance(out, pa.Table)
        return out

    def tag_arrays(self) -> tuple[pa.Array, pa.Array]:
        """Per-stream Tags as JSON text and as a string map (null for resource-less streams)."""
        if "tags" not in self._cache:
            as_json = pa.array([None if t is None else _json(t) for t in self.tags], pa.string())
            as_map = pa.array(
                [None if t is None else list(t.items()) for t in self.tags], pa.map_(pa.string(), pa.string())
            )
            self._cache["tags"] = (as_json, as_map)
        out = self._cache["tags"]
        assert isinstance(out, tuple)
        return out


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _pick_region(tmpl: Template, rng: np.random.Generator) -> Region | None:
    allowed = tmpl.allowed_regions()
    if allowed == ("",):
        return None
    weights = np.array([3.0] + [1.0] * (len(allowed) - 1))
    rid = allowed[int(rng.choice(len(allowed), p=weights / weights.sum()))]
    return next(r for r in REGIONS[tmpl.provider] if r.id == rid)


def _draw_base(tmpl: Template, rng: np.random.Generator) -> float:
    if tmpl.model == "hours":
        return float(max(1, round(tmpl.base * rng.lognormal(0, 0.35)))) if tmpl.base > 1 else 1.0
    if tmpl.model == "monthly":
        return float(max(1, round(tmpl.base * rng.lognormal(0, 0.3))))
    spread = 0.8 if tmpl.model == "storage" else 0.6
    return float(tmpl.base * rng.lognormal(0, spread))


def _draw_growth(tmpl: Template, rng: np.random.Generator) -> float:
    high = {"storage": 0.045, "metered": 0.03, "hours": 0.02, "monthly": 0.02}[tmpl.model]
    return float(rng.uniform(0.0, high))


GOLDEN = 0.6180339887498949


def _variant(k: int, choices: tuple[tuple[str, float], ...]) -> str:
    """A spelling chosen by weight along a low-discrepancy sequence (rare ones show up in small datasets)."""
    u = (k * GOLDEN) % 1.0
    total = sum(w for _, w in choices)
    for value, weight in choices:
        u -= weight / total
        if u < 0:
            return value
    return choices[-1][0]


ENV_VALUES = {
    "prod": (("prod", 0.65), ("production", 0.25), ("Prod", 0.10)),
    "staging": (("staging", 0.8), ("stage", 0.2)),
    "dev": (("dev", 0.85), ("development", 0.15)),
    "sandbox": (("sandbox", 1.0),),
}


def _draw_tags(tmpl: Template, sub: SubAccount, k: int, rng: np.random.Generator) -> dict[str, str]:
    """User tags (GCP labels) of a resource, with the inconsistencies real tag data has."""
    dept = DEPARTMENT_BY_NAME[sub.department]
    team = str(rng.choice(dept.teams))
    gcp = tmpl.provider == "gcp"
    env_choices = ENV_VALUES[sub.env]
    if gcp:
        env_choices = tuple((v, w) for v, w in env_choices if v == v.lower())
    tags: dict[str, str] = {}
    team_key = "team" if gcp else _variant(k + 3, (("team", 0.80), ("Team", 0.12), ("TEAM", 0.08)))
    tags[team_key] = team
    tags["department"] = dept.slug if gcp else dept.name
    if rng.random() < 0.95:
        tags["env"] = _variant(k, env_choices)
    if rng.random() < 0.9:
        cc_key = "CostCenter" if (tmpl.provider == "azure" and rng.random() < 0.3) else "cost-center"
        tags[cc_key] = dept.cost_center.lower() if gcp else dept.cost_center
    if rng.random() < 0.8:
        tags["application"] = str(rng.choice(dept.applications))
    if rng.random() < 0.6:
        tags["project"] = f"prj-{100 + dept.teams.index(team) * 7 + int(rng.integers(0, 7))}"
    if rng.random() < 0.75:
        owner = f"{team}@{EMAIL_DOMAIN}"
        tags["owner"] = owner.replace("@", "_at_").replace(".", "_") if gcp else owner
    return tags
