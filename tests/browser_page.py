"""Debian's Chromium driven by Playwright: where it is, how it is launched, and a page that records problems."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright import sync_api

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
OKABE_ITO_BLUE = (0x00, 0x72, 0xB2)

needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CLOUDLEDGER_NO_BROWSER") == "1",
    reason="chromium is not installed and CLOUDLEDGER_NO_BROWSER=1 (./run tests installs it with apt-get)",
)
"""Mark for browser tests: skipped only when Chromium is missing and CLOUDLEDGER_NO_BROWSER=1 says that is
expected; otherwise a missing Chromium fails the tests."""


class Loaded:
    """A page loaded in the browser, with every console error, page error and failed request seen meanwhile."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


def drawn(chart: sync_api.Locator, min_shapes: int = 10, min_colours: int = 20) -> None:
    """Assert that an ECharts element drew something: a sized box, SVG shapes, and a non-blank screenshot."""
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100, f"chart box {box}"
    shapes = chart.locator("svg path, svg rect").count()
    assert shapes >= min_shapes, f"the chart has {shapes} shapes"
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) >= min_colours, "the chart looks blank"
