"""`cloudledger forecast`: each scope's month-end cost (exact so far + forecast of the remaining days), and with
`--backtest` the models' measured accuracy by days ahead; `--year`: the next 12 months."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows

MONTH_END = ("scope", "currency", "month", "so far", "forecast rest", "month end", "80 % low", "80 % high", "model")
MONEY = ("so far", "forecast rest", "month end", "80 % low", "80 % high")
SHOWN_DAYS = (1, 7, 14, 30)
YEAR = ("scope", "currency", "month", "so far", "forecast", "80 % low", "80 % high", "model", "yearly season")
YEAR_MONEY = ("so far", "forecast", "80 % low", "80 % high")
SHOWN_MONTHS = (1, 3, 6, 9)


def forecast(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="total, ProviderName, ServiceName, department, team (allocated cost) or budget (each budget's "
            "scope, metric and currency): one forecast per value and currency.",
        ),
    ] = "total",
    metric: Annotated[str, typer.Option("--metric", help="Cost column forecast.")] = "EffectiveCost",
    run_backtest: Annotated[
        bool, typer.Option("--backtest", help="Also measure each model's accuracy on the ledger's own past.")
    ] = False,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=62, help="Days ahead the backtest scores.")] = 14,
    windows: Annotated[int, typer.Option("--windows", min=1, max=24, help="Backtest origins, HORIZON days apart.")] = 4,
    year: Annotated[
        bool, typer.Option("--year", help="The next 12 months instead (with --backtest: origins 3, 6, 9 months back).")
    ] = False,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Forecast this month's end: the exact cost so far plus the forecast of the remaining days, 80 % interval.

    Models: AutoETS and MSTL (weekly season), and the seasonal-naive baseline; each series keeps the model with
    the lowest MAPE in a backtest on the ledger's own past (the baseline when it is too short); --backtest shows
    the MAPE by days ahead for that model and the baseline. Departments and teams forecast their allocated cost
    (direct and shared, as the chargeback counts it), budgets their scope's cost in their own metric and currency.

    --year: each month of the next 12 (the current one: cost so far + forecast rest), 80 % interval; MSTL with a
    weekly and a yearly season when two years of history exist, else with the weekly season alone.

    Example: cloudledger forecast --by department --year
    """
    from cloudledger.analyses.forecast_scopes import check_scope

    check_scope(by)
    if year:
        run_year(home_of(home), config, as_of, by, metric, run_backtest, output_format(fmt), console())
        return
    run_forecast(
        home_of(home), config, as_of, by, metric, run_backtest, horizon, windows, output_format(fmt), console()
    )


def run_forecast(
    home: Home,
    config: Path | None,
    as_of: str | None,
    by: str,
    metric: str,
    run_backtest: bool,
    horizon: int,
    windows: int,
    fmt: OutputFormat,
    out: Console,
) -> None:
    from cloudledger.analyses.forecast import BASELINE
    from cloudledger.analyses.forecast_scopes import scope_forecast
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as context:
        forecast = scope_forecast(context.view, context.config, by, metric, horizon, windows, metrics=context.metrics)
    ends, scores, last = forecast.ends, forecast.scores, forecast.last_day
    if last is None:
        out.print("No cost to forecast yet.")
        return
    rows: list[dict[str, Any]] = [
        {
            "scope": e.scope,
            "currency": e.currency,
            "month": e.month,
            "so far": e.actual,
            "forecast rest": e.remaining,
            "month end": e.total,
            "80 % low": e.low,
            "80 % high": e.high,
            "model": e.model,
        }
        for e in ends
    ]
    render_rows(out, MONTH_END, rows, fmt, money_columns=MONEY, title=f"Month-end {metric} forecast, as of {last}")
    if scores and run_backtest:
        days = [d for d in SHOWN_DAYS if d <= horizon]
        columns = ("scope", "currency", "model", *(f"MAPE day {d} %" for d in days), "MAPE all %")
        table = []
        for b in scores:
            for model in dict.fromkeys((b.chosen, BASELINE)):
                accuracy = b.accuracy(model)
                line: dict[str, Any] = {"scope": b.scope, "currency": b.currency, "model": model}
                line.update({f"MAPE day {d} %": _pct(accuracy.by_horizon[d - 1]) for d in days})
                line["MAPE all %"] = _pct(accuracy.overall)
                table.append(line)
        title = f"Backtest: {windows} origins {horizon} days apart, each forecasting {horizon} days"
        render_rows(out, columns, table, fmt, title=title)


def run_year(
    home: Home,
    config: Path | None,
    as_of: str | None,
    by: str,
    metric: str,
    run_backtest: bool,
    fmt: OutputFormat,
    out: Console,
) -> None:
    from cloudledger.analyses.forecast_year import MODEL, NAIVE, YEARLY_NAIVE, year_view
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as context:
        view = year_view(context.view, context.config, by, metric, run_backtest=run_backtest, metrics=context.metrics)
    if view.last_day is None:
        out.print("No cost to forecast yet.")
        return
    rows = [
        {
            "scope": y.scope,
            "currency": y.currency,
            "month": m.month,
            "so far": m.actual,
            "forecast": m.forecast,
            "80 % low": m.low,
            "80 % high": m.high,
            "model": y.model,
            "yearly season": "yes" if y.yearly_season else "no",
        }
        for y in view.forecasts
        for m in y.months
    ]
    title = f"{metric} of the next 12 months, as of {view.last_day}"
    render_rows(out, YEAR, rows, fmt, money_columns=YEAR_MONEY, title=title)
    if not run_backtest:
        return
    columns = ("scope", "currency", "model", *(f"MAPE month {k} %" for k in SHOWN_MONTHS), "MAPE all %", "in 80 %")
    table = []
    for b in view.scores:
        for model in (MODEL, NAIVE, YEARLY_NAIVE):
            accuracy = b.accuracy(model)
            line: dict[str, Any] = {"scope": b.scope, "currency": b.currency, "model": model}
            months = accuracy.by_month
            line.update({f"MAPE month {k} %": _pct(months[k - 1] if k <= len(months) else None) for k in SHOWN_MONTHS})
            line["MAPE all %"] = _pct(accuracy.overall)
            line["in 80 %"] = _pct(None if b.coverage is None or model != MODEL else b.coverage * 100)
            table.append(line)
    origins = ", ".join(dict.fromkeys(o for b in view.scores for o in b.origins)) or "none"
    render_rows(out, columns, table, fmt, title=f"Year backtest: monthly totals forecast after {origins}")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
