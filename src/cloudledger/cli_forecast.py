"""`cloudledger forecast`: each scope's month-end cost (exact so far + forecast of the remaining days), and with
`--backtest` the models' measured accuracy by days ahead."""

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


def forecast(
    by: Annotated[
        str, typer.Option("--by", help="total, ProviderName or ServiceName: one forecast per value and currency.")
    ] = "total",
    metric: Annotated[str, typer.Option("--metric", help="Cost column forecast.")] = "EffectiveCost",
    run_backtest: Annotated[
        bool, typer.Option("--backtest", help="Also measure each model's accuracy on the ledger's own past.")
    ] = False,
    horizon: Annotated[int, typer.Option("--horizon", min=1, max=62, help="Days ahead the backtest scores.")] = 14,
    windows: Annotated[int, typer.Option("--windows", min=1, max=24, help="Backtest origins, HORIZON days apart.")] = 4,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Forecast this month's end: the exact cost so far plus the forecast of the remaining days, 80 % interval.

    Models: AutoETS and MSTL (weekly season), and the seasonal-naive baseline; each series keeps the model with
    the lowest MAPE in a backtest on the ledger's own past (the baseline when it is too short); --backtest shows
    the MAPE by days ahead for that model and the baseline.

    Example: cloudledger forecast --by ProviderName --backtest
    """
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
    from cloudledger.analyses.forecast import BASELINE, month_end_forecast
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as context:
        forecast = month_end_forecast(context.view, by, metric, horizon, windows)
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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
