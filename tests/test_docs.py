"""Generated docs (CLI reference, source mapping pages) are checked in and current."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudledger.docgen import command_names, pages

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(pages(REPO)), ids=lambda p: str(p.relative_to(REPO)))
def test_generated_page_is_current(path: Path) -> None:
    expected = pages(REPO)[path]
    assert path.exists(), f"{path} is missing: run python -m cloudledger.docgen"
    assert path.read_text(encoding="utf-8") == expected, f"{path} is stale: run python -m cloudledger.docgen"


def test_every_command_has_an_example() -> None:
    from cloudledger.cli import app

    commands = [*app.registered_commands]
    for group in app.registered_groups:
        if group.typer_instance is not None:
            commands += group.typer_instance.registered_commands
    for command in commands:
        assert command.callback is not None and "Example: cloudledger" in (command.callback.__doc__ or "")


def test_the_cli_reference_covers_every_command_of_every_group() -> None:
    from typer.main import get_command

    from cloudledger.cli import app

    root = get_command(app)
    expected: list[list[str]] = []
    for name, command in getattr(root, "commands", {}).items():
        subcommands = getattr(command, "commands", None)
        expected += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    assert sorted(command_names()) == sorted(expected)


def test_readme_names_the_two_quickstart_commands() -> None:
    readme = (REPO / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quickstart.splitlines() if line.startswith("./run")]
    assert commands == ["./run demo", "./run tests"]
