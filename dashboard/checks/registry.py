"""The registry of rule kinds, and the parsing of a declared rule.

A rule in ``datapackage.json``'s ``rules`` names a ``check`` kind; the function that runs a kind registers itself
with the :func:`rule_kind` decorator (the rule keys it needs, the columns it reads besides the ones the rule names),
and a kind's own check of its extra parameters with :func:`parameters_of`. The built-in kinds live in
``dashboard/checks/rules_*.py``; other modules add kinds as plugins, listed as entry points in the group
:data:`PLUGIN_GROUP` (``pyproject.toml``), so the engine never imports them: the releases module registers the
``release-sha256`` kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import array
from dashboard.checks.cells import _field_names, _given, _list_has

if TYPE_CHECKING:  # annotations only: the engine imports the rules, not the other way round
    from dashboard.checks.engine import _Table
import importlib
import importlib.metadata
from typing import Callable



@dataclass(frozen=True)
class RuleKind:
    """One check kind: the function that runs a rule of it, and what it needs."""

    name: str
    run: Callable[..., None]
    #: the rule keys a rule of this kind must give
    needs: tuple[str, ...] = ()
    #: the columns it reads besides the ones its rule names (e.g. source_id)
    implies: tuple[str, ...] = ()
    #: its ``fields`` apply in each resource that declares them (at least one must)
    fields_where_declared: bool = False
    #: it counts across every table with its field, so an unreadable one stops it
    across: bool = False


_KINDS: dict[str, RuleKind] = {}
#: check kind -> its own check of the parameters only it reads (run when the rule is parsed)
_PARAMETERS: dict[str, Callable[..., None]] = {}

#: the entry-point group of modules that register more rule kinds when imported
PLUGIN_GROUP = "dashboard.rule_kinds"
#: the plugins loaded when the installed metadata lists none (an install made before the group was declared)
FALLBACK_PLUGINS: tuple[str, ...] = ("dashboard.releases",)
_plugins_loaded = False


def rule_kind(name: str, *, needs: tuple[str, ...] = (), implies: tuple[str, ...] = (),
              fields_where_declared: bool = False, across: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as the check of rule kind ``name`` (stackable: one function, two kinds)."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        known = _KINDS.get(name)
        if known is not None and known.run is not function:
            raise ValueError(f'rule kind "{name}" is registered twice')
        _KINDS[name] = RuleKind(name, function, tuple(needs), tuple(implies), fields_where_declared, across)
        return function

    return register


def parameters_of(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the decorated function as rule kind ``name``'s check of its own parameters."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        _PARAMETERS[name] = function
        return function

    return register


def load_plugins() -> None:
    """Import the modules that register more rule kinds (once). A plugin that cannot be imported leaves its kinds
    unknown: a rule naming one is then reported as an unknown check, never a crash."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    try:
        points = list(importlib.metadata.entry_points(group=PLUGIN_GROUP))
    except Exception:  # noqa: BLE001 - unreadable metadata: the fallback list
        points = []
    loaders: list[Callable[[], Any]] = [point.load for point in points]
    if not loaders:
        loaders = [lambda name=name: importlib.import_module(name) for name in FALLBACK_PLUGINS]
    for load in loaders:
        try:
            load()
        except Exception:  # noqa: BLE001
            continue


def kinds() -> frozenset[str]:
    """The check kinds a rule may name (plugins loaded)."""
    load_plugins()
    return frozenset(_KINDS)


def kind_of(name: str) -> RuleKind | None:
    """The registered kind ``name`` (plugins loaded), or None."""
    load_plugins()
    return _KINDS.get(name)


def _implied(name: Any) -> tuple[str, ...]:
    found = kind_of(name) if isinstance(name, str) else None
    return found.implies if found is not None else ()


def _fields_where_declared(name: str) -> bool:
    found = kind_of(name)
    return found is not None and found.fields_where_declared


class _RuleError(Exception):
    """A rule in datapackage.json that cannot be run as declared."""


@dataclass(frozen=True)
class _When:
    """A rule's ``when``: the row counts when ``field`` is given, or (with ``values``) is one of them, or (with
    ``lists``) is a list, split at ``separator``, that has ``lists`` as one of its items."""

    field: str
    values: tuple[str, ...] | None = None
    lists: str | None = None
    separator: str = ";"

    def holds(self, table: "_Table") -> pa.Array:
        """Where the condition holds, row by row."""
        column = table.column(self.field)
        given = _given(column)
        if self.lists is not None:
            return _list_has(column, self.lists, self.separator)
        if self.values is None:
            return given
        if pa.types.is_string(column.type):
            return pc.and_(given, pc.is_in(column, value_set=array(self.values, pa.string())))
        return array([v is not None and str(v) in self.values for v in column.to_pylist()], pa.bool_())

    def describe(self, value: Any) -> str:
        """The condition, for a row where its field has ``value``."""
        if self.lists is not None:
            return f'{self.field} lists "{self.lists}"'
        return f"{self.field} is given" if self.values is None else f'{self.field} is "{value}"'


