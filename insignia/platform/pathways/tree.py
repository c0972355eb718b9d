"""A pathway's requirement tree: its shape, checks, and evaluation with explanations (pure code).

Stored as JSON, one object per node::

    {"id": "<uuid>", "key": "basics", "title": "Basics", "optional": false,
     "milestone": "<badge class id>" | null, "prerequisites": ["<node id>", ...],
     "kind": "badge" | "course" | "all_of" | "n_of",
     "ref": "<badge class or course id>",          # leaves
     "n": 2, "children": [<node>, ...]}             # groups

A leaf is met when the person holds an active award of the badge class, or has completed the
course. ``all_of`` needs every child that is not optional; ``n_of`` needs ``n`` of its children
that are not optional. Optional nodes are shown and evaluated, never required. A node with
prerequisites is *locked* until they are met (ordering, not a requirement). Percent complete is
weighted by leaves: each required leaf counts once, and an ``n_of`` counts its best ``n``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from insignia.infra.errors import Checks, ValidationError

MAX_DEPTH = 6
MAX_NODES = 200
Kind = Literal["badge", "course", "all_of", "n_of"]
LEAF_KINDS = ("badge", "course")


@dataclass(frozen=True)
class Node:
    id: uuid.UUID
    kind: Kind
    key: str | None = None
    title: str | None = None
    optional: bool = False
    milestone: uuid.UUID | None = None
    prerequisites: tuple[uuid.UUID, ...] = ()
    ref: uuid.UUID | None = None
    n: int | None = None
    children: tuple[Node, ...] = ()

    @property
    def leaf(self) -> bool:
        return self.kind in LEAF_KINDS

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def required_children(self) -> list[Node]:
        return [c for c in self.children if not c.optional]

    def needed(self) -> int:
        """How many required children must be met (groups)."""
        required = len(self.required_children())
        return required if self.kind == "all_of" else min(self.n or 1, required)

    def leaves(self) -> int:
        """The weight of this node in percent complete: its required leaves (an n-of: its n heaviest)."""
        if self.leaf:
            return 1
        weights = sorted((c.leaves() for c in self.required_children()), reverse=True)
        return sum(weights[: self.needed()])

    def refs(self) -> set[uuid.UUID]:
        """Badge classes and courses the tree depends on (milestones are outcomes, not inputs)."""
        return {n.ref for n in self.walk() if n.ref is not None}

    def badge_refs(self) -> set[uuid.UUID]:
        return {n.ref for n in self.walk() if n.kind == "badge" and n.ref is not None}

    def course_refs(self) -> set[uuid.UUID]:
        return {n.ref for n in self.walk() if n.kind == "course" and n.ref is not None}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "kind": self.kind, "optional": self.optional}
        if self.key is not None:
            data["key"] = self.key
        if self.title is not None:
            data["title"] = self.title
        if self.milestone is not None:
            data["milestone"] = str(self.milestone)
        if self.prerequisites:
            data["prerequisites"] = [str(p) for p in self.prerequisites]
        if self.ref is not None:
            data["ref"] = str(self.ref)
        if self.kind == "n_of":
            data["n"] = self.n
        if self.children:
            data["children"] = [c.to_json() for c in self.children]
        return data


def from_json(data: Mapping[str, Any]) -> Node:
    """A stored tree (already validated when it was saved)."""
    return Node(
        id=uuid.UUID(data["id"]),
        kind=data["kind"],
        key=data.get("key"),
        title=data.get("title"),
        optional=bool(data.get("optional", False)),
        milestone=uuid.UUID(data["milestone"]) if data.get("milestone") else None,
        prerequisites=tuple(uuid.UUID(p) for p in data.get("prerequisites", ())),
        ref=uuid.UUID(data["ref"]) if data.get("ref") else None,
        n=data.get("n"),
        children=tuple(from_json(c) for c in data.get("children", ())),
    )


@dataclass
class NodeInput:
    """A node as a client sends it; ``path`` is where it sits in the input (for errors)."""

    path: str
    key: str | None = None
    title: str | None = None
    optional: bool = False
    milestone: uuid.UUID | None = None
    badge: uuid.UUID | None = None
    course: uuid.UUID | None = None
    all_of: list[NodeInput] | None = None
    n: int | None = None
    n_of: list[NodeInput] | None = None
    prerequisite_keys: list[str] = field(default_factory=list)


def build(root: NodeInput, namespace: uuid.UUID, checks: Checks) -> Node | None:
    """Check an input tree's shape (every error into ``checks``) and give each node a stable id:
    derived from its key when it has one (so a node keeps its id across versions), else new."""
    count = 0
    keys: dict[str, uuid.UUID] = {}

    def node(value: NodeInput, depth: int) -> Node | None:  # noqa: PLR0911 - one return per refusal
        nonlocal count
        count += 1
        if depth > MAX_DEPTH:
            checks.errors.append(ValidationError(f"The tree is deeper than {MAX_DEPTH} levels.", value.path))
            return None
        chosen = [x for x in (value.badge, value.course, value.all_of, value.n_of) if x is not None]
        if len(chosen) != 1:
            checks.errors.append(
                ValidationError("Give exactly one of badgeClassId, courseId, allOf or nOf.", value.path)
            )
            return None
        key = value.key.strip() if value.key else None
        if key is not None and (len(key) > 100 or key in keys):
            message = "key must be unique in the tree and at most 100 characters."
            checks.errors.append(ValidationError(message, f"{value.path}.key"))
            key = None
        node_id = uuid.uuid5(namespace, key) if key else uuid.uuid4()
        if key:
            keys[key] = node_id
        title = value.title.strip() if value.title and value.title.strip() else None
        if title is not None and len(title) > 200:
            checks.errors.append(ValidationError("title must be at most 200 characters.", f"{value.path}.title"))
        common: dict[str, Any] = {
            "id": node_id,
            "key": key,
            "title": title,
            "optional": value.optional,
            "milestone": value.milestone,
        }
        if value.badge is not None:
            return Node(kind="badge", ref=value.badge, **common)
        if value.course is not None:
            return Node(kind="course", ref=value.course, **common)
        group = value.all_of if value.all_of is not None else value.n_of
        assert group is not None
        where = f"{value.path}.allOf" if value.all_of is not None else f"{value.path}.nOf.of"
        if not group:
            checks.errors.append(ValidationError("A group needs at least one step.", where))
            return None
        children = [node(child, depth + 1) for child in group]
        if any(c is None for c in children):
            return None
        built = tuple(c for c in children if c is not None)
        if value.all_of is not None:
            return Node(kind="all_of", children=built, **common)
        required = len([c for c in built if not c.optional])
        if value.n is None or value.n < 1 or value.n > required:
            message = f"n must be between 1 and the number of required steps in the group ({required})."
            checks.errors.append(ValidationError(message, f"{value.path}.nOf.n"))
            return None
        return Node(kind="n_of", n=value.n, children=built, **common)

    root_node = node(root, 1)
    if count > MAX_NODES:
        checks.errors.append(ValidationError(f"A pathway has at most {MAX_NODES} steps.", root.path))
        return None
    if root_node is None:
        return None
    return _with_prerequisites(root_node, root, keys, checks)


def _with_prerequisites(root: Node, given: NodeInput, keys: Mapping[str, uuid.UUID], checks: Checks) -> Node | None:
    """Resolve prerequisite keys to node ids, refusing unknown keys and cycles."""
    inputs: dict[uuid.UUID, NodeInput] = {}

    def pair(node: Node, value: NodeInput) -> None:
        inputs[node.id] = value
        for child, child_value in zip(node.children, (value.all_of or value.n_of or []), strict=True):
            pair(child, child_value)

    pair(root, given)
    ok = True
    edges: dict[uuid.UUID, tuple[uuid.UUID, ...]] = {}
    for node in root.walk():
        value = inputs[node.id]
        found: list[uuid.UUID] = []
        for i, key in enumerate(value.prerequisite_keys):
            target = keys.get(key)
            if target is None or target == node.id:
                checks.errors.append(
                    ValidationError(f"No other step has the key {key!r}.", f"{value.path}.prerequisiteKeys.{i}")
                )
                ok = False
            else:
                found.append(target)
        edges[node.id] = tuple(found)
    if not ok:
        return None
    # Prerequisites must not form a cycle, nor point at one's own ancestors or descendants.
    state: dict[uuid.UUID, int] = {}

    def cyclic(node_id: uuid.UUID) -> bool:
        state[node_id] = 1
        for target in edges[node_id]:
            if state.get(target) == 1 or (state.get(target) is None and cyclic(target)):
                return True
        state[node_id] = 2
        return False

    for node_id in edges:
        if state.get(node_id) is None and cyclic(node_id):
            checks.errors.append(
                ValidationError("The prerequisites form a cycle.", f"{inputs[node_id].path}.prerequisiteKeys")
            )
            return None

    def rebuild(node: Node) -> Node:
        return Node(
            id=node.id, kind=node.kind, key=node.key, title=node.title, optional=node.optional,
            milestone=node.milestone, prerequisites=edges[node.id], ref=node.ref, n=node.n,
            children=tuple(rebuild(c) for c in node.children),
        )  # fmt: skip

    return rebuild(root)


# --- evaluation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a person has done: badge classes held (active awards) and courses completed."""

    badges: frozenset[uuid.UUID]
    courses: frozenset[uuid.UUID]
    names: Mapping[uuid.UUID, str]


