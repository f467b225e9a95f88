"""The exceptions cloudledger raises; each message says what went wrong and what to do about it."""

from __future__ import annotations


class CloudledgerError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""

    exit_code = 1


class ConfigError(CloudledgerError):
    """The home folder or cloudledger.yaml is unusable."""


class InputError(CloudledgerError):
    """A billing file cannot be read as what it claims to be.

    Names the file and, where known, the row (1-based data row, header excluded) and the column.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class UnknownFormatError(InputError):
    """No registered source recognises the file's header."""


class QueryError(CloudledgerError):
    """A query names a column, tag, metric or value that cannot be used."""


class LedgerError(CloudledgerError):
    """The ledger cannot be read or written as asked (missing version, concurrent ingest...)."""


class StorageError(CloudledgerError):
    """Cloud storage cannot be read as asked (bad URL, missing SDK, no credentials, access denied...)."""
