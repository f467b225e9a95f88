"""`cloudledger units import | show | metrics`: business metrics in, unit costs (cost per order...) out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, home_of, output_format
from cloudledger.cli_options import console as terminal
from cloudledger.errors import ConfigError, QueryError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, money, render_rows

if TYPE_CHECKING:  # the analysis, the ledger and the state database are imported when a command runs
    from cloudledger.analyses.unit_costs import UnitCostLine, UnitCostReport, UnitCostSeries
    from cloudledger.ledger.metrics_store import MetricPoint

units_app = typer.Typer(
    name="units",
    help="Unit economics: cost per order, per customer, per 1,000 API calls (see docs/unit-economics.md).",
    no_args_is_help=True,
    add_completion=False,
)
CSV_COLUMNS = ("unit", "period", "currency", "cost", "metric_value", "unit_cost", "change_pct", "missing_days")


@units_app.command("import")
def import_metrics(
    files: Annotated[list[Path], typer.Argument(help="Metrics CSV files: date,metric,value and optionally dimension.")],
    home: HomeOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Load business metrics; a value loaded again for the same metric, dimension and date replaces the stored one.

    Example: cloudledger units import docs/examples/business-metrics.csv
    """
    run_import(home_of(home), files, fmt=output_format(fmt), console=terminal())


