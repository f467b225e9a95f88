"""Budgets expanded into months: annual phasing to the cent, open-ended monthly budgets, budget CSVs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.budget_plan import BudgetMonth, budget_months
from cloudledger.config import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import InputError, QueryError

ORGANIZATION = """
organization:
  cost_centers:
    - {code: CC-100, gl_account: "6100"}
  departments:
    - name: Engineering
      aliases: [eng]
      cost_center: CC-100
      teams:
        - {name: platform, aliases: [plat]}
        - {name: data}
"""


def _config(tmp_path: Path, text: str) -> CloudledgerConfig:
    path = tmp_path / "cloudledger.yaml"
    path.write_text(ORGANIZATION + text, encoding="utf-8")
    return parse_config(path.read_text(encoding="utf-8"), path)


def _amounts(months: list[BudgetMonth]) -> dict[str, Decimal]:
    return {m.period: m.amount for m in months}


def test_annual_budget_is_phased_over_an_april_fiscal_year_by_its_weights(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        """
budgets:
  - name: platform-fy
    scope: {team: plat}
    annual: {2025: 100000}
    fiscal_year_start: 4
    phasing: [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]
""",
    )
    months = budget_months(config)
    # 100000 × 2/15 = 13333.333…, × 1/15 = 6666.666… (ten months), × 3/15 = 20000: floors leave 7 cents,
    # which go to the largest remainders (the ten middle months, earliest first).
    expected = {"2025-04": Decimal("13333.33")}
    for index, period in enumerate(
        ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    ):
        expected[period] = Decimal("6666.67") if index < 7 else Decimal("6666.66")
    expected["2026-03"] = Decimal("20000.00")
    assert _amounts(months) == expected
    assert sum(expected.values()) == Decimal(100000)
    assert {(m.name, m.scope_kind, m.scope_value, m.currency, m.metric, m.source) for m in months} == {
        ("platform-fy", "team", "platform", "USD", "EffectiveCost", "config")
    }


def test_annual_budget_without_weights_is_even_and_adds_up(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        """
budgets:
  - name: eng
    scope: {department: eng}
    annual: {2024: 1000, 2025: "1200.10"}
    currency: EUR
""",
    )
    amounts = _amounts(budget_months(config))
    assert len(amounts) == 24 and min(amounts) == "2024-01" and max(amounts) == "2025-12"
    first = {p: a for p, a in amounts.items() if p.startswith("2024")}
    assert sum(first.values()) == Decimal(1000)
    assert [first[f"2024-{m:02d}"] for m in range(1, 13)] == [Decimal("83.34")] * 4 + [Decimal("83.33")] * 8
    second = [a for p, a in amounts.items() if p.startswith("2025")]
    assert sum(second) == Decimal("1200.10") and max(second) - min(second) == Decimal("0.01")
    assert budget_months(config, "2025-03", "2025-04")[0].scope == "department:Engineering"
    assert [m.period for m in budget_months(config, "2025-03", "2025-04")] == ["2025-03", "2025-04"]


def test_monthly_budget_runs_to_its_end_or_the_open_end(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        """
budgets:
  - name: open
    scope: {provider: AWS}
    monthly: 500
    start: 2025-01
  - name: closed
    scope: {tag: {env: prod}}
    monthly: "250.50"
    start: 2024-11
    end: 2025-02
""",
    )
    months = budget_months(config, end="2025-04")
    assert [(m.name, m.period) for m in months] == [
        ("open", "2025-01"),
        ("open", "2025-02"),
        ("open", "2025-03"),
        ("open", "2025-04"),
        ("closed", "2024-11"),
        ("closed", "2024-12"),
        ("closed", "2025-01"),
        ("closed", "2025-02"),
    ]
    assert {m.amount for m in months if m.name == "open"} == {Decimal(500)}
    assert {m.scope for m in months} == {"provider:AWS", "tag:env=prod"}
    assert [m.period for m in budget_months(config, open_end="2025-02") if m.name == "open"] == ["2025-01", "2025-02"]
    assert [m.period for m in budget_months(config, start="2025-02", open_end="2025-03")] == [
        "2025-02",
        "2025-03",
        "2025-02",
    ]
    with pytest.raises(QueryError, match="start: '2025-13' is not a month"):
        budget_months(config, start="2025-13")


BUDGET_FILE = """
budget_files:
  - path: plans/budgets.csv
    currency_column: Currency
    name: plan-2025
