"""`cloudledger tags`: compliance with the tag policy, of the ledger or of resource inventory files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows

if TYPE_CHECKING:
    from cloudledger.analyses.tag_compliance_model import ComplianceReport, GroupCompliance, UntaggedResource

ALL = "(all)"
SPEND = ("Taggable", "Valid", "Missing", "Invalid", "Untaggable")
COUNTS = ("Resources", "Valid res.", "Missing res.", "Invalid res.")
COLUMNS = ("Currency", "Tag", "Valid %", "Taggable", "Valid", "Missing", "Invalid", "Count %", *COUNTS, "Untaggable")
SCREEN = ("Currency", "Tag", "Valid %", "Taggable", "Missing", "Invalid", "Count %", "Resources", "Untaggable")
"""The columns shown on screen; CSV and JSON carry every column."""
TOP_COLUMNS = ("Resource", "Provider", "Account", "Service", "Currency", "Spend", "Missing", "Invalid")
UNALLOCATED_COLUMNS = ("Tag", "Currency", "Missing", "Unallocated")


def tags(
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="GROUP",
            help="Group by ProviderName, SubAccountId, ServiceName, department, team or month.",
        ),
    ] = None,
    metric: Annotated[
        str, typer.Option(metavar="METRIC", help="BilledCost, EffectiveCost, ListCost or ContractedCost.")
    ] = "EffectiveCost",
    start: Annotated[str | None, typer.Option("--from", metavar="YYYY-MM", help="First billing period.")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="YYYY-MM", help="Last billing period.")] = None,
    top: Annotated[
        int | None, typer.Option("--top", metavar="N", help="List the N non-compliant resources of largest spend.")
    ] = None,
    unallocated: Annotated[
        bool, typer.Option("--unallocated", help="Per missing tag, the spend no ownership rule allocated.")
    ] = False,
    inventory: Annotated[
        list[Path],
        typer.Option("--inventory", metavar="CSV", help="Judge a resource inventory file instead (repeatable)."),
    ] = [],  # noqa: B006
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Which required tags (tag_policy in cloudledger.yaml) are missing or invalid, by spend and by resource.

    Untaggable charges (tax, credits, adjustments, support by default) are shown apart, never as violations.
    --top N lists the non-compliant resources of largest spend; --unallocated shows, per missing tag, the
    spend no ownership rule could allocate; --inventory judges resource inventory CSVs by the same rules.

    Example: cloudledger tags --by team --from 2025-01 --to 2025-03
    """
    if sum([top is not None, unallocated, bool(inventory)]) > 1:
        raise QueryError("choose one of --top, --unallocated and --inventory")
    if by is not None and (top is not None or unallocated):
        raise QueryError("--by groups the compliance table; it cannot be combined with --top or --unallocated")
    run_tags(
        home_of(home),
        config=config,
        by=by,
        metric=metric,
        start=start,
        end=end,
        top=top,
        unallocated=unallocated,
        inventories=inventory,
        as_of=as_of,
        fmt=output_format(fmt),
        console=console(),
    )


def run_tags(
    home: Home,
    *,
    config: Path | None,
    by: str | None,
    metric: str,
    start: str | None,
    end: str | None,
    top: int | None,
    unallocated: bool,
    inventories: list[Path],
    as_of: str | None,
    fmt: OutputFormat,
    console: Console,
) -> None:
    """Print the compliance table, the top non-compliant resources, or the unallocated spend per missing tag."""
    from cloudledger.analyses import tag_compliance as analysis

    if inventories:
        _run_inventories(home, config, inventories, fmt, console)
        return
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as ctx:
        if top is not None:
            found = analysis.top_untagged(ctx.table, ctx.config, top, metric=metric, start=start, end=end)
            title = f"Top {top} resources missing a required tag or carrying an invalid value ({metric})"
            render_rows(console, TOP_COLUMNS, [_top_row(r) for r in found], fmt, money_columns=("Spend",), title=title)
        elif unallocated:
            lines = analysis.unallocated_by_missing_tag(ctx.table, ctx.config, metric=metric, start=start, end=end)
            rows = [
                {"Tag": u.key, "Currency": u.currency, "Missing": u.missing_spend, "Unallocated": u.unallocated_spend}
                for u in lines
            ]
            title = f"Spend missing a tag, and the part no ownership rule allocated ({metric})"
            render_rows(console, UNALLOCATED_COLUMNS, rows, fmt, money_columns=("Missing", "Unallocated"), title=title)
        else:
            report = analysis.tag_compliance(ctx.table, ctx.config, by=by, metric=metric, start=start, end=end)
            version = ctx.view.snapshot.version
            title = f"Tag compliance{f' by {by}' if by else ''}: {metric} (ledger version {version})"
            _render_report([report], by, title, fmt, console)


def _run_inventories(home: Home, config: Path | None, paths: list[Path], fmt: OutputFormat, console: Console) -> None:
    from cloudledger.analyses.inventory import read_inventory
    from cloudledger.analyses.tag_compliance import inventory_compliance
    from cloudledger.config.load import find_config, load_config

    policy = load_config(find_config(config, home)).tag_policy
    reports = [inventory_compliance(read_inventory(path), policy) for path in paths]
    costs = ", ".join(f"{Path(r.groups[0].group or '').name}: {r.metric or 'none'}" for r in reports)
    _render_report(reports, "File", f"Tag compliance (cost column: {costs})", fmt, console)


def _render_report(
    reports: list[ComplianceReport], group_column: str | None, title: str, fmt: OutputFormat, console: Console
) -> None:
    columns = ((group_column,) if group_column else ()) + (SCREEN if fmt == "table" else COLUMNS)
    rows = [row for report in reports for group in report.groups for row in _group_rows(group, group_column)]
    render_rows(console, columns, rows, fmt, money_columns=SPEND, title=title)


def _group_rows(group: GroupCompliance, group_column: str | None) -> list[dict[str, Any]]:
    """The group's 'every required tag' line, then one line per required tag."""
    head = {group_column: group.group} if group_column else {}
    total = {
        **head,
        "Currency": group.currency,
        "Tag": ALL,
        "Valid %": group.spend_percent,
        "Taggable": group.taggable_spend,
        "Valid": group.compliant_spend,
        "Count %": group.count_percent,
        "Resources": group.resources,
        "Valid res.": group.compliant_resources,
        "Untaggable": group.untaggable_spend,
    }
    lines = [
        {
            **head,
            "Currency": group.currency,
            "Tag": k.key,
            "Valid %": k.spend_percent,
            "Taggable": k.taggable_spend,
            "Valid": k.valid_spend,
            "Missing": k.missing_spend,
            "Invalid": k.invalid_spend,
            "Count %": k.count_percent,
            "Resources": k.resources,
            "Valid res.": k.valid_resources,
            "Missing res.": k.missing_resources,
            "Invalid res.": k.invalid_resources,
        }
        for k in group.keys
    ]
    return [total, *lines]


def _top_row(resource: UntaggedResource) -> dict[str, Any]:
    return {
        "Resource": resource.resource_id,
        "Provider": resource.provider,
        "Account": resource.account,
        "Service": resource.service,
        "Currency": resource.currency,
        "Spend": resource.spend,
        "Missing": ", ".join(resource.missing),
        "Invalid": ", ".join(resource.invalid),
    }