@units_app.command("show")
def show(
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    name: Annotated[list[str], typer.Option("--name", metavar="NAME", help="Only this unit cost (repeatable).")] = [],  # noqa: B006
    start: Annotated[str | None, typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day, included (YYYY-MM-DD).")] = None,
    fmt: FormatOption = "table",
) -> None:
    """Show the unit costs of cloudledger.yaml per day or month, with their change and trend.

    Example: cloudledger units show --name "checkout per order" --from 2025-01-01
    """
    report = run_show(
        home_of(home),
        config=config,
        as_of=as_of,
        names=name,
        start=_date(start, "--from"),
        end=_date(end, "--to"),
    )
    render_report(report, output_format(fmt), terminal())


@units_app.command("metrics")
def list_metrics(home: HomeOption = None, fmt: FormatOption = "table") -> None:
    """List the business metrics loaded: grain, dimensions, first and last date, number of values.

    Example: cloudledger units metrics --format json
    """
    run_metrics(home_of(home), fmt=output_format(fmt), console=terminal())


def run_import(home: Home, files: Sequence[Path], *, fmt: OutputFormat, console: Console) -> None:
    """Read every file first (a bad file loads nothing), then load each in its own transaction."""
    from cloudledger.analyses.metrics_csv import read_metrics_csv
    from cloudledger.ledger.metrics_store import open_metrics

    read = [(path, read_metrics_csv(path)) for path in files]
    store = open_metrics(home)
    try:
        results = [store.load(points, str(path)) for path, points in read]
    finally:
        store.dispose()
    rows = [
        {
            "File": Path(r.source_file).name,
            "Metrics": ", ".join(r.metrics),
            "Points": r.points,
            "New": r.inserted,
            "Replaced": r.replaced,
        }
        for r in results
    ]
    render_rows(console, ("File", "Metrics", "Points", "New", "Replaced"), rows, fmt, title="Business metrics loaded")


def stored_points(home: Home) -> list[MetricPoint]:
    """Every business metric value stored in `home` (none when nothing was ever loaded)."""
    from cloudledger.ledger.metrics_store import open_metrics

    if not home.state_db_path.exists():
        return []
    store = open_metrics(home)
    try:
        return store.points()
    finally:
        store.dispose()


def run_show(
    home: Home,
    *,
    config: Path | None,
    as_of: str | None,
    names: Sequence[str],
    start: date | None,
    end: date | None,
) -> UnitCostReport:
    """The unit-cost report of `home`'s ledger and metrics under the config found for it."""
    import ibis

    from cloudledger.analyses.metrics_csv import metrics_arrow
    from cloudledger.analyses.unit_costs import unit_costs
    from cloudledger.config.load import find_config, load_config
    from cloudledger.ledger.read import open_ledger
    from cloudledger.ledger.table import parse_as_of

    path = find_config(config, home)
    loaded = load_config(path)
    if not loaded.unit_costs:
        raise ConfigError(
            f"{path or 'no cloudledger.yaml found'}: no unit costs defined; "
            "add a unit_costs: section (see docs/unit-economics.md)"
        )
    metrics = ibis.memtable(metrics_arrow(stored_points(home)))
    view = open_ledger(home, parse_as_of(as_of))
    try:
        return unit_costs(view.table, loaded, metrics, names=list(names) or None, start=start, end=end)
    finally:
        view.close()


def run_metrics(home: Home, *, fmt: OutputFormat, console: Console) -> None:
    from cloudledger.ledger.metrics_store import open_metrics

    summaries = []
    if home.state_db_path.exists():
        store = open_metrics(home)
        try:
            summaries = store.metrics()
        finally:
            store.dispose()
    rows = [
        {
            "Metric": s.name,
            "Grain": s.grain,
            "Dimensions": ", ".join(d for d in s.dimensions if d) or "—",
            "First": _when(s.first_date, s.grain),
            "Last": _when(s.last_date, s.grain),
            "Points": s.points,
        }
        for s in summaries
    ]
    if not rows and fmt == "table":
        console.print("No business metrics loaded yet: run `cloudledger units import FILE`.", highlight=False)
        return
    columns = ("Metric", "Grain", "Dimensions", "First", "Last", "Points")
    render_rows(console, columns, rows, fmt, title="Business metrics")


def render_report(report: UnitCostReport, fmt: OutputFormat, console: Console) -> None:
    """JSON: one object per unit cost with its lines; CSV: one row per unit cost and period; else tables."""
    if fmt == "json":
        console.out(json.dumps([_series_json(s) for s in report.series], indent=2), highlight=False)
    elif fmt == "csv":
        rows = [_line_json(s, line) | {"unit": s.unit.name} for s in report.series for line in s.lines]
        render_rows(console, CSV_COLUMNS, rows, fmt)
    else:
        for index, series in enumerate(report.series):
            if index:
                console.print()
            _table(series, console)


def _series_json(series: UnitCostSeries) -> dict[str, Any]:
    unit = series.unit
    return {
        "name": unit.name,
        "metric": unit.metric,
        "dimension": unit.dimension,
        "department": unit.department,
        "team": unit.team,
        "cost_column": unit.cost,
        "grain": unit.grain,
        "per": _plain(unit.per),
        "currency": series.currency,
        "slope": _shown(series.slope),
        "lines": [_line_json(series, line) for line in series.lines],
    }


def _line_json(series: UnitCostSeries, line: UnitCostLine) -> dict[str, Any]:
    return {
        "period": _when(line.period, series.unit.grain),
        "currency": series.currency,
        "cost": format(line.cost, "f"),
        "metric_value": _plain(line.value),
        "unit_cost": _shown(line.unit_cost),
        "change_pct": _percent(line.change_pct),
        "missing_days": line.missing_days,
    }


def _table(series: UnitCostSeries, console: Console) -> None:
    unit = series.unit
    currency = series.currency or ""
    per = f"{_plain(unit.per)} " if unit.per != 1 else ""
    metric = unit.metric + (f" ({unit.dimension})" if unit.dimension else "")
    owner = f" of {unit.department or unit.team}" if unit.department or unit.team else ""
    table = Table(title=f"{unit.name}: {unit.cost}{owner} ÷ {metric}", caption=_trend(series, per))
    for column in ("Period", f"Cost {currency}".strip(), metric, f"{currency} / {per}{unit.metric}".strip(), "Change"):
        table.add_column(column, justify="left" if column == "Period" else "right")
    for line in series.lines:
        note = f"{line.missing_days} day(s) without {unit.metric}" if line.missing_days else "—"
        table.add_row(
            _when(line.period, unit.grain),
            money(line.cost),
            _plain(line.value) or "—",
            _shown(line.unit_cost) or note,
            f"{_percent(line.change_pct)}%" if line.change_pct is not None else "—",
        )
    console.print(table)


def _trend(series: UnitCostSeries, per: str) -> str:
    if series.slope is None:
        return "trend: needs two periods with a unit cost"
    known = sum(1 for line in series.lines if line.unit_cost is not None)
    grain = series.unit.grain
    sign = "+" if series.slope > 0 else ""
    return (
        f"trend: {sign}{_shown(series.slope)} {series.currency or ''} / {per}{series.unit.metric} per {grain} "
        f"(least squares over {known} {grain}s)"
    )


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _when(day: date, grain: str) -> str:
    return day.strftime("%Y-%m") if grain == "month" else day.isoformat()


def _plain(value: Decimal | None) -> str | None:
    """A metric value without trailing zeros: 1834, 0.25."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shown(value: Decimal | None) -> str | None:
    """Six significant digits, plain notation."""
    from cloudledger.analyses.unit_costs import significant

    return None if value is None else format(significant(value), "f")


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