"""


def _file_config(tmp_path: Path, content: str, text: str = BUDGET_FILE) -> CloudledgerConfig:
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "plans" / "budgets.csv").write_bytes(content.encode("utf-8"))
    return _config(tmp_path, text)


def test_budget_csv_with_bom_crlf_and_every_scope_kind(tmp_path: Path) -> None:
    content = (
        "\ufeffperiod,scope,amount,Currency\r\n"
        "2025-02,team:plat,1000.50,usd\r\n"
        "2025-01,team:platform,999,USD\r\n"
        "2025-01,Department:eng,5000,EUR\r\n"
        "\r\n"
        "2025-01-01,cost_center:cc-100,700,USD\r\n"
        "2025-01,total,9000,USD\r\n"
        "2025-01,tag:env=prod,300,USD\r\n"
        "2025-01,service:Amazon EC2,200,USD\r\n"
    )
    config = _file_config(tmp_path, content)
    months = budget_months(config)
    path = str(tmp_path / "plans" / "budgets.csv")
    assert [(m.scope, m.period, m.amount, m.currency) for m in months] == [
        ("team:platform", "2025-01", Decimal(999), "USD"),
        ("team:platform", "2025-02", Decimal("1000.50"), "USD"),
        ("department:Engineering", "2025-01", Decimal(5000), "EUR"),
        ("cost_center:CC-100", "2025-01", Decimal(700), "USD"),
        ("total", "2025-01", Decimal(9000), "USD"),
        ("tag:env=prod", "2025-01", Decimal(300), "USD"),
        ("service:Amazon EC2", "2025-01", Decimal(200), "USD"),
    ]
    assert {(m.name, m.source, m.metric) for m in months} == {("plan-2025", path, "EffectiveCost")}
    assert [m.period for m in budget_months(config, start="2025-02")] == ["2025-02"]


def test_budget_csv_of_one_scope_kind_with_its_own_columns(tmp_path: Path) -> None:
    content = "Month,Team,Budget\n03/2025,data,10\n04/2025,platform,20\n"
    text = """
budget_files:
  - path: plans/budgets.csv
    scope: team
    period_column: Month
    date_format: "%m/%Y"
    amount_column: Budget
    currency: GBP
    metric: BilledCost
"""
    months = budget_months(_file_config(tmp_path, content, text))
    assert [(m.name, m.scope, m.period, m.amount, m.currency, m.metric) for m in months] == [
        ("budgets", "team:data", "2025-03", Decimal(10), "GBP", "BilledCost"),
        ("budgets", "team:platform", "2025-04", Decimal(20), "GBP", "BilledCost"),
    ]


@pytest.mark.parametrize(
    ("content", "row", "column", "message"),
    [
        ("month,scope,amount,Currency\n", None, "period", r"missing column\(s\) 'period'; found 'month', 'scope'"),
        ("period,scope,amount\n", None, "Currency", r"expected 'period', 'amount', 'scope', 'Currency'"),
        ("period,scope,amount,Currency\n2025-1,total,1,USD\n", 1, "period", "is not a month written YYYY-MM"),
        ('period,scope,amount,Currency\n2025-01,total,1,USD\n2025-02,total,"1,000",USD\n', 2, "amount", "1,000"),
        ("period,scope,amount,Currency\n2025-01,project:x,1,USD\n", 1, "scope", "does not name a scope kind"),
        ("period,scope,amount,Currency\n2025-01,team:infra,1,USD\n", 1, "scope", "no team 'infra'; known: data"),
        ("period,scope,amount,Currency\n2025-01,tag:env,1,USD\n", 1, "scope", "needs KEY=VALUE"),
        ("period,scope,amount,Currency\n2025-01,total,1,\n", 1, "Currency", "currency is empty"),
        (
            "period,scope,amount,Currency\n2025-01,team:plat,1,USD\n2025-01,team:platform,2,USD\n",
            2,
            "period",
            "team:platform has two budgets for 2025-01, in rows 1 and 2",
        ),
    ],
)
def test_budget_csv_errors_name_the_row_and_column(
    tmp_path: Path, content: str, row: int | None, column: str, message: str
) -> None:
    config = _file_config(tmp_path, content)
    with pytest.raises(InputError, match=message) as caught:
        budget_months(config)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        str(tmp_path / "plans" / "budgets.csv"),
        row,
        column,
    )


def test_missing_budget_file_says_where_it_was_looked_for(tmp_path: Path) -> None:
    config = _config(tmp_path, "budget_files:\n  - path: nowhere.csv\n")
    with pytest.raises(InputError, match="relative to the config file's folder") as caught:
        budget_months(config)
    assert caught.value.file == str(tmp_path / "nowhere.csv")


def _blocks(text: str, language: str) -> list[str]:
    return [block.split("\n", 1)[1] for block in text.split("```")[1::2] if block.startswith(language + "\n")]


def test_the_docs_examples_load(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "budgets.md").read_text(encoding="utf-8")
    config_text, *_ = _blocks(text, "yaml")
    layout, *_ = _blocks(text, "csv")
    (tmp_path / "budgets").mkdir()
    (tmp_path / "budgets" / "plan-2025.csv").write_text(layout, encoding="utf-8")
    config = parse_config(config_text, tmp_path / "cloudledger.yaml")
    months = budget_months(config, end="2026-12")
    fiscal = [m for m in months if m.name == "engineering-fy2025"]
    assert (fiscal[0].period, fiscal[-1].period, len(fiscal)) == ("2025-04", "2026-03", 12)
    assert sum(m.amount for m in fiscal) == Decimal(1500000)
    weights = [Decimal(1)] * 9 + [Decimal("1.2"), Decimal("1.2"), Decimal("1.6")]
    for month, weight in zip(fiscal, weights, strict=True):
        assert abs(month.amount - Decimal(1500000) * weight / sum(weights)) < Decimal("0.01")
    planned = [m for m in months if m.name == "plan-2025"]
    assert len(planned) == len(layout.strip().splitlines()) - 1
    assert {m.scope for m in planned} >= {"department:Engineering", "cost_center:CC-1100", "tag:env=prod", "total"}
