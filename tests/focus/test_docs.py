"""docs/focus-conformance.md lists exactly the rules the checker runs."""

from __future__ import annotations

from pathlib import Path

from cloudledger.focus.rules import rules_for
from cloudledger.focus.spec import load_spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "focus-conformance.md"
BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def rules_table() -> str:
    """The rule table of the doc, as the code defines the rules of the ledger's FOCUS version."""
    lines = ["| rule | severity | spec section | checks |", "|---|---|---|---|"]
    for rule in rules_for(load_spec()):
        description = rule.description.replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {rule.severity} | `{rule.section}` | {description} |")
    return "\n".join(lines)


def test_doc_lists_every_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == rules_table(), "regenerate the table between the markers from rules_table()"
