"""The one reader of the data package's declaration, ``data/datapackage.json``.

Every module that needs the declaration (its resources, their fields, the declared ``rules``, the provenance) reads
it through :func:`read`: parsed within a size and a depth (:func:`dashboard.guard.read_json`) and cached per file
*version* — the key is the resolved path with its modification time, size and inode, so an edit on disk is read
again and nothing is keyed by an object's ``id()``. Each caller gets its own deep copy, so the cache cannot be
changed from outside. A declaration that cannot be read raises :class:`dashboard.guard.JsonProblem` with a one-line
reason (never a traceback for the user: callers word it as a problem).
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path
from typing import Any

from dashboard import guard

#: the declaration's file name inside the data directory
DATAPACKAGE = "datapackage.json"
#: the resource of the seeds' provenance; its ``path`` points into the seeds directory
SOURCES = "sources"

JsonProblem = guard.JsonProblem


def descriptor_path(data_dir: Path | str) -> Path:
    """``<data_dir>/datapackage.json``."""
    return Path(data_dir) / DATAPACKAGE


@functools.lru_cache(maxsize=32)
def _parsed(path: str, version: tuple[int, int, int, int]) -> Any:  # noqa: ARG001 - the version is the cache key
    return guard.read_json(path)


def read_file(path: Path | str) -> Any:
    """The parsed JSON at ``path`` (a declaration), cached per version of the file; raises :class:`JsonProblem`."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise JsonProblem("file not found") from None
    except OSError:
        return guard.read_json(path)  # let the reader word the problem
    version = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
    return copy.deepcopy(_parsed(str(Path(path).resolve()), version))


def read(data_dir: Path | str) -> Any:
    """The parsed ``datapackage.json`` of ``data_dir`` (any JSON value: callers check it is a data package)."""
    return read_file(descriptor_path(data_dir))


def is_package(descriptor: Any) -> bool:
    """Whether a parsed declaration is a data package: an object with a list of resources."""
    return isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list)


def resources(descriptor: Any) -> list[dict[str, Any]]:
    """The declared resources that are objects, in declaration order ([] for anything else)."""
    if not is_package(descriptor):
        return []
    return [r for r in descriptor["resources"] if isinstance(r, dict)]


def resource(descriptor: Any, name: str) -> dict[str, Any] | None:
    """The resource called ``name``, or None."""
    return next((r for r in resources(descriptor) if r.get("name") == name), None)


def fields(resource_: dict[str, Any]) -> list[dict[str, Any]]:
    """The Table Schema fields of one resource that are objects."""
    schema = resource_.get("schema")
    found = schema.get("fields") if isinstance(schema, dict) else None
    return [f for f in found if isinstance(f, dict)] if isinstance(found, list) else []


def rules(descriptor: Any) -> list[Any]:
    """The declared project rules (the package's ``rules`` list; [] without one)."""
    found = descriptor.get("rules") if isinstance(descriptor, dict) else None
    return list(found) if isinstance(found, list) else []


def seeds_dir(data_dir: Path | str, descriptor: Any) -> Path:
    """Where the seed texts live by the declaration: the folder of the ``sources`` resource's path, else
    ``<data_dir>/../seeds``."""
    sources = resource(descriptor, SOURCES)
    if sources is not None and isinstance(sources.get("path"), str):
        return (Path(data_dir) / sources["path"]).parent
    return Path(data_dir).parent / "seeds"


def clear_cache() -> None:
    """Forget every cached declaration (tests; a file replaced within the clock's resolution)."""
    _parsed.cache_clear()


__all__ = ["DATAPACKAGE", "JsonProblem", "SOURCES", "clear_cache", "descriptor_path", "fields", "is_package", "read",
           "read_file", "resource", "resources", "rules", "seeds_dir"]
