"""The ledger: a Delta Lake table of FOCUS rows, its ingest transaction, snapshots and the state DB."""
