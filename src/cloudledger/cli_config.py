"""`cloudledger check` (validate cloudledger.yaml, and try it on the ledger) and `cloudledger config schema`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cloudledger.cli_options import ConfigOption, HomeOption, console, home_of
from cloudledger.errors import ConfigError
from cloudledger.home import Home

if TYPE_CHECKING:  # the config models import the query engine: only load them when a command runs
    from cloudledger.config.model import CloudledgerConfig

config_app = typer.Typer(
    name="config",
    help="The cloudledger.yaml file: its JSON Schema for editors and CI.",
    no_args_is_help=True,
    add_completion=False,
)


def check(home: HomeOption = None, config: ConfigOption = None) -> None:
    """Validate cloudledger.yaml; with a ledger in the home folder, also try its rules on the ledger.

    Prints which file was read, the sections it holds and what they count. With a ledger, warns about
    ownership rules that match or own no cost and shared pools that are empty in the latest billing period.
    Exits 1 when the file is not valid, printing every error with its line and column.

    Example: cloudledger check --config ./cloudledger.yaml --home ./ledger-home
    """
    if not run_check(home_of(home), config=config, console=console()):
        raise typer.Exit(1)


@config_app.command("schema")
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the schema to FILE (default: print it)."),
    ] = None,
) -> None:
    """Print the JSON Schema of cloudledger.yaml (YAML language servers use it for completion and checks).

    Example: cloudledger config schema --output cloudledger.schema.json
    """
    from cloudledger.config.schema import config_schema_text

    text = config_schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the schema to {output}: {exc}") from exc
    console().print(f"Wrote the JSON Schema of cloudledger.yaml to {escape(str(output))}", highlight=False)


def run_check(home: Home, *, config: Path | None, console: Console) -> bool:
    """Validate the config `--config` or the search finds and report on it; False when it is not valid."""
    from cloudledger.config.load import find_config, load_config

    path = find_config(config, home)
    if path is None:
        console.print(
            f"No cloudledger.yaml found (looked for {escape(str(Path.cwd() / 'cloudledger.yaml'))} and "
            f"{escape(str(home.config_path))}): the defaults apply.",
            highlight=False,
        )
        return True
    try:
        loaded = load_config(path)
    except ConfigError as exc:
        lines = str(exc).splitlines()
        console.print(f"[red]{escape(str(path))} is not valid[/] ({_count(len(lines), 'problem')}):")
        for line in lines:
            console.print(escape(line), highlight=False)
        return False
    console.print(f"{escape(str(path))}: valid.", highlight=False)
    for line in describe_config(loaded):
        console.print(escape(line), highlight=False)
    _check_ledger(home, loaded, console)
    return True


def describe_config(config: CloudledgerConfig) -> list[str]:
    """What the file holds, section by section, in a few lines."""
    from cloudledger.config.model import CloudledgerConfig

    written = [name for name in CloudledgerConfig.model_fields if name in config.model_fields_set]
    absent = [name for name in CloudledgerConfig.model_fields if name not in config.model_fields_set]
    org, tags, allocation, chargeback = config.organization, config.tag_policy, config.allocation, config.chargeback
    teams = sum(len(d.teams) for d in org.departments)
    lines = [
        f"Sections: {', '.join(written) or 'none'}"
        + (f" (not written, defaults apply: {', '.join(absent)})" if absent else ""),
        f"Organization: {_count(len(org.departments), 'department')}, {_count(teams, 'team')}, "
        f"{_count(len(org.cost_centers), 'cost center')}, {_count(len(org.rules), 'ownership rule')}",
        f"Tag policy: {_count(len(tags.required), 'required tag')} ({', '.join(tags.required) or 'none'}), "
        f"{_count(len(tags.keys), 'key rule')}, {_count(len(tags.untaggable), 'untaggable selector')}",
        f"Allocation: {_count(len(allocation.dimensions), 'dimension')}, "
        f"{_count(len(allocation.shared_costs), 'shared-cost pool')}",
        f"Chargeback: {chargeback.metric} by {chargeback.level.replace('_', ' ')}, suspense account "
        f"{chargeback.suspense_account or 'none'}",
        f"Budgets: {_count(len(config.budgets), 'budget')}, {_count(len(config.budget_files), 'budget file')}; "
        f"{_count(len(config.unit_costs), 'unit cost')}; {_count(len(config.csv_mappings), 'CSV mapping')}",
    ]
    return lines


def _check_ledger(home: Home, config: CloudledgerConfig, console: Console) -> None:
    """Warnings from trying the config on the home's ledger (nothing when there is no ledger)."""
    if not home.ledger_path.exists():
        console.print(f"No ledger in {escape(str(home.root))}: rules were not tried on any cost.", highlight=False)
        return
    from cloudledger.analyses.config_coverage import config_coverage
    from cloudledger.cli_policy import business_metrics
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(home)
    try:
        coverage = config_coverage(view.table, config, business_metrics(home))
    finally:
        view.close()
    if not coverage.periods:
        console.print("The ledger is empty: rules were not tried on any cost.", highlight=False)
        return
    span = f"{coverage.periods[0]} to {coverage.periods[-1]}"
    console.print(
        f"Tried on the ledger ({span}): {_count(len(coverage.warnings), 'warning')}.",
        highlight=False,
    )
    for warning in coverage.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
