"""Screenshots of the web pages for the docs: `python tools/screenshots.py [HOME]` (default: .demo-home, made
by `./run demo`). Serves the home on a free 127.0.0.1 port and photographs each page in Debian's Chromium."""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright import sync_api

from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from

PAGES = {
    "executive": "/",
    "explorer": "/explorer?group_by=ServiceCategory&metric=EffectiveCost&grain=month",
}
VIEWPORT = {"width": 1400, "height": 900}
MAX_HEIGHT = 1800
"""Each picture is the top of its page, at most this tall (a whole page would be several megabytes)."""
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"]


def main() -> None:
    home = Path(sys.argv[1] if len(sys.argv) > 1 else ".demo-home").resolve()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings_from(home, None, "127.0.0.1", port)), port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        for name, path in PAGES.items():
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
            page.wait_for_timeout(1500)  # ECharts animates its first draw
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True, clip=clip)
            print(OUT / f"{name}.png")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
