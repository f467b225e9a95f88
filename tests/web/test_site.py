"""What every page shares: the navigation reaches every page, time travel is kept across links, errors on pages
are pages (with the API's message and status) while the API keeps its JSON shape."""

from __future__ import annotations

import html
import re

import pytest

from allocation_ledger import build_ledger
from api_client import POLICY, Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.web.templating import NAV


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home: Home = build_ledger(tmp_path_factory.mktemp("site"))
    home.config_path.write_text(POLICY, encoding="utf-8")
    return Api(create_app(settings_from(home.root, home.config_path)))


def nav_links(page: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) of every link of the navigation bar."""
    bar = re.search(r'<nav aria-label="Pages">(.*?)</nav>', page, re.S)
    assert bar, "no navigation"
    links = re.findall(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', bar.group(1))
    return [(html.unescape(href), html.unescape(label), bool(current)) for href, current, label in links]


@pytest.mark.parametrize(("key", "label", "path"), NAV)
def test_every_page_loads_and_is_marked_current_in_the_nav(site: Api, key: str, label: str, path: str) -> None:
    response = site.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    links = nav_links(response.text)
    assert [(href, text) for href, text, _ in links] == [(p, text) for _, text, p in NAV]
    assert [text for _, text, current in links if current] == [label]
    assert not re.search(r"\son[a-z]+=", response.text), "inline event handler"


def test_time_travel_is_kept_in_every_link_and_announced(site: Api) -> None:
    response = site.get("/?as_of=0")
    assert response.status_code == 200
    assert [href for href, _, _ in nav_links(response.text)] == [f"{path}?as_of=0" for _, _, path in NAV]
    assert re.search(r"<strong data-as-of>0</strong>", response.text)


def test_an_unknown_page_is_a_page_and_an_unknown_route_is_json(site: Api) -> None:
    page = site.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text and '<nav aria-label="Pages">' in page.text
    route = site.get("/api/v1/no-such-route")
    assert route.status_code == 404
    assert route.json()["error"]["type"] == "HTTPError"


def test_a_bad_parameter_on_a_page_names_it_in_a_page(site: Api) -> None:
    response = site.get("/?as_of=not-a-version")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    detail = re.search(r'<p class="detail" data-error-status="422"><strong>(\w+)</strong>: (.*?)</p>', response.text)
    assert detail, response.text[:800]
    assert detail.group(1) == "as_of"
    api = site.get("/api/v1/kpis?as_of=not-a-version")
    assert api.status_code == 422 and api.json()["error"]["parameter"] == "as_of"
    assert html.unescape(detail.group(2)) == api.json()["error"]["message"]


def test_a_version_that_does_not_exist_is_a_404_page(site: Api) -> None:
    response = site.get("/?as_of=999")
    assert response.status_code == 404 and "as_of" in response.text
