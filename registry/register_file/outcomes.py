"""What a register file does to each thing of the register: the plan's items and outcomes."""

from collections import Counter
from dataclasses import dataclass, field

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"
REMOVED, KEPT, REFUSED = "removed", "kept", "refused"
OUTCOMES = (CREATED, CHANGED, UNCHANGED, REMOVED, KEPT, REFUSED)
# What an import writes.
WRITTEN = (CREATED, CHANGED, REMOVED)


@dataclass
class Item:
    """One thing of the register and what the file does to it."""

    kind: str  # "file", "term", "entity", "subprocessor", "location", "chain_link"
    key: str  # its natural key, as a reader names it
    outcome: str
    path: str = "$"  # where it is in the file (JSON path), or "" when the file lacks it
    reason: str = ""
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    # It touches an active subprocessor (before or after): the published register.
    published: bool = False


@dataclass
class RegisterPlan:
    items: list[Item]
    # The file's parts as the import writes them, once every item is checked.
    checked: dict = field(default_factory=dict)

    def of(self, outcome: str) -> list[Item]:
        return [item for item in self.items if item.outcome == outcome]

    def counts(self) -> dict[str, int]:
        counted = Counter(item.outcome for item in self.items)
        return {outcome: counted[outcome] for outcome in OUTCOMES}

    @property
    def refused(self) -> bool:
        return any(item.outcome == REFUSED for item in self.items)

    @property
    def changes_anything(self) -> bool:
        return any(item.outcome in WRITTEN for item in self.items)

    @property
    def published_changes(self) -> list[Item]:
        """What would reach the public register without a notice."""
        return [item for item in self.items if item.published and item.outcome in WRITTEN]
