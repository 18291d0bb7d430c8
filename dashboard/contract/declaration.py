"""What the engine reads of a declaration must be well formed: :func:`declaration_problems` on a parsed
``datapackage.json`` (resources, dialects, fields, keys, missing values)."""

from __future__ import annotations

import codecs
import re
from typing import Any


from dashboard.contract.arrays import INVALID
from dashboard.contract.types import FIELD_TYPES, _coerce


# --------------------------------------------------------------------------
# the declaration: what the engine reads must be well formed

_RESOURCE_KEYS_READ = ("format", "encoding", "dialect", "compression", "hash", "bytes")
#: the CSV layout the readers implement: a dialect may restate these, nothing else
_DIALECT_DEFAULTS = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRows": [1],
                     "skipInitialSpace": False}
_DIALECT_IGNORED = ("$schema", "name", "title", "description", "lineTerminator")
_NAME = re.compile(r"[-a-z0-9._/]+")  # matched whole (fullmatch)


def declaration_problems(package: dict[str, Any]) -> list[str]:
    """What is wrong with the resources of a parsed ``datapackage.json``, as the checks would read them ([] when fine).

    Covers what the checks interpret: resource names and paths, the CSV layout, field names and types, formats and
    type options, constraints, missing values, primary and foreign keys.  (The rules are checked when they run.)
    """
    problems: list[str] = []
    resources = package.get("resources")
    names: dict[str, dict[str, Any]] = {}
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            problems.append(f"resource {index}: is not an object")
            continue
        name = resource.get("name")
        label = f'resource "{name}"' if isinstance(name, str) else f"resource {index}"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(f'{label}: "name" must be lower-case letters, digits and -._/ only')
        elif name in names:
            problems.append(f"{label}: is declared more than once")
        else:
            names[name] = resource
        if not isinstance(resource.get("path"), str) and "data" not in resource:
            problems.append(f'{label}: has neither "path" (a file) nor "data"')
        if "schema" in resource:
            problems += [f"{label}: {p}" for p in _resource_problems(resource)]
    for name, resource in names.items():
        schema = resource.get("schema")
        if isinstance(schema, dict) and not _resource_problems(resource):
            problems += [f'resource "{name}": {p}' for p in _foreign_key_problems(resource, names)]
    return problems


