"""The `cloudledger` command line: ingest billing exports, query the ledger, check and export FOCUS."""

from __future__ import annotations

import logging
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cloudledger import cli_alerts, cli_anomalies, cli_budgets, cli_config, cli_forecast, cli_serve, cli_tags, cli_watch
from cloudledger import cli_policy_commands as policy_commands
from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, QuietOption
from cloudledger.cli_units import units_app
from cloudledger.errors import CloudledgerError, QueryError
from cloudledger.home import Home, resolve_home
from cloudledger.render import FORMATS, OutputFormat

app = typer.Typer(
    name="cloudledger",
    help="Every cloud bill normalised to FOCUS in one ledger, reconciled to the cent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _console() -> Console:
    return Console(soft_wrap=True)


def _home(home: Path | None) -> Home:
    return resolve_home(home)


def _format(value: str) -> OutputFormat:
    if value not in FORMATS:
        raise QueryError(f"unknown format {value!r}; valid formats: {', '.join(FORMATS)}")
    return value  # type: ignore[return-value]


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Billing files or folders of them.")],
    home: HomeOption = None,
    config: ConfigOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-read files even if unchanged.")] = False,
    quiet: QuietOption = False,
    fmt: FormatOption = "table",
) -> None:
    """Ingest billing exports; each ingest replaces exactly the (period, source, account) slices it covers.

    CSVs of other layouts are read through the `csv_mappings` of cloudledger.yaml (docs/sources/csv.md).

    Example: cloudledger ingest ~/exports/aws-focus/ --home ./ledger-home
    """
    from cloudledger.cli_ingest import run_ingest

    run_ingest(_home(home), paths, config=config, force=force, quiet=quiet, fmt=_format(fmt), console=_console())


@app.command()
def sync(
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL", help="s3://bucket/prefix, azure://account/container/prefix, gs://bucket/prefix or a folder."
        ),
    ],
    home: HomeOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be downloaded; change nothing.")] = False,
    no_ingest: Annotated[bool, typer.Option("--no-ingest", help="Only download; do not ingest.")] = False,
    quiet: QuietOption = False,
    fmt: FormatOption = "table",
) -> None:
    """Download a provider's new or changed deliveries from cloud storage into the home, then ingest them.

    Example: cloudledger sync s3://acme-billing/cur2/ --home ./ledger-home
    """
    from cloudledger.cli_sync import run_sync

    run_sync(_home(home), url, dry_run=dry_run, ingest=not no_ingest, quiet=quiet, fmt=_format(fmt), console=_console())


