"""One error shape for every failure: `{"error": {"type", "message", "parameter"}}`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from cloudledger import errors

STATUS: dict[type[errors.CloudledgerError], int] = {
    errors.QueryError: 422,
    errors.ConfigError: 422,
    errors.InputError: 422,
    errors.LedgerError: 409,
    errors.StorageError: 502,
}


READABLE = {
    "string_pattern_mismatch": "expected a month as YYYY-MM, e.g. 2025-01",  # the only pattern the routes use
    "missing": "this parameter is required",
}
"""Pydantic's messages that a finance user would not understand, said plainly."""


class ErrorDetail(BaseModel):
    type: str
    """The cloudledger error class, e.g. QueryError."""
    message: str
    parameter: str | None = None
    """The request parameter at fault, when one is."""


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {status: {"model": ErrorResponse} for status in (404, 409, 422)}


class ParameterError(errors.CloudledgerError):
    """A cloudledger error blamed on one request parameter (and, when given, answered with `status`)."""

    def __init__(self, cause: errors.CloudledgerError, parameter: str | None, status: int | None = None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.parameter = parameter
        self.status = status


def bad(parameter: str, message: str) -> ParameterError:
    """A QueryError about `parameter`."""
    return ParameterError(errors.QueryError(message), parameter)


@contextmanager
def blame(parameter: str) -> Iterator[None]:
    """QueryErrors and ConfigErrors raised inside are blamed on `parameter`."""
    try:
        yield
    except (errors.QueryError, errors.ConfigError) as exc:
        raise ParameterError(exc, parameter) from exc


def _status(exc: errors.CloudledgerError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def _body(kind: str, message: str, parameter: str | None) -> dict[str, Any]:
    return ErrorResponse(error=ErrorDetail(type=kind, message=message, parameter=parameter)).model_dump()


def _public_type(exc: errors.CloudledgerError) -> str:
    """The nearest class of `cloudledger.errors` (what a client can act on)."""
    for kind in type(exc).__mro__:
        if kind.__module__ == errors.__name__:
            return kind.__name__
    return "CloudledgerError"


def _answer(request: Request, body: dict[str, Any], status: int) -> Response:
    """The error as JSON for the API, as an HTML page for a page."""
    from cloudledger.web.error_pages import error_page, is_page

    if is_page(request):
        detail = body["error"]
        return error_page(request, status, detail["message"], detail["parameter"])
    return JSONResponse(body, status_code=status)


async def cloudledger_error(request: Request, exc: Exception) -> Response:
    """Any `cloudledger.errors` exception as the one error shape."""
    assert isinstance(exc, errors.CloudledgerError)
    parameter, status = None, None
    if isinstance(exc, ParameterError):
        parameter, status, exc = exc.parameter, exc.status, exc.cause
    if parameter is None and isinstance(exc, errors.InputError):
        parameter = exc.column
    body = _body(_public_type(exc), str(exc), parameter)
    return _answer(request, body, status or _status(exc))


def _location(loc: Sequence[Any]) -> str | None:
    """The parameter name of a validation error's location, e.g. ("query", "limit") → "limit"."""
    if len(loc) >= 2 and loc[0] in ("query", "path", "header", "cookie"):
        return str(loc[1])
    return str(loc[-1]) if loc else None


async def validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own parameter validation, as a QueryError naming the parameter."""
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    first = problems[0] if problems else {}
    parameter = _location(first.get("loc", ()))
    given = first.get("input")
    value = f" (got {given!r})" if isinstance(given, str | int) else ""
    reason = READABLE.get(str(first.get("type")), str(first.get("msg", "invalid value")))
    message = f"{parameter}: {reason}{value}" if parameter else reason
    return _answer(request, _body("QueryError", message, parameter), 422)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (an unknown path, a wrong method) in the one shape."""
    assert isinstance(exc, HTTPException)
    message = "no such page or route" if exc.status_code == 404 else str(exc.detail)
    response = _answer(request, _body("HTTPError", message, None), exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    """Install the handlers on `app`."""
    app.add_exception_handler(errors.CloudledgerError, cloudledger_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
