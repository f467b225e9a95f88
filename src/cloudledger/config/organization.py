"""`organization:` departments, their teams, cost centers with GL accounts, and the rules that give cost an owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.config.selectors import Selects, check_column_name


class CostCenter(StrictModel):
    """A cost center finance books cost to."""

    code: str = Field(description="The cost center's code, e.g. CC-1100.")
    name: str | None = Field(default=None, description="Its name in the finance system.")
    gl_account: str | None = Field(default=None, description="General-ledger account cloud cost is posted to.")
    aliases: list[str] = Field(
        default_factory=list, description="Other spellings found in tags (matched ignoring case)."
    )


class Team(StrictModel):
    """A team inside a department."""

    name: str
    aliases: list[str] = Field(
        default_factory=list, description="Other spellings found in tags (matched ignoring case)."
    )
    cost_center: str | None = Field(default=None, description="Cost center code; default: the department's.")
    owner: str | None = Field(default=None, description="Who answers for the team's cost (e-mail).")
    notify: list[str] = Field(
        default_factory=list,
        description="Channels of `notifications:` that get the team's budget alerts and the anomalies it owns.",
    )


class Department(StrictModel):
    """A department: owns teams and, by default, their cost center."""

    name: str
    aliases: list[str] = Field(
        default_factory=list, description="Other spellings found in tags (matched ignoring case)."
    )
    cost_center: str | None = Field(default=None, description="Cost center code of the department's own cost.")
    owner: str | None = Field(default=None, description="Who answers for the department's cost (e-mail).")
    notify: list[str] = Field(
        default_factory=list,
        description="Channels of `notifications:` that get the department's budget alerts and the anomalies it owns.",
    )
    teams: list[Team] = Field(default_factory=list)


class AssignFrom(StrictModel):
    """Take the owner's name from a column or tag of the row."""

    from_: str = Field(alias="from", description="The column or tag:KEY whose value names the owner.")
    values: dict[str, str] = Field(
        default_factory=dict, description="Value → owner name, for values that are not a name or alias."
    )

    @model_validator(mode="after")
    def _column(self) -> AssignFrom:
        check_column_name(self.from_)
        return self


OwnerValue = str | AssignFrom


class OwnershipRule(Selects):
    """Rows that `match` belong to one department, team or cost center (given, or read from the row)."""

    name: str | None = Field(default=None, description="Shown in reports and plans.")
    department: OwnerValue | None = None
    team: OwnerValue | None = None
    cost_center: OwnerValue | None = None

    @model_validator(mode="after")
    def _one_target(self) -> OwnershipRule:
        given = [n for n in ("department", "team", "cost_center") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a rule sets exactly one of department, team or cost_center (found {', '.join(given) or 'none'})"
            )
        return self

    @property
    def level(self) -> str:
        return next(n for n in ("team", "department", "cost_center") if getattr(self, n) is not None)

    @property
    def target(self) -> OwnerValue:
        value: OwnerValue = getattr(self, self.level)
        return value

    def label(self, index: int) -> str:
        return self.name or f"rule {index + 1}"


@dataclass(frozen=True)
class Owner:
    """Where cost lands: a department, maybe a team, the cost center and its GL account."""

    department: str
    team: str | None
    cost_center: str | None
    gl_account: str | None


class Organization(StrictModel):
    """The company's departments, teams and cost centers, and the ordered rules that give cost an owner."""

    name: str | None = Field(default=None, description="Company name, shown on reports.")
    cost_centers: list[CostCenter] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    rules: list[OwnershipRule] = Field(
        default_factory=list, description="Ordered; the first rule that matches a row (and resolves) owns it."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Organization:
        _unique("cost center", [c.code for c in self.cost_centers])
        _unique("department", [d.name for d in self.departments])
        _unique("team", [t.name for d in self.departments for t in d.teams])
        return self

    def resolve(self, level: str, name: str, where: str = "") -> Owner:
        """The owner a rule names; ValueError naming the valid names when there is none."""
        owner = self.owners(level).get(name.casefold())
        if owner is None:
            valid = sorted({self._display(level, o) for o in self.owners(level).values()})
            prefix = f"{where}: " if where else ""
            known = ", ".join(valid) or "none"
            raise ValueError(f"{prefix}no {level.replace('_', ' ')} {name!r}; known: {known}")
        return owner

    def _display(self, level: str, owner: Owner) -> str:
        return {"department": owner.department, "team": owner.team, "cost_center": owner.cost_center}[level] or ""

    def owners(self, level: str) -> dict[str, Owner]:
        """Every name and alias at `level` (case-folded) → its owner."""
        table: dict[str, Owner] = {}
        centers = {c.code: c for c in self.cost_centers}
        for d in self.departments:
            if level == "department":
                owner = Owner(d.name, None, d.cost_center, _gl(centers, d.cost_center))
                table.update({n.casefold(): owner for n in [d.name, *d.aliases]})
            for t in d.teams:
                center = t.cost_center or d.cost_center
                if level == "team":
                    owner = Owner(d.name, t.name, center, _gl(centers, center))
                    table.update({n.casefold(): owner for n in [t.name, *t.aliases]})
        if level == "cost_center":
            for c in self.cost_centers:
                owner = self._center_owner(c)
                table.update({n.casefold(): owner for n in [c.code, *c.aliases]})
        return table

    def _center_owner(self, center: CostCenter) -> Owner:
        """A cost center's department and team: the team that uses it, when exactly one does."""
        teams = [(d, t) for d in self.departments for t in d.teams if (t.cost_center or d.cost_center) == center.code]
        departments = [d for d in self.departments if d.cost_center == center.code]
        if len(teams) == 1 and not [d for d in departments if d.name != teams[0][0].name]:
            return Owner(teams[0][0].name, teams[0][1].name, center.code, center.gl_account)
        owning = departments or [d for d, _ in teams]
        names = {d.name for d in owning}
        department = owning[0].name if len(names) == 1 else (center.name or center.code)
        return Owner(department, None, center.code, center.gl_account)

    def cost_center(self, code: str | None) -> CostCenter | None:
        return next((c for c in self.cost_centers if c.code == code), None)


def _gl(centers: dict[str, CostCenter], code: str | None) -> str | None:
    center = centers.get(code) if code else None
    return center.gl_account if center else None


def _unique(kind: str, names: list[Any]) -> None:
    seen: set[str] = set()
    for name in names:
        if str(name).casefold() in seen:
            raise ValueError(f"two {kind}s are named {name!r}; names must be unique (ignoring case)")
        seen.add(str(name).casefold())
