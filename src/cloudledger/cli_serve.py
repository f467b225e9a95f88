"""`cloudledger serve`: the JSON API on this machine (loopback only: there is no authentication yet)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from cloudledger.cli_options import ConfigOption, HomeOption, home_of
from cloudledger.errors import ConfigError

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on (loopback only).")]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)]
WarmOption = Annotated[
    bool,
    typer.Option(
        "--warm/--no-warm",
        help="Request the main pages in the background after start and after each ingest or policy edit, so "
        "visitors are answered from memory.",
    ),
]


def check_loopback(host: str) -> None:
    """Refuse any address other people could reach: the API has no authentication yet."""
    if host.lower() == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(
            f"--host {host} would expose the API to the network, and authentication does not exist yet; "
            "use 127.0.0.1, ::1 or localhost (put an authenticating proxy in front to share it)"
        )


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    home: HomeOption = None,
    config: ConfigOption = None,
    warm: WarmOption = True,
) -> None:
    """Serve the web dashboard and the JSON API (docs at /api/docs) on this machine.

    Example: cloudledger serve --port 8000
    """
    check_loopback(host)
    import uvicorn

    from cloudledger.api.app import create_app
    from cloudledger.api.settings import settings_from

    settings = settings_from(home_of(home).root, config, host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"Open {url} for the dashboard, {url}api/docs for the API (Ctrl-C stops).")
    if warm:
        from cloudledger.api.warmer import Warmer, data_stamp
        from cloudledger.config.load import find_config

        home_dir = settings.ledger_home
        Warmer(url, lambda: data_stamp(home_dir, find_config(settings.config, home_dir))).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
