"""cloudledger: every cloud bill normalised to FOCUS in one ledger, reconciled to the cent."""

__version__ = "0.1.0"