@app.command()
def costs(
    by: Annotated[
        list[str],
        typer.Option("--by", "-b", metavar="COLUMN", help="Group by a column or tag:KEY (repeatable)."),
    ] = [],  # noqa: B006
    metric: Annotated[
        str, typer.Option(metavar="METRIC", help="BilledCost, EffectiveCost, ListCost or ContractedCost.")
    ] = "BilledCost",
    grain: Annotated[
        str | None, typer.Option(metavar="GRAIN", help="Time grain: day, month or billing_period.")
    ] = None,
    start: Annotated[str | None, typer.Option(metavar="DATE", help="First day included (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(metavar="DATE", help="First day excluded (YYYY-MM-DD).")] = None,
    filter_: Annotated[
        list[str], typer.Option("--filter", metavar="COLUMN=VALUE", help="COLUMN=VALUE (repeatable).")
    ] = [],  # noqa: B006
    tag: Annotated[list[str], typer.Option("--tag", metavar="KEY=VALUE", help="KEY=VALUE (repeatable).")] = [],  # noqa: B006
    limit: Annotated[int | None, typer.Option(metavar="N", help="Show the top N groups.")] = None,
    kubernetes: Annotated[
        bool, typer.Option("--kubernetes", help="Kubernetes allocation rows (OpenCost) alone instead of the bill.")
    ] = False,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """What did we spend, on what, by whom.

    Tags are read through the tag policy of cloudledger.yaml: tag:team also reads Team and TEAM, and values
    are normalised (prod and production are one value when the policy says so).

    Example: cloudledger costs --by ServiceName --by tag:team --metric EffectiveCost --grain month
    """
    from cloudledger.cli_query import run_costs

    run_costs(
        _home(home),
        by=by,
        metric=metric,
        grain=grain,
        start=_date(start, "--start"),
        end=_date(end, "--end"),
        filters=[_pair(f, "--filter") for f in filter_],
        tags=[_pair(t, "--tag") for t in tag],
        limit=limit,
        kubernetes=kubernetes,
        config=config,
        as_of=as_of,
        fmt=_format(fmt),
        console=_console(),
    )


@app.command()
def columns(home: HomeOption = None, as_of: AsOfOption = None) -> None:
    """List the columns `costs --by` and `--filter` accept.

    Example: cloudledger columns
    """
    from cloudledger.cli_query import run_columns

    run_columns(_home(home), as_of=as_of, console=_console())


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="FOCUS files or folders; none = the ledger.")] = None,
    home: HomeOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Check FOCUS conformance of files (or of the ledger) against the spec's rules.

    Example: cloudledger validate exports/focus_2025-01.csv
    """
    from cloudledger.cli_validate import run_validate

    ok = run_validate(_home(home), paths or [], as_of=as_of, fmt=_format(fmt), console=_console())
    if not ok:
        raise typer.Exit(1)


@app.command()
def reconcile(
    invoices: Annotated[
        Path | None,
        typer.Option("--invoices", metavar="CSV", help="Invoice totals to compare (see docs/reconcile.md)."),
    ] = None,
    tolerance: Annotated[str, typer.Option(metavar="AMOUNT", help="Largest difference accepted.")] = "0.01",
    show_all: Annotated[bool, typer.Option("--all", help="Show every check, not only the differences.")] = False,
    home: HomeOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Prove the ledger's totals equal the providers' own cost columns, the ingest records and your invoices.

    Compares, per billing period, account and currency: the ledger with the native cost columns of the files
    as they arrived, with the totals each ingest recorded, with the invoices given, and one export format
    with another where an account was ingested twice. Exits 1 when any difference exceeds the tolerance.

    Example: cloudledger reconcile --invoices invoices.csv
    """
    from cloudledger.cli_reconcile import run_reconcile

    if not run_reconcile(
        _home(home),
        invoices=invoices,
        as_of=as_of,
        tolerance=_amount(tolerance, "--tolerance"),
        show_all=show_all,
        fmt=_format(fmt),
        console=_console(),
    ):
        raise typer.Exit(1)


@app.command()
def history(
    home: HomeOption = None,
    fmt: FormatOption = "table",
    limit: Annotated[int, typer.Option(metavar="N", help="Show the latest N ingests.")] = 50,
) -> None:
    """List ingests (with status and the Delta version each produced).

    Example: cloudledger history --limit 10
    """
    from cloudledger.cli_query import run_history

    run_history(_home(home), fmt=_format(fmt), limit=limit, console=_console())


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Folder to write into.")],
    file_format: Annotated[str, typer.Option("--file-format", metavar="FORMAT", help="parquet or csv.")] = "parquet",
    fmt: Annotated[str, typer.Option("--format", metavar="FORMAT", help="Dataset format; only 'focus'.")] = "focus",
    home: HomeOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write what the ledger holds as a FOCUS dataset (data file plus metadata).

    Example: cloudledger export ./focus-out --file-format csv
    """
    from cloudledger.cli_export import run_export

    if fmt != "focus":
        raise QueryError(f"unknown export format {fmt!r}; valid formats: focus")
    run_export(_home(home), out, file_format=file_format, as_of=as_of, console=_console())


@app.command()
def demo(
    home: HomeOption = None,
    rows: Annotated[int, typer.Option(metavar="N", help="Approximate number of billing rows to generate.")] = 200_000,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed (same seed, same company).")] = 7,
    quiet: QuietOption = False,
) -> None:
    """Build a ledger of a demo company's 24 months of AWS, Google Cloud and Azure spend.

    Example: cloudledger demo --home ./demo-home --rows 1000000
    """
    from cloudledger.cli_demo import run_demo

    run_demo(_home(home), rows=rows, seed=seed, quiet=quiet, console=_console())


app.command()(policy_commands.allocate)
app.command()(policy_commands.chargeback)
app.command()(policy_commands.plan)
app.command()(cli_budgets.budgets)
app.command()(cli_forecast.forecast)
app.add_typer(cli_anomalies.anomalies_app, name="anomalies")
app.command()(cli_alerts.alerts)
app.command()(cli_watch.watch)
app.command()(cli_tags.tags)
app.command()(cli_config.check)
app.add_typer(cli_config.config_app, name="config")
app.command()(cli_serve.serve)
app.add_typer(units_app, name="units")


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise QueryError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from exc


def _amount(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise QueryError(f"{option} {text!r} is not an amount such as 0.01") from None
    if not value.is_finite() or value < 0:
        raise QueryError(f"{option} {text!r} is not an amount such as 0.01")
    return value


def _pair(text: str, option: str) -> tuple[str, str]:
    if "=" not in text:
        raise QueryError(f"{option} {text!r} must look like NAME=VALUE")
    name, value = text.split("=", 1)
    return name.strip(), value


def main() -> None:
    """Entry point: errors become one line on stderr and a non-zero exit."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except CloudledgerError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