@dataclass(frozen=True)
class _Reference:
    resource: str
    key: str
    values: str


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str
    resources: tuple[str, ...]
    field: str | None = None
    fields: tuple[str, ...] = ()
    other: str | None = None
    when: _When | None = None
    by: str | None = None
    group: str | None = None
    reference: _Reference | None = None
    #: the declaration as written, for the parameters only one check kind reads (see :data:`_PARAMETERS`)
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def parse(cls, raw: Any, tables: dict[str, _Table]) -> "_Rule":
        if not isinstance(raw, dict):
            raise _RuleError("is not an object")
        name, kind = raw.get("name"), raw.get("check")
        if not isinstance(name, str) or not name:
            raise _RuleError('has no "name"')
        if not isinstance(kind, str) or not kind:
            raise _RuleError('has no "check"')
        registered = kind_of(kind)
        if registered is None:
            raise _RuleError(f'unknown check "{kind}" (known: {", ".join(sorted(kinds()))})')
        needs = registered.needs
        for key in needs:
            if raw.get(key) in (None, "", [], {}):
                raise _RuleError(f'check "{kind}" needs "{key}"')
        resources = _names(raw.get("resources"), "resources")
        if not resources:
            raise _RuleError('needs "resources", a list of resource names')
        for resource in resources:
            if resource not in tables:
                raise _RuleError(f'resource "{resource}" is not declared')
        rule = cls(
            name=name,
            kind=kind,
            resources=resources,
            field=_name(raw.get("field"), "field"),
            fields=_names(raw.get("fields"), "fields"),
            other=_name(raw.get("other"), "other"),
            when=_parse_when(raw.get("when")),
            by=_name(raw.get("by"), "by"),
            group=_name(raw.get("group"), "group"),
            reference=_parse_reference(raw.get("reference")),
            raw=raw,
        )
        if kind == "required-when-in" and (rule.when is None or rule.when.values is None):
            raise _RuleError('check "required-when-in" needs "when": {"field": ..., "in": [...]}')
        if kind == "both-or-neither" and len(rule.fields) < 2:
            raise _RuleError('check "both-or-neither" needs at least two "fields"')
        rule.check_declared(tables)
        if kind in _PARAMETERS:
            _PARAMETERS[kind](rule, tables)
        return rule

    def columns(self) -> list[str]:
        """Every column the rule reads in each of its resources (group-agrees' fields excepted)."""
        columns = [c for c in (self.field, self.other, self.by, self.group) if c]
        if not _fields_where_declared(self.kind):
            columns += self.fields
        if self.when is not None:
            columns.append(self.when.field)
        columns += _implied(self.kind)
        return list(dict.fromkeys(columns))

    def check_declared(self, tables: dict[str, _Table]) -> None:
        """The columns the rule names are declared in its resources (a typo would silently check nothing)."""
        for resource in self.resources:
            declared = set(_field_names(tables[resource].descriptor))
            for column in self.columns():
                if column not in declared:
                    raise _RuleError(f'resource "{resource}" declares no field "{column}"')
        if _fields_where_declared(self.kind):
            declared = {c for r in self.resources for c in _field_names(tables[r].descriptor)}
            for column in self.fields:
                if column not in declared:
                    raise _RuleError(f'no resource of the rule declares the field "{column}"')
        if self.reference is not None:
            ref = self.reference
            if ref.resource not in tables:
                raise _RuleError(f'reference resource "{ref.resource}" is not declared')
            declared = set(_field_names(tables[ref.resource].descriptor))
            for column in (ref.key, ref.values):
                if column not in declared:
                    raise _RuleError(f'reference resource "{ref.resource}" declares no field "{column}"')


def _name(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _RuleError(f'"{key}" is not a field name')
    return value


def _names(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _RuleError(f'"{key}" is not a list of names')
    return tuple(value)


def _parse_when(value: Any) -> _When | None:
    if value is None:
        return None
    if isinstance(value, str) and value:
        return _When(value)
    if isinstance(value, dict) and isinstance(value.get("field"), str) and value["field"]:
        values = value.get("in")
        if value.get("lists") is not None:
            lists, separator = value["lists"], value.get("separator", ";")
            if values is None and isinstance(lists, str) and lists.strip() and isinstance(separator, str) and separator.strip():
                return _When(value["field"], lists=lists.strip(), separator=separator.strip())
            raise _RuleError('"when" with "lists" is {"field": ..., "lists": "item"} (and optionally "separator")')
        if values is None:
            return _When(value["field"])
        if isinstance(values, list) and values and all(isinstance(v, (str, int, float)) for v in values):
            return _When(value["field"], tuple(str(v) for v in values))
    raise _RuleError('"when" is neither a field name nor {"field": ..., "in": [...]} nor {"field": ..., "lists": "item"}')


def _parse_reference(value: Any) -> _Reference | None:
    if value is None:
        return None
    if isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k] for k in ("resource", "key", "values")):
        return _Reference(value["resource"], value["key"], value["values"])
    raise _RuleError('"reference" is not {"resource": ..., "key": ..., "values": ...}')


def rule_fields(rule: Any) -> list[str]:
    """The columns a declared rule reads, as written in its declaration (``field``, ``other``, ``fields``,
    ``group``, ``by``, the ``when`` field, the columns its check kind implies such as ``source_id``) and its
    lookup as ``resource.column``; for documentation (the Method page). Never raises: a malformed rule gives
    what can be read of it."""
    if not isinstance(rule, dict):
        return []
    names: list[str] = []
    for key in ("group", "field", "other", "fields", "by"):
        value = rule.get(key)
        names += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    when = rule.get("when")
    if isinstance(when, str):
        names.append(when)
    elif isinstance(when, dict) and isinstance(when.get("field"), str):
        names.append(when["field"])
    names += _implied(rule.get("check"))
    linked = rule.get("linked")
    if isinstance(linked, dict) and isinstance(linked.get("resource"), str) and isinstance(linked.get("field"), str):
        names.append(f"{linked['resource']}.{linked['field']}")
    reference = rule.get("reference")
    if isinstance(reference, dict) and isinstance(reference.get("resource"), str):
        names += [f"{reference['resource']}.{reference[k]}" for k in ("key", "values") if isinstance(reference.get(k), str)]
    return [n for n in dict.fromkeys(names) if n]
