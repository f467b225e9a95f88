"""Options shared by the commands of the `cloudledger` CLI, and the helpers that read them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cloudledger.errors import QueryError
from cloudledger.home import Home, resolve_home
from cloudledger.render import FORMATS, OutputFormat

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        metavar="DIR",
        help="Data folder (default: $CLOUDLEDGER_HOME, else ~/.cloudledger).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="cloudledger.yaml to use (default: ./cloudledger.yaml, else the one in the home folder).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="VERSION|DATE",
        help="Read the ledger as of a version number, a date (YYYY-MM-DD) or a date-time.",
    ),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="Output: table, csv or json.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]


def console() -> Console:
    return Console(soft_wrap=True)


def home_of(home: Path | None) -> Home:
    return resolve_home(home)


def output_format(value: str) -> OutputFormat:
    if value not in FORMATS:
        raise QueryError(f"unknown format {value!r}; valid formats: {', '.join(FORMATS)}")
    return value  # type: ignore[return-value]
