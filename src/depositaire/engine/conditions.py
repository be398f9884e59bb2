"""Conditions over facts, in three-valued (Kleene) logic.

A condition answers ``True``, ``False`` or ``None`` (unknown: a fact it needs is
absent). Leaves test one fact; ``All`` and ``Any`` combine. A leaf may declare
``assume``: the truth value to take when its fact is unknown. It serves for
triggers of the law's exceptions that must be *asserted* to be considered (for
example: necessity is examined only when a danger is alleged), so that an
unknown trigger never makes a decision undetermined.

Each condition exposes what the engine needs besides its truth value:
the unknown facts that could still change it (``open_facts``) and the leaves
that made it false (``failing``), so that explanations and ``missing`` are
computed from the same definition as the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from depositaire.engine.schema import FactSpec

Facts = Mapping[str, object]
Truth = bool | None
Evaluator = Callable[[Facts], Truth]


def check_leaf(leaf: Leaf, facts: Mapping[str, FactSpec]) -> None:
    """``leaf`` tests a fact ``facts`` declares, with values of its type (a rule base
    checks each of its leaves against its law's facts: :class:`RuleBase`)."""
    path, values = leaf.path, leaf.values
    spec = facts.get(path)
    if spec is None:
        raise ValueError(f"unknown fact path in a condition: {path}")
    if spec.type in ("enum", "enum_list"):
        bad = [v for v in values if v not in spec.values]
        if bad:
            raise ValueError(f"{path}: values {bad} are not in the contract")
    elif spec.type == "bool" and any(not isinstance(v, bool) for v in values):
        raise ValueError(f"{path}: a boolean fact is compared with {values}")


@dataclass(frozen=True, eq=False)
class Leaf:
    """One test on one fact: ``fact in values`` (``negate`` for ``not in``), or
    ``item in fact`` for a list fact (``contains``)."""

    path: str
    values: tuple[object, ...]
    negate: bool = False
    contains: bool = False
    assume: Truth = None
    fn: Evaluator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        path, values, negate, assume = self.path, frozenset(self.values), self.negate, self.assume
        if self.contains:
            (item,) = self.values

            def fn(f: Facts) -> Truth:
                v = f.get(path)
                if v is None:
                    return assume
                return (item in v) != negate  # type: ignore[operator]

        else:

            def fn(f: Facts) -> Truth:
                v = f.get(path)
                if v is None:
                    return assume
                return (v in values) != negate

        object.__setattr__(self, "fn", fn)

    def evaluate(self, f: Facts) -> Truth:
        return self.fn(f)

    def open_facts(self, f: Facts) -> list[str]:
        return [self.path] if self.fn(f) is None else []

    def failing(self, f: Facts) -> list[Leaf]:
        return [self] if self.fn(f) is False else []

    def leaves(self) -> Iterator[Leaf]:
        yield self


@dataclass(frozen=True, eq=False)
class _Junction:
    """Parts combined in Kleene logic; ``DECISIVE`` is the part value that settles it."""

    DECISIVE: ClassVar[bool]
    parts: tuple[Condition, ...]
    fn: Evaluator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fns = tuple(p.fn for p in self.parts)
        decisive = self.DECISIVE

        def fn(f: Facts) -> Truth:
            unknown = False
            for part in fns:
                v = part(f)
                if v is decisive:
                    return decisive
                if v is None:
                    unknown = True
            return None if unknown else not decisive

        object.__setattr__(self, "fn", fn)

    def evaluate(self, f: Facts) -> Truth:
        return self.fn(f)

    def open_facts(self, f: Facts) -> list[str]:
        if self.fn(f) is not None:
            return []
        return [p for part in self.parts for p in part.open_facts(f)]

    def leaves(self) -> Iterator[Leaf]:
        for part in self.parts:
            yield from part.leaves()


@dataclass(frozen=True, eq=False)
class All(_Junction):
    """Every part holds (false as soon as one part is false)."""

    DECISIVE: ClassVar[bool] = False

    def failing(self, f: Facts) -> list[Leaf]:
        return [leaf for part in self.parts if part.fn(f) is False for leaf in part.failing(f)]


@dataclass(frozen=True, eq=False)
class Any_(_Junction):
    """At least one part holds (true as soon as one part is true)."""

    DECISIVE: ClassVar[bool] = True

    def failing(self, f: Facts) -> list[Leaf]:
        if self.fn(f) is not False:
            return []
        return [leaf for part in self.parts for leaf in part.failing(f)]


Condition = Leaf | All | Any_

TRUE = All(())


# -- a small vocabulary for the law modules ---------------------------------


def is_(path: str, *values: object, assume: Truth = None) -> Leaf:
    """The fact has one of ``values`` (a boolean fact: ``is_(path, True)``)."""
    return Leaf(path, values, assume=assume)


def is_not(path: str, *values: object, assume: Truth = None) -> Leaf:
    """The fact has none of ``values``."""
    return Leaf(path, values, negate=True, assume=assume)


def has(path: str, item: str, *, assume: Truth = None) -> Leaf:
    """The list fact contains ``item``."""
    return Leaf(path, (item,), contains=True, assume=assume)


def lacks(path: str, item: str, *, assume: Truth = None) -> Leaf:
    """The list fact does not contain ``item``."""
    return Leaf(path, (item,), negate=True, contains=True, assume=assume)


def all_(*parts: Condition) -> All:
    return All(tuple(parts))


def any_(*parts: Condition) -> Any_:
    return Any_(tuple(parts))


# -- compilation ----------------------------------------------------------------
# The closures above serve introspection (open facts, failing leaves). For the hot
# path, a rule's whole condition is compiled into one flat Python function with the
# same three-valued semantics. The source is generated from the rule objects of the
# code base only, never from user input.


class _Emitter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, cond: Condition, target: str, indent: int) -> None:
        pad = "    " * indent
        if isinstance(cond, Leaf):
            const = self.fresh("C")
            self.constants[const] = cond.values[0] if cond.contains else frozenset(cond.values)
            value = self.fresh("v")
            test = f"({const} in {value})" if cond.contains else f"({value} in {const})"
            if cond.negate:
                test = f"not {test}"
            self.lines += [
                f"{pad}{value} = get({cond.path!r})",
                f"{pad}{target} = {cond.assume!r} if {value} is None else {test}",
            ]
            return
        is_all = isinstance(cond, All)
        settle, other = ("False", "True") if is_all else ("True", "False")
        self.lines.append(f"{pad}{target} = {other}")
        if not cond.parts:
            return
        self.lines.append(f"{pad}while True:")
        for part in cond.parts:
            sub = self.fresh("t")
            self.emit(part, sub, indent + 1)
            self.lines += [
                f"{pad}    if {sub} is {settle}:",
                f"{pad}        {target} = {settle}",
                f"{pad}        break",
                f"{pad}    if {sub} is None:",
                f"{pad}        {target} = None",
            ]
        self.lines.append(f"{pad}    break")


def compile_condition(cond: Condition) -> Evaluator:
    """One Python function equivalent to ``cond.fn``, without per-node calls."""
    emitter = _Emitter()
    emitter.emit(cond, "result", 1)
    source = (
        "def compiled(f):\n    get = f.get\n" + "\n".join(emitter.lines) + "\n    return result\n"
    )
    namespace: dict[str, object] = dict(emitter.constants)
    exec(compile(source, "<rule condition>", "exec"), namespace)  # noqa: S102 - see above
    compiled = namespace["compiled"]
    assert callable(compiled)
    return compiled
