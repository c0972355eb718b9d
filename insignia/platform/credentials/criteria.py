"""Machine criteria of a badge class: parsing, validation and evaluation with explanations.

Stored as JSON::

    {"mode": "all_of" | "n_of", "n": 2,
     "requirements": [{"type": "course", "id": "..."},
                      {"type": "assessment", "id": "...", "minScore": 80},
                      {"type": "badge", "id": "..."}],
     "groups": [<the same shape>, ...]}

A group is met when all (``all_of``) or at least ``n`` (``n_of``) of its requirements and
sub-groups are met. Empty criteria mean the badge is awarded by hand only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from insignia.infra.errors import ValidationError

MAX_DEPTH = 3
MAX_ITEMS = 50
Kind = Literal["course", "assessment", "badge"]


@dataclass(frozen=True)
class Requirement:
    type: Kind
    id: uuid.UUID
    min_score: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "id": str(self.id)}
        if self.min_score is not None:
            data["minScore"] = float(self.min_score)
        return data


@dataclass(frozen=True)
class Group:
    mode: Literal["all_of", "n_of"] = "all_of"
    n: int | None = None
    requirements: tuple[Requirement, ...] = ()
    groups: tuple[Group, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.requirements and all(g.empty for g in self.groups)

    @property
    def size(self) -> int:
        return len(self.requirements) + len(self.groups)

    def needed(self) -> int:
        return self.size if self.mode == "all_of" else (self.n or 1)

    def refs(self) -> set[uuid.UUID]:
        found = {r.id for r in self.requirements}
        for g in self.groups:
            found |= g.refs()
        return found

    def leaves(self) -> list[Requirement]:
        out = list(self.requirements)
        for g in self.groups:
            out += g.leaves()
        return out

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mode": self.mode,
            "requirements": [r.to_json() for r in self.requirements],
        }
        if self.n is not None:
            data["n"] = self.n
        if self.groups:
            data["groups"] = [g.to_json() for g in self.groups]
        return data


def parse(data: dict[str, Any], path: str = "criteria", depth: int = 1) -> Group:
    """Validate the shape of stored or submitted criteria (not whether the ids exist)."""
    if depth > MAX_DEPTH:
        raise ValidationError(f"Criteria nest at most {MAX_DEPTH} levels.", path)
    mode = data.get("mode", "all_of")
    if mode not in ("all_of", "n_of"):
        raise ValidationError("mode must be all_of or n_of", f"{path}.mode")
    requirements: list[Requirement] = []
    for i, raw in enumerate(data.get("requirements") or []):
        where = f"{path}.requirements.{i}"
        kind = raw.get("type")
        if kind not in ("course", "assessment", "badge"):
            raise ValidationError("type must be course, assessment or badge", f"{where}.type")
        try:
            ref = uuid.UUID(str(raw.get("id")))
        except ValueError:
            raise ValidationError("id is not valid", f"{where}.id") from None
        min_score = raw.get("minScore")
        score: Decimal | None = None
        if min_score is not None:
            if kind != "assessment":
                raise ValidationError("minScore applies to assessments only", f"{where}.minScore")
            score = Decimal(str(min_score))
            if not Decimal(0) <= score <= Decimal(100):
                raise ValidationError("minScore must be between 0 and 100", f"{where}.minScore")
        requirements.append(Requirement(kind, ref, score))
    groups = tuple(parse(g, f"{path}.groups.{i}", depth + 1) for i, g in enumerate(data.get("groups") or []))
    group = Group(mode=mode, n=data.get("n"), requirements=tuple(requirements), groups=groups)
    if len(group.leaves()) > MAX_ITEMS:
        raise ValidationError(f"Criteria have at most {MAX_ITEMS} requirements.", path)
    if mode == "n_of":
        if group.n is None or not 1 <= group.n <= max(group.size, 1):
            raise ValidationError(f"n must be between 1 and the number of requirements ({group.size})", f"{path}.n")
    elif group.n is not None:
        raise ValidationError("n applies to n_of only", f"{path}.n")
    if depth > 1 and group.size == 0:
        raise ValidationError("A group needs at least one requirement.", path)
    return group


@dataclass(frozen=True)
class Facts:
    """What a person has done, as the criteria see it."""

    completed_courses: frozenset[uuid.UUID]
    best_scores: dict[uuid.UUID, Decimal]
    held_badges: frozenset[uuid.UUID]
    passing_scores: dict[uuid.UUID, Decimal | None]
    names: dict[uuid.UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    description: str
    met: bool
    missing: str | None


def _leaf(req: Requirement, facts: Facts) -> Outcome:
    name = facts.names.get(req.id, "an unknown item")
    if req.type == "course":
        done = req.id in facts.completed_courses
        return Outcome(f"Complete the course “{name}”", done, None if done else f"“{name}” is not completed yet")
    if req.type == "badge":
        held = req.id in facts.held_badges
        return Outcome(f"Hold the badge “{name}”", held, None if held else f"The badge “{name}” is not held")
    threshold = req.min_score if req.min_score is not None else facts.passing_scores.get(req.id)
    best = facts.best_scores.get(req.id)
    if threshold is None:
        met = best is not None
        missing = None if met else f"“{name}” has not been taken yet"
        return Outcome(f"Take the assessment “{name}”", met, missing)
    met = best is not None and best >= threshold
    missing = None
    if not met:
        missing = (
            f"“{name}” has not been taken yet"
            if best is None
            else f"Best score in “{name}” is {best.normalize():f}, {threshold.normalize():f} needed"
        )
    return Outcome(f"Score at least {threshold.normalize():f} in “{name}”", met, missing)


def _group_met(group: Group, facts: Facts) -> tuple[bool, list[Outcome]]:
    outcomes = [_leaf(r, facts) for r in group.requirements]
    results = [o.met for o in outcomes]
    for sub in group.groups:
        met, sub_outcomes = _group_met(sub, facts)
        results.append(met)
        outcomes.append(_summary(sub, met, sub_outcomes))
    return sum(results) >= group.needed(), outcomes


def _summary(group: Group, met: bool, outcomes: list[Outcome]) -> Outcome:
    parts = "; ".join(o.description for o in outcomes)
    description = f"All of: {parts}" if group.mode == "all_of" else f"{group.n} of: {parts}"
    missing = None
    if not met:
        still = group.needed() - sum(o.met for o in outcomes)
        unmet = "; ".join(o.missing or o.description for o in outcomes if not o.met)
        missing = f"{still} more of: {unmet}"
    return Outcome(description, met, missing)


def evaluate(criteria: Group, facts: Facts) -> tuple[bool, list[Outcome]]:
    """Whether the criteria are met, with one explained outcome per top-level requirement or group."""
    met, outcomes = _group_met(criteria, facts)
    if criteria.mode == "n_of":
        summary = Outcome(
            f"At least {criteria.n} of the {criteria.size} requirements below",
            met,
            None if met else f"{criteria.needed() - sum(o.met for o in outcomes)} more needed",
        )
        outcomes = [summary, *outcomes]
    return met, outcomes
