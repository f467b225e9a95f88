"""Alembic migrations of the state database (run automatically when the state DB is opened)."""
