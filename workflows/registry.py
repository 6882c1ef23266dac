"""Registered process definitions by version.

An application stores the version it started on and is always driven by
``get_definition(application.definition_version)``; new applications use
:data:`CURRENT_VERSION`.  Versions 1 to 3 are registered on import; version 3
is the current one.
"""

from __future__ import annotations

from .definition import DEFINITION_V1, DEFINITION_V2, DEFINITION_V3, ProcessDefinition, WorkflowError

__all__ = [
    "CURRENT_VERSION",
    "UnknownDefinitionVersion",
    "current_definition",
    "get_definition",
    "register",
    "registered_versions",
]

CURRENT_VERSION = 3

_DEFINITIONS: dict[int, ProcessDefinition] = {}


class UnknownDefinitionVersion(WorkflowError, LookupError):
    pass


def register(defn: ProcessDefinition) -> ProcessDefinition:
    """Register a definition.  Registering an equal one again is a no-op;
    a different definition under a taken version is refused (versions are
    immutable once applications may have started on them)."""
    existing = _DEFINITIONS.get(defn.version)
    if existing is not None and existing != defn:
        raise ValueError(
            f"process definition version {defn.version} is already registered "
            "with different content; register a new version instead"
        )
    _DEFINITIONS[defn.version] = defn
    return defn


def get_definition(version: int) -> ProcessDefinition:
    try:
        return _DEFINITIONS[int(version)]
    except (KeyError, TypeError, ValueError):
        known = ", ".join(str(v) for v in sorted(_DEFINITIONS))
        raise UnknownDefinitionVersion(f"no process definition version {version!r} (known: {known})") from None


def current_definition() -> ProcessDefinition:
    return get_definition(CURRENT_VERSION)


def registered_versions() -> tuple[int, ...]:
    return tuple(sorted(_DEFINITIONS))


register(DEFINITION_V1)
register(DEFINITION_V2)
register(DEFINITION_V3)
