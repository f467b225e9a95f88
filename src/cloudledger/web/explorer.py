"""The cost explorer page (`/explorer`) and its exports (`/explorer/export.csv`, `/explorer/export.xlsx`).

Its query string is that of `GET /api/v1/costs` (one `group_by`, a `grain` of day or month, `top` added), so a
page, its exports and its API twin run the same analysis (`run_costs`) over the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cloudledger.analyses.explorer import METRICS, charge_span, run_costs
from cloudledger.analyses.explorer_source import cost_source
from cloudledger.api.deps import LedgerDep, PolicyDep, SettingsDep, tables
from cloudledger.api.params import EndDay, StartDate
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.allocation import Metric
from cloudledger.errors import LedgerError
from cloudledger.web.explorer_export import CSV_TYPE, XLSX_TYPE, file_name, to_csv, to_xlsx
from cloudledger.web.explorer_options import GroupOptions, group_options
from cloudledger.web.explorer_results import CurrencyTable, chart_data, group_label, pivot
from cloudledger.web.explorer_state import DEFAULT_TOP, MAX_TOP, ExplorerState, Given, PageGrain, resolve
from cloudledger.web.templating import ingest_command, page_url, render

router = APIRouter(include_in_schema=False)
PAGE = "/explorer"
MAX_ROWS = 500
"""Groups listed in a page's table; the others are summed in one row (the exports list every group)."""


def _given(
    group_by: Annotated[str | None, Query(description="A groupable column or tag:KEY.")] = None,
    metric: Metric = "BilledCost",
    grain: PageGrain = "month",
    start: StartDate = None,
    end: EndDay = None,
    filter: Annotated[list[str], Query(description="COLUMN=VALUE, repeatable.")] = [],  # noqa: B006
    tag: Annotated[list[str], Query(description="KEY=VALUE, repeatable.")] = [],  # noqa: B006
    top: Annotated[int, Query(ge=1, le=MAX_TOP, description="Groups drawn before Other.")] = DEFAULT_TOP,
) -> Given:
    return Given(group_by, metric, grain, start, end, tuple(filter), tuple(tag), top)


GivenDep = Annotated[Given, Depends(_given)]


@dataclass(frozen=True)
class Explored:
    """A resolved state, its group-by choices and its tables (one per currency)."""

    state: ExplorerState
    options: GroupOptions
    tables: list[CurrencyTable]


def _explore(request: Request, ledger: LedgerDep, policy: PolicyDep, results: Results, given: Given) -> Explored | None:
    """Validate `given`, fill the defaults and run the query; None when the ledger holds no bill."""
    if ledger is None:
        return None
    every = tables(ledger)
    span = results.get("charge-span", (), lambda: charge_span(every.daily))
    if span is None:
        return None
    options, tags = group_options(request, ledger, policy.config.tag_policy)
    state = resolve(given, options.allowed, span)
    query = state.query()
    result = results.get("costs", query, lambda: run_costs(ledger.con, cost_source(query, every), query, tags))

    def drill(value: str | None) -> str | None:
        target = state.drill(value, options.allowed)
        return page_url(request, PAGE, **target.params()) if target is not None else None

    return Explored(state, options, pivot(result, state, state.periods(span), drill))


@router.get(PAGE, response_class=HTMLResponse)
def explorer(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    settings: SettingsDep,
    results: ResultsDep,
    given: GivenDep,
) -> HTMLResponse:
    """Costs grouped by one column or tag, per period, per billing currency: a stacked bar chart and its table."""
    explored = _explore(request, ledger, policy, results, given)
    if explored is None:
        return render(request, "explorer.html", "explorer", {"state": None, "ingest": ingest_command(settings)})
    return render(request, "explorer.html", "explorer", _context(request, explored))


def _context(request: Request, explored: Explored) -> dict[str, Any]:
    state = explored.state
    params = state.params()

    def link(target: ExplorerState) -> str:
        return page_url(request, PAGE, **target.params())

    chips = [(f"{name} = {group_label(v)}", link(state.without_filter(i))) for i, (name, v) in enumerate(state.filters)]
    chips += [(f"tag {key} = {v}", link(state.without_tag(i))) for i, (key, v) in enumerate(state.tags)]
    api = {k: v for k, v in params.items() if k != "top"}
    return {
        "state": state,
        "options": explored.options,
        "tables": explored.tables,
        "charts": [chart_data(table, state) for table in explored.tables],
        "chips": chips,
        "metrics": METRICS,
        "grains": ("month", "day"),
        "max_top": MAX_TOP,
        "max_rows": MAX_ROWS,
        "next_level": state.next_level(explored.options.allowed),
        "csv": page_url(request, f"{PAGE}/export.csv", **params),
        "xlsx": page_url(request, f"{PAGE}/export.xlsx", **params),
        "api": page_url(request, "/api/v1/costs", **api),
    }


def _download(request: Request, ledger: LedgerDep, policy: PolicyDep, results: Results, given: Given) -> Explored:
    explored = _explore(request, ledger, policy, results, given)
    if explored is None:
        raise LedgerError("the ledger holds no costs yet: run cloudledger ingest PATH, then export")
    return explored


def _attachment(body: str | bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(f"{PAGE}/export.csv")
def export_csv(
    request: Request, ledger: LedgerDep, policy: PolicyDep, results: ResultsDep, given: GivenDep
) -> Response:
    """The page's table as CSV: exact decimal strings, one total row per currency."""
    explored = _download(request, ledger, policy, results, given)
    return _attachment(to_csv(explored.tables, explored.state), CSV_TYPE, file_name(explored.state, "csv"))


@router.get(f"{PAGE}/export.xlsx")
def export_xlsx(
    request: Request, ledger: LedgerDep, policy: PolicyDep, results: ResultsDep, given: GivenDep
) -> Response:
    """The page's table as a workbook: one sheet per currency, amounts in the currency's number format."""
    explored = _download(request, ledger, policy, results, given)
    return _attachment(to_xlsx(explored.tables, explored.state), XLSX_TYPE, file_name(explored.state, "xlsx"))
