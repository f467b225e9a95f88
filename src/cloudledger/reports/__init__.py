"""Report files people take away: chargeback CSV, XLSX and PDF, and the general-ledger export."""
