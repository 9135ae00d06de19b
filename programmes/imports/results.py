"""What an import reports: every refused cell, and what each accepted row did or would do."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RowError:
    """A refused cell, shown as `line N: column: why` (line 1 is the header)."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        # The "line N: column: why" shape is a contract (DESIGN §5): tools parse it, so it is not translated.
        parts = [f"line {self.line}"] if self.line is not None else []
        if self.column:
            parts.append(self.column)
        parts.append(self.message)
        return ": ".join(parts)


CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ACTION_LABELS = {CREATED: _("created"), UPDATED: _("updated"), UNCHANGED: _("unchanged")}
PLANNED_LABELS = {CREATED: _("to create"), UPDATED: _("to update"), UNCHANGED: _("unchanged")}


@dataclass(frozen=True)
class RowOutcome:
    """What one row did (or, in a dry run, would do)."""

    line: int
    action: str
    description: str

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def planned_label(self) -> str:
        """The action as a dry run announces it."""
        return str(PLANNED_LABELS[self.action])


@dataclass
class ImportResult:
    """The report of one import. With errors, nothing was written and the counts are zero."""

    kind: str
    dry_run: bool
    rows: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)