@dataclass(frozen=True)
class Outcome:
    node: Node
    met: bool
    locked: bool
    percent: float  # of this node, 0-100
    missing: str | None


@dataclass(frozen=True)
class Evaluation:
    outcomes: dict[uuid.UUID, Outcome]
    root: Outcome
    next_steps: list[Node]

    @property
    def percent(self) -> float:
        return self.root.percent

    @property
    def met(self) -> bool:
        return self.root.met

    def met_ids(self) -> list[str]:
        return sorted(str(k) for k, v in self.outcomes.items() if v.met)


def _label(node: Node, facts: Facts) -> str:
    if node.title:
        return node.title
    if node.ref is not None:
        return facts.names.get(node.ref, "a step that no longer exists")
    return "a group of steps"


def evaluate(root: Node, facts: Facts) -> Evaluation:
    """Each node met or not, locked or not, its percent and what is missing, and the next steps:
    the leaves not yet met, not locked, that count toward an unmet part of the tree."""
    outcomes: dict[uuid.UUID, Outcome] = {}

    def visit(node: Node) -> Outcome:
        if node.leaf:
            held = node.ref in (facts.badges if node.kind == "badge" else facts.courses)
            verb = "Earn the badge" if node.kind == "badge" else "Complete the course"
            missing = None if held else f"{verb} {_label(node, facts)}"
            outcome = Outcome(node, held, False, 100.0 if held else 0.0, missing)
        else:
            children = [visit(c) for c in node.children]
            required = [c for c in children if not c.node.optional]
            needed = node.needed()
            done = sum(1 for c in required if c.met)
            met = done >= needed
            best = sorted(required, key=lambda c: (c.percent * c.node.leaves(), c.node.leaves()), reverse=True)
            chosen = best[:needed]
            weight = sum(c.node.leaves() for c in chosen)
            percent = 100.0 if met or not weight else sum(c.percent * c.node.leaves() for c in chosen) / weight
            missing = None
            if not met:
                left = [_label(c.node, facts) for c in required if not c.met]
                if node.kind == "all_of":
                    missing = f"{len(left)} of {len(required)} steps to go: " + ", ".join(left)
                else:
                    missing = f"{needed - done} more of: " + ", ".join(left)
            outcome = Outcome(node, met, False, percent, missing)
        outcomes[node.id] = outcome
        return outcome

    visit(root)
    # Locks: a node is locked while any of its prerequisites is unmet (and so is all below it).
    locked: set[uuid.UUID] = set()

    def lock(node: Node, inherited: bool) -> None:
        is_locked = inherited or any(not outcomes[p].met for p in node.prerequisites if p in outcomes)
        if is_locked:
            locked.add(node.id)
        for child in node.children:
            lock(child, is_locked)

    lock(root, False)
    for node_id in locked:
        o = outcomes[node_id]
        outcomes[node_id] = Outcome(o.node, o.met, True, o.percent, o.missing)
    next_steps: list[Node] = []

    def steps(node: Node) -> None:
        o = outcomes[node.id]
        if o.met or o.locked:
            return
        if node.leaf:
            next_steps.append(node)
            return
        for child in node.children:
            if not child.optional:
                steps(child)
        for child in node.children:
            if child.optional:
                steps(child)

    steps(root)
    return Evaluation(outcomes, outcomes[root.id], next_steps)
