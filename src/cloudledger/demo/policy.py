"""The demo company's cloudledger.yaml, rendered from its own catalogues so that it never disagrees with them.

Departments, teams, cost centers, sub accounts and tag spellings come from `demo.company` and
`demo.population`; budgets from `demo.budget_amounts`. The text is commented section by section: it is
the example a new user reads first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from cloudledger.config.load import CONFIG_NAME
from cloudledger.demo.budget_amounts import department_budgets
from cloudledger.demo.company import COMPANY, DEPARTMENTS, EMAIL_DOMAIN, PROVIDER_BY_KEY, SUB_ACCOUNTS, SubAccount
from cloudledger.demo.population import ENV_VALUES

ENVIRONMENTS = {"prod": "production", "staging": "staging", "dev": "development", "sandbox": "sandbox"}
"""The sub accounts' environment class → the tag policy's canonical Environment value."""
OWN_COST_CENTERS = {"platform": ("CC-1150", "Platform Engineering")}
"""Teams booked to a cost center of their own instead of their department's."""
SHARED_ACCOUNTS = ("ops-observability", "sub-ops-shared")
"""Operations' accounts whose cost serves every department alike."""
SUSPENSE_ACCOUNT = "6999-0000"
GL_PREFIX = "6105"
PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._@&()-]*")
YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def q(text: str) -> str:
    """`text` as a YAML scalar: plain when it cannot be misread, else double-quoted."""
    plain = PLAIN.fullmatch(text) and text.lower() not in YAML_WORDS and not text.endswith(" ")
    return text if plain else json.dumps(text)


def flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def gl_account(code: str) -> str:
    """The GL account a cost center's cloud cost is posted to: CC-1100 → 6105-1100."""
    return f"{GL_PREFIX}-{code.removeprefix('CC-')}"


def cost_centers() -> list[tuple[str, str]]:
    """(code, name) of every cost center: the departments', then the teams' own."""
    return [(d.cost_center, d.name) for d in DEPARTMENTS] + sorted(OWN_COST_CENTERS.values())


def owner_email(name: str) -> str:
    return f"{name}@{EMAIL_DOMAIN}"


def _header() -> list[str]:
    return [
        f"# cloudledger.yaml of the demo company, {COMPANY}.",
        "# Written by `cloudledger demo` from the demo's own catalogue of departments, teams and sub accounts.",
        "# Edit it like any policy file: `cloudledger check` validates it, docs/config.md describes every key.",
        "",
    ]


def _organization() -> list[str]:
    lines = [
        "# Who owns cost. Cost centers are finance's side: each names the GL account cloud cost is posted to.",
        "# Departments own teams; a team books to its department's cost center unless it has its own.",
        "# Aliases are other spellings found in tags, matched ignoring case: Google Cloud labels carry a",
        "# department's slug (data-science) where AWS and Azure tags carry its name (Data Science).",
        "organization:",
        f"  name: {q(COMPANY)}",
        "  cost_centers:",
    ]
    for code, name in cost_centers():
        lines += [f"    - code: {q(code)}", f"      name: {q(name)}", f"      gl_account: {q(gl_account(code))}"]
    lines.append("  departments:")
    for d in DEPARTMENTS:
        lines += [
            f"    - name: {q(d.name)}",
            f"      aliases: {flow([d.slug])}",
            f"      cost_center: {q(d.cost_center)}",
            f"      owner: {q(owner_email(d.slug + '-lead'))}",
            "      teams:",
        ]
        for team in d.teams:
            lines += [f"        - name: {q(team)}", f"          owner: {q(owner_email(team))}"]
            if team in OWN_COST_CENTERS:
                lines.append(f"          cost_center: {q(OWN_COST_CENTERS[team][0])}")
    return lines + _rules()


def _rules() -> list[str]:
    lines = [
        "  # Ordered: the first rule that matches a row and finds a known name owns it.",
        "  rules:",
        "    # The team tag (team, Team or TEAM: keys are compared ignoring case and dashes).",
        "    - name: team tag",
        '      team: {from: "tag:team"}',
        "    # Else, for untagged resources and account-level charges, the department that owns the",
        "    # sub account (AWS linked account, Google Cloud project, Azure subscription).",
    ]
    for d in DEPARTMENTS:
        accounts = [s for s in SUB_ACCOUNTS if s.department == d.name]
        if accounts:
            lines += [f"    - name: {q(d.name + ' accounts')}", "      match:"]
            lines += _id_list(accounts, "        ")
            lines.append(f"      department: {q(d.name)}")
    return lines


def _id_list(accounts: Iterable[SubAccount], indent: str) -> list[str]:
    """`SubAccountId: {in: [...]}` written one id a line, each with the account's name as a comment."""
    lines = [f"{indent}SubAccountId:", f"{indent}  in:"]
    for s in accounts:
        provider = PROVIDER_BY_KEY[s.provider].provider_name
        lines.append(f"{indent}    - {json.dumps(s.id)}  # {s.key} ({provider}, {s.env})")
    return lines


def _normalize() -> dict[str, str]:
    """Tag spellings of each environment (population.ENV_VALUES) → its canonical value."""
    out: dict[str, str] = {}
    for env, spellings in ENV_VALUES.items():
        for spelling, _ in spellings:
            if spelling.casefold() != ENVIRONMENTS[env] and spelling.casefold() not in out:
                out[spelling.casefold()] = ENVIRONMENTS[env]
    return out