def _resource_problems(resource: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    fmt = resource.get("format", "csv")
    if fmt != "csv":
        problems.append(f'format "{fmt}" is not supported: the tables are CSV')
    encoding = resource.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        problems.append(f'encoding "{encoding}" is unknown')
    if resource.get("compression") not in (None, "", "no"):
        problems.append(f'compression "{resource["compression"]}" is not supported')
    dialect = resource.get("dialect")
    if dialect is not None:
        if not isinstance(dialect, dict):
            problems.append('"dialect" is not an object')
        else:
            options = {**(dialect.get("csv") if isinstance(dialect.get("csv"), dict) else {}),
                       **{k: v for k, v in dialect.items() if k != "csv"}}
            for key, value in options.items():
                if key in _DIALECT_IGNORED:
                    continue
                if key not in _DIALECT_DEFAULTS or value != _DIALECT_DEFAULTS[key]:
                    problems.append(f'dialect "{key}": {json_repr(value)} is not supported (the tables are plain CSV)')
    hash_ = resource.get("hash")
    if hash_ is not None and not (isinstance(hash_, str) and re.fullmatch(r"(sha256:[0-9a-f]{64}|(md5:)?[0-9a-f]{32})", hash_)):
        problems.append('"hash" is neither "sha256:<64 hex digits>" nor an md5 of 32 hex digits')
    if resource.get("bytes") is not None and (not isinstance(resource["bytes"], int) or isinstance(resource["bytes"], bool)):
        problems.append('"bytes" is not a whole number')
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return problems + ['"schema" is not an object']
    problems += _missing_values_problems(schema, "schema")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return problems + ['"schema.fields" is not a list of fields']
    seen: set[str] = set()
    for position, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            problems.append(f"field {position}: is not an object with a name")
            continue
        if spec["name"] in seen:
            problems.append(f'field "{spec["name"]}": is declared more than once')
        seen.add(spec["name"])
        problems += [f'field "{spec["name"]}": {p}' for p in _field_problems(spec)]
    pk = schema.get("primaryKey")
    if pk is not None:
        keys = key_names(pk)
        if not keys:
            problems.append('"primaryKey" is not a list of field names')
        else:
            problems += [f'primary key field "{k}" is not declared' for k in keys if k not in seen]
    fks = schema.get("foreignKeys")
    if fks is not None and not isinstance(fks, list):
        problems.append('"foreignKeys" is not a list')
    for number, fk in enumerate(fks if isinstance(fks, list) else [], start=1):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            problems.append(f"foreign key {number}: is not an object with a reference")
            continue
        own, ref = key_names(fk.get("fields")), key_names(fk["reference"].get("fields"))
        if own is None or ref is None or len(own) != len(ref) or not own:
            problems.append(f'foreign key {number}: "fields" and "reference.fields" are not lists of field names of one length')
            continue
        problems += [f'foreign key {number}: field "{k}" is not declared' for k in own if k not in seen]
        if not isinstance(fk["reference"].get("resource", ""), str):
            problems.append(f'foreign key {number}: "reference.resource" is not a resource name')
    return problems


def _foreign_key_problems(resource: dict[str, Any], resources: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for number, fk in enumerate(resource["schema"].get("foreignKeys") or [], start=1):
        target = fk["reference"].get("resource") or resource["name"]
        declared = resources.get(target)
        if declared is None or not isinstance(declared.get("schema"), dict):
            problems.append(f'foreign key {number}: resource "{target}" is not declared')
            continue
        fields = declared["schema"].get("fields")
        names = {f.get("name") for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)} \
            if isinstance(fields, list) else set()
        problems += [f'foreign key {number}: resource "{target}" declares no field "{k}"'
                     for k in key_names(fk["reference"]["fields"]) or [] if k not in names]
    return problems


def key_names(value: Any) -> list[str] | None:
    """A key's field names (a non-empty list of names, as Data Package v2 has them), or None when it is not one."""
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def json_repr(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _missing_values_problems(spec: dict[str, Any], where: str) -> list[str]:
    values = spec.get("missingValues")
    if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        return [f'"{where}.missingValues" is not a list of strings']
    return []


def _field_problems(spec: dict[str, Any]) -> list[str]:
    kind = spec.get("type", "string")
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        return [f'type {json_repr(kind)} is not supported (supported: {", ".join(FIELD_TYPES)})']
    ftype = FIELD_TYPES[kind]
    problems = _missing_values_problems(spec, "field")
    fmt = spec.get("format", "default")
    if fmt != "default" and not (ftype.strptime_formats and isinstance(fmt, str) and "%" in fmt):
        problems.append(f'format "{fmt}" is not supported for type {kind}')
    for option in ("trueValues", "falseValues"):
        if option in spec and not (isinstance(spec[option], list) and all(isinstance(v, str) for v in spec[option])):
            problems.append(f'"{option}" is not a list of strings')
    for option in ("groupChar", "decimalChar"):
        if option in spec and not isinstance(spec[option], str):
            problems.append(f'"{option}" is not a string')
    if "bareNumber" in spec and not isinstance(spec["bareNumber"], bool):
        problems.append('"bareNumber" is not true or false')
    if problems:
        return problems
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return ['"constraints" is not an object']
    read = ftype.reader(spec)
    for name, value in constraints.items():
        if name not in ("unique", *ftype.constraints):
            problems.append(f'constraint "{name}" does not apply to type {kind}')
        elif name in ("required", "unique"):
            if not isinstance(value, bool):
                problems.append(f'constraint "{name}" is not true or false')
        elif name in ("minLength", "maxLength"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f'constraint "{name}" is not a whole number')
        elif name == "pattern":
            try:
                re.compile(f"^{value}$") if isinstance(value, str) else None
            except re.error as exc:
                problems.append(f'constraint "pattern" is not a valid regular expression: {exc}')
            if not isinstance(value, str):
                problems.append('constraint "pattern" is not a string')
        elif name == "enum":
            if not isinstance(value, list) or not value:
                problems.append('constraint "enum" is not a list of values')
            elif any(_coerce(kind, read, item) is INVALID for item in value):
                problems.append(f'constraint "enum" has a value that is not {ftype.hint}')
        elif _coerce(kind, read, value) is INVALID:
            problems.append(f'constraint "{name}" is not {ftype.hint}')
    return problems
