"""The FOCUS specification as data: columns, types, allowed values, and conformance rules."""

from cloudledger.focus.spec import LEDGER_FOCUS_VERSION, FocusColumn, FocusSpec, load_spec

__all__ = ["LEDGER_FOCUS_VERSION", "FocusColumn", "FocusSpec", "load_spec"]
