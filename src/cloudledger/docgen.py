"""Generated documentation: the CLI reference, each source's column-mapping page, the CSV mapping reference
and the cloudledger.yaml reference.

`python -m cloudledger.docgen` rewrites them; tests fail when a checked-in page is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.models import CommandInfo
from typer.testing import CliRunner

from cloudledger.config.reference import config_reference
from cloudledger.sources import REGISTRY, Source, load_builtin_sources
from cloudledger.sources.csv_docs import csv_page

WIDTH = 100


def cli_reference() -> str:
    """`docs/cli.md`: every command's `--help`, as printed in a 100-column terminal."""
    from cloudledger.cli import app

    runner = CliRunner()
    env = {"COLUMNS": str(WIDTH), "TERMINAL_WIDTH": str(WIDTH), "NO_COLOR": "1"}
    parts = [
        "# Command reference\n",
        "Generated from `cloudledger COMMAND --help` (`python -m cloudledger.docgen` refreshes it).\n",
    ]
    for words in command_names():
        result = runner.invoke(app, [*words, "--help"], env=env, terminal_width=WIDTH)
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        parts.append(f"## cloudledger {' '.join(words)}\n\n```\n{text}\n```\n")
    return "\n".join(parts)


def command_names() -> list[list[str]]:
    """Every command as the words typed after `cloudledger`: commands, then each group's commands."""
    from cloudledger.cli import app

    names = [[_name(command)] for command in app.registered_commands]
    for group in app.registered_groups:
        sub = group.typer_instance
        name = group.name or (sub.info.name if sub is not None else None)
        if sub is not None and isinstance(name, str):
            names += [[name, _name(command)] for command in sub.registered_commands]
    return names


def _name(command: CommandInfo) -> str:
    return command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")


def source_page(source: Source) -> str:
    """`docs/sources/<name>.md`: what the source reads and its column mapping table."""
    lines = [
        f"# Source `{source.name}`\n",
        f"{source.description}\n",
        source.notes.strip() + "\n" if source.notes else "",
        "## Column mapping\n",
        "| FOCUS column | from | note |",
        "|---|---|---|",
    ]
    lines += [f"| {m.focus_column} | {m.source_expression} | {m.note} |" for m in source.column_map]
    return "\n".join(line for line in lines if line != "") + "\n"


def pages(root: Path) -> dict[Path, str]:
    """Every generated page, keyed by its path under `root`."""
    load_builtin_sources()
    out = {root / "docs" / "cli.md": cli_reference()}
    for source in REGISTRY.values():
        out[root / "docs" / "sources" / f"{source.name}.md"] = source_page(source)
    out[root / "docs" / "sources" / "csv.md"] = csv_page(root)
    out[root / "docs" / "config.md"] = config_reference()
    return out


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    for path, text in pages(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
