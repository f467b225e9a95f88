"""A short example of each section of cloudledger.yaml, shown in docs/config.md.

Each parses when it follows the organization example (the names other sections refer to are defined there).
"""

from __future__ import annotations

ORGANIZATION = """\
organization:
  name: Acme Corp
  cost_centers:
    - code: CC-100
      name: Product engineering
      gl_account: "6100-100"
    - code: CC-200
      name: Data platform
      gl_account: "6100-200"
      aliases: [cc-data]
  departments:
    - name: Engineering
      aliases: [eng]
      cost_center: CC-100
      owner: cto@acme.example
      teams:
        - name: platform
          aliases: [platform-team]
        - name: checkout
          owner: checkout@acme.example
    - name: Data
      cost_center: CC-200
      teams:
        - name: analytics
  rules:
    - name: team tag
      team:
        from: "tag:team"
        values: {plat: platform}
    - name: data accounts
      match:
        SubAccountId: ["123456789012", data-prod]
      department: Data
    - name: sandboxes
      match:
        SubAccountName: {prefix: sandbox-, ignore_case: true}
      cost_center: CC-100
"""

TAG_POLICY = """\
tag_policy:
  required: [Owner, Environment, Team]
  keys:
    Environment:
      aliases: [env]
      values: [production, staging, development]
      normalize: {prod: production, dev: development}
    Owner:
      pattern: '[a-z0-9.-]+@acme\\.example'
  untaggable:
    - ChargeCategory: [Tax, Credit, Adjustment]
    - ServiceName: {matches: "(?i)support"}
"""

ALLOCATION = """\
allocation:
  dimensions:
    - name: product
      description: Which product a cost serves.
      rules:
        - match: {"tag:application": [checkout, cart]}
          value: shop
        - from: "tag:product"
          values: {web-shop: shop}
      default: unassigned
  shared_costs:
    - name: support
      match: {ServiceName: {matches: "(?i)support"}}
      split: proportional
      level: team
    - name: networking
      match: {ServiceCategory: Networking}
      split: fixed
      level: department
      weights: {Engineering: 70, Data: 30}
    - name: shared cluster
      match: {"tag:cluster": shared}
      split: metric
      metric: cpu_hours
      level: team
      to: [platform, checkout]
    - name: everything else
      unallocated: true
      split: even
      level: department
"""

CHARGEBACK = """\
chargeback:
  metric: EffectiveCost
  level: department
  suspense_account: "6999-0000"
  memo: "Cloud {period} {department}"
"""

BUDGETS = """\
budgets:
  - name: Engineering
    scope: {department: Engineering}
    annual: {2025: 1200000, 2026: 1500000}
    phasing: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 2]
    owner: cto@acme.example
  - name: AWS
    scope: {provider: AWS}
    monthly: 50000
    start: "2025-01"
    thresholds: {actual: [50, 90, 100], forecast: [100, 120]}
  - name: production
    scope: {tag: {Environment: production}}
    monthly: 30000
    start: "2025-01"
    end: "2025-12"
"""

BUDGET_FILES = """\
budget_files:
  - path: budgets/teams-2025.csv
    scope: team
    scope_column: team
    amount_column: budget
"""

UNIT_COSTS = """\
unit_costs:
  - name: cost per order
    match: {"tag:application": checkout}
    metric: orders
  - name: cost per 1000 API calls
    team: platform
    metric: api_calls
    dimension: platform
    per: 1000
    grain: day
"""

NOTIFICATIONS = """\
notifications:
  channels:
    - {name: finops, url_env: CLOUDLEDGER_SLACK_FINOPS}
    - {name: cloud-team, url: "mailtos://alerts:secret@smtp.acme.example?to=cloud@acme.example"}
  budgets: [finops]
  anomalies: [finops, cloud-team]
  link: https://finops.acme.example
"""

CSV_MAPPINGS = """\
csv_mappings:
  - name: reseller
    match: {columns: [Month, Customer, Product, Amount]}
    charge_period: {date: Month, grain: month}
    costs: {billed: Amount}
    currency: {value: EUR}
    account: {column: Customer}
    provider: {value: Reseller}
    service: {column: Product}
    tags: [Customer]
"""

EXAMPLES: dict[str, str] = {
    "organization": ORGANIZATION,
    "tag_policy": TAG_POLICY,
    "allocation": ALLOCATION,
    "chargeback": CHARGEBACK,
    "budgets": BUDGETS,
    "budget_files": BUDGET_FILES,
    "unit_costs": UNIT_COSTS,
    "notifications": NOTIFICATIONS,
    "csv_mappings": CSV_MAPPINGS,
}
"""Top-level key → an example of that section."""