def _tag_policy() -> list[str]:
    domain = re.escape(EMAIL_DOMAIN)
    gcp_domain = re.escape(EMAIL_DOMAIN.replace(".", "_"))
    lines = [
        "",
        "# The tags every resource must carry and the values they may hold. Values are normalised before",
        "# they are checked or grouped by: prod, Prod and production all read as production.",
        "tag_policy:",
        "  required: [Owner, Environment, Team, CostCenter, Project]",
        "  keys:",
        "    Environment:",
        "      aliases: [env]",
        f"      values: {flow(dict.fromkeys(ENVIRONMENTS.values()))}",
        "      normalize:  # compared ignoring case",
    ]
    lines += [f"        {q(raw)}: {q(value)}" for raw, value in _normalize().items()]
    lines += [
        "    Owner:",
        "      # An e-mail, or the form Google Cloud labels allow (team_at_northwind_example).",
        f"      pattern: '[a-z0-9-]+(@{domain}|_at_{gcp_domain})'",
        "    Team:",
        f"      values: {flow(t for d in DEPARTMENTS for t in d.teams)}",
        "    CostCenter:",
        f"      values: {flow(code for code, _ in cost_centers())}",
        "    Project:",
        "      pattern: 'prj-[0-9]+'",
        "  # Charges that cannot carry tags, never counted as violations.",
        "  untaggable:",
        "    - ChargeCategory: [Tax, Credit, Adjustment, Purchase]",
        '    - ServiceName: {matches: "(?i)support"}',
    ]
    return lines


def _allocation() -> list[str]:
    lines = [
        "",
        "# Applied when cost is queried, so history re-allocates as soon as this file changes.",
        "allocation:",
        "  dimensions:",
        "    - name: environment",
        "      description: The environment tag, else the environment of the sub account.",
        "      rules:",
        '        - from: "tag:env"  # normalised by tag_policy.keys.Environment',
    ]
    for env, value in ENVIRONMENTS.items():
        accounts = [s for s in SUB_ACCOUNTS if s.env == env]
        if accounts:
            lines += ["        - match:", *_id_list(accounts, "            "), f"          value: {q(value)}"]
    shared = [s for s in SUB_ACCOUNTS if s.key in SHARED_ACCOUNTS]
    lines += [
        "  # Shared costs are taken before the ownership rules; a row belongs to the first pool it matches.",
        "  shared_costs:",
        "    - name: support",
        "      description: The provider support fee, shared by the teams in proportion to their own cost.",
        "      match:",
        '        ServiceName: {matches: "(?i)support"}',
        "      split: proportional",
        "      level: team",
        "    - name: shared infrastructure",
        "      description: Operations' observability and shared-services accounts serve every department alike.",
        "      match:",
        *_id_list(shared, "        "),
        "      split: even",
        "      level: department",
        "    # A safety net: empty while every sub account is listed above, it spreads the cost of a new",
        "    # account over the departments until a rule names its owner.",
        "    - name: unallocated remainder",
        "      unallocated: true",
        "      split: proportional",
        "      level: department",
        "",
        "# The monthly chargeback: amortised cost per team; unallocated cost is posted to a suspense account.",
        "chargeback:",
        "  metric: EffectiveCost",
        "  level: team",
        f"  suspense_account: {q(SUSPENSE_ACCOUNT)}",
    ]
    return lines


def _budgets(rows: int, months: int, end_month: str) -> list[str]:
    budgets = department_budgets(rows, months, end_month)
    if not any(budgets.values()):
        return []
    lines = [
        "",
        "# Annual budgets per department (calendar years, phased evenly over the months) and for the company.",
        "budgets:",
    ]
    totals: dict[int, int] = {}
    for d in DEPARTMENTS:
        lines += [f"  - name: {q(d.name)}", f"    scope: {{department: {q(d.name)}}}", "    annual:"]
        for year, amount in budgets[d.name].items():
            lines.append(f"      {year}: {int(amount)}")
            totals[year] = totals.get(year, 0) + int(amount)
        lines.append(f"    owner: {q(owner_email(d.slug + '-lead'))}")
    lines += ["  - name: Company", "    scope: {total: true}", "    annual:"]
    lines += [f"      {year}: {amount}" for year, amount in totals.items()]
    return lines


def _unit_costs() -> list[str]:
    return [
        "",
        "# Unit economics: the checkout application's cost per order (orders from the business metrics CSV,",
        "# loaded with `cloudledger units import`).",
        "unit_costs:",
        "  - name: cost per order",
        "    description: Cost of the checkout application per order placed.",
        "    match:",
        '      "tag:application": checkout',
        "    metric: orders",
        "    grain: month",
    ]


def render_demo_policy(*, rows: int = 200_000, months: int = 24, end_month: str = "2026-10") -> str:
    """The demo's cloudledger.yaml for a demo of `rows` rows over `months` months ending `end_month`."""
    parts = [
        _header(),
        _organization(),
        _tag_policy(),
        _allocation(),
        _budgets(rows, months, end_month),
        _unit_costs(),
    ]
    return "\n".join(line for part in parts for line in part) + "\n"


def write_demo_policy(folder: Path, *, rows: int = 200_000, months: int = 24, end_month: str = "2026-10") -> Path:
    """Write the demo's cloudledger.yaml into `folder`; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_NAME
    path.write_text(render_demo_policy(rows=rows, months=months, end_month=end_month), encoding="utf-8")
    return path
