"""`cloudledger sync`: mirror a bucket's current deliveries with a progress bar, then ingest the mirror."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from cloudledger.connectors.base import RemoteObject
from cloudledger.connectors.sync import Hooks, SyncResult, sync
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows
from cloudledger.sources.files import expand_paths


def _bar(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[files]}"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=False,
    )


def _hooks(progress: Progress) -> Hooks:
    state: dict[str, Any] = {"task": None, "done": 0, "total": 0}

    def start(files: int, size: int) -> None:
        state["total"] = files
        state["task"] = progress.add_task("download", total=size, files=f"0/{files} files")

    def advance(size: int) -> None:
        task: TaskID = state["task"]
        progress.update(task, advance=size)

    def finished(obj: RemoteObject) -> None:
        state["done"] += 1
        progress.update(state["task"], files=f"{state['done']}/{state['total']} files", description=obj.name[:40])

    return Hooks(start, advance, finished)


def run_sync(
    home: Home, url: str, *, dry_run: bool, ingest: bool, quiet: bool, fmt: OutputFormat, console: Console
) -> SyncResult:
    """Sync, print what was downloaded (or would be), then ingest the mirror unless told not to."""
    with _bar(console, quiet) as progress:
        result = sync(home, url, dry_run=dry_run, hooks=_hooks(progress))
    if dry_run or not ingest or fmt == "table":
        print_sync(result, console, fmt, dry_run=dry_run)
    if dry_run or not ingest:
        return result
    if not holds_billing_files(result.folder):
        if fmt == "table":
            console.print("Nothing to ingest: the mirror holds no billing files yet.")
        return result
    from cloudledger.cli_ingest import run_ingest

    run_ingest(home, [result.folder], force=False, quiet=quiet, fmt=fmt, console=console)
    return result


def holds_billing_files(folder: Path) -> bool:
    """Whether a sync mirror holds billing files to ingest yet."""
    if not folder.is_dir():
        return False
    try:
        return bool(expand_paths([folder]))
    except InputError:
        return False


def _rows(result: SyncResult) -> list[dict[str, Any]]:
    def row(action: str, key: str, size: int | None) -> dict[str, Any]:
        return {"Action": action, "Key": key, "Bytes": size}

    rows = [row("changed" if o.key in result.changed else "new", o.key, o.size) for o in result.fetch]
    rows += [row("remove", r.key, r.size) for r in result.removed]
    rows += [row("superseded", o.key, o.size) for o in result.superseded]
    rows += [row("incomplete", scope, None) for scope in result.incomplete]
    return rows


def print_sync(result: SyncResult, console: Console, fmt: OutputFormat, *, dry_run: bool) -> None:
    """Every planned action on a dry run or in CSV/JSON; one line after a real sync."""
    rows = _rows(result)
    if fmt != "table" or dry_run:
        if fmt == "table" and not rows:
            console.print(f"Nothing to download from {result.url.text}: the mirror is current.")
            return
        title = f"Sync plan for {result.url.text} (dry run)" if dry_run else None
        render_rows(console, ["Action", "Key", "Bytes"], rows, fmt, title=title)
        return
    size = result.fetched_bytes
    console.print(
        f"[bold green]Synced[/] {result.url.text}: {len(result.fetch)} file(s) downloaded ({size:,} bytes), "
        f"{len(result.unchanged)} unchanged, {len(result.superseded)} superseded by a newer delivery, "
        f"{len(result.removed)} earlier copy(ies) removed, {len(result.manifests)} manifest(s) fetched.",
        highlight=False,
    )
    for scope in result.incomplete:
        console.print(f"[yellow]Incomplete delivery[/] under {scope}: its manifest names files not yet there.")
