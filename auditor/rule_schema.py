"""Rule files checked before they are used: ``rules/schema.yaml`` plus what the bundled files declare.

A bureau that overlays its own rules must not believe a setting is in force when a typo made
auditor ignore it. Every problem becomes an :class:`InputError` naming the file, the line and,
where the value is a name, the nearest valid one (``UNIT01`` → ``UNIT001``, ``flase`` → ``false``).

The bundled rule files are the declaration of what exists; the schema adds ranges, closed lists
and open mappings. A key found in the bundled files and not described in the schema is typed by
its default value, so adding a key to a bundled file never needs a schema change.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from auditor.errors import InputError

SCHEMA_FILE = "schema.yaml"
TYPE_NAMES = {"boolean": "true or false", "number": "a number", "integer": "a whole number",
              "string": "a text", "array": "a list", "object": "a mapping"}


def infer(value: Any) -> dict[str, Any]:
    """A schema for ``value``'s shape: the type its default has (a mapping is a closed record)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, (int, float)):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        shapes = {infer(item).get("type") for item in value}
        return {"type": "array", **({"items": {"type": shapes.pop()}} if len(shapes) == 1 else {})}
    if isinstance(value, dict):
        return {"type": "object", "properties": {str(k): infer(v) for k, v in value.items()},
                "additionalProperties": False}
    return {}


def _declare(schema: dict[str, Any], value: Any) -> None:
    """Add to a record ``schema`` the keys ``value`` has and the schema does not describe; close it."""
    if not isinstance(value, dict) or "$ref" in schema or "additionalProperties" in schema:
        return  # an open mapping (its entries are typed by additionalProperties) or a shared definition
    schema.setdefault("type", "object")
    properties = schema.setdefault("properties", {})
    for key, item in value.items():
        if str(key) in properties:
            _declare(properties[str(key)], item)
        else:
            properties[str(key)] = infer(item)
    schema["additionalProperties"] = False


def build_schema(schema_file: Mapping[str, Any], bundled: Mapping[str, Any]) -> dict[str, Any]:
    """The schema every rule file is checked against: ``schema_file`` completed from ``bundled``."""
    schema = copy.deepcopy(dict(schema_file))
    defs = schema["$defs"]
    files = schema.setdefault("properties", {})
    for stem, data in bundled.items():
        if stem != "catalogue":
            _declare(files.setdefault(stem, {}), data)
    catalogue = files.setdefault("catalogue", {"type": "object", "properties": {}})
    checks = catalogue["properties"]["checks"]
    checks["properties"] = {}
    for code, spec in bundled.get("catalogue", {}).get("checks", {}).items():
        entry = copy.deepcopy(defs["check"])
        declared = dict(defs.get("params", {}).get(code, {}))
        for key, default in (spec.get("params") or {}).items():
            declared.setdefault(key, infer(default))
        entry["properties"]["params"] = {"type": "object", "properties": declared, "additionalProperties": False}
        checks["properties"][code] = entry
    rest = {k: v for k, v in bundled.get("catalogue", {}).items() if k != "checks"}
    _declare(catalogue, rest)
    return schema


# --- where in the file: YAML nodes carry their line ------------------------------------------------


def _node_at(node: yaml.Node | None, path: Iterable[Any]) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The value node at ``path`` and the key node that names it (None at the top)."""
    key_node = None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(step):
                    key_node, node = k, v
                    break
            else:
                return node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            key_node, node = None, node.value[step]
        else:
            break
    return node, key_node


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _nearest(word: Any, names: Iterable[Any]) -> str:
    found = difflib.get_close_matches(str(word), [str(n) for n in names], n=1, cutoff=0.6)
    return f"did you mean {found[0]!r}?" if found else ""


def _where(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path) or "the top level"


def _what(path: list[Any]) -> str:
    if not path:
        return "rule file section"
    if path[-2:] == ["catalogue", "checks"] or path == ["catalogue", "checks"]:
        return "check code"
    if path[-1] == "params":
        return "parameter"
    return "key"


def _problems(error: ValidationError, root: yaml.Node | None, file: str) -> list[InputError]:
    path = list(error.absolute_path)
    node, key_node = _node_at(root, path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(schema.get("properties", {}))
        out = []
        for key in error.instance:
            if str(key) in known:
                continue
            _, unknown_key = _node_at(node, [key])
            hint = _nearest(key, known) or (f"known: {', '.join(known)}" if len(known) <= 12 else "")
            out.append(InputError(f"{file}:{_line(unknown_key)}",
                                  f"unknown {_what(path)} {key!r} in {_where(path)}", hint))
        return out
    if "propertyNames" in error.relative_schema_path:  # a bad name: the error holds the name, not its place
        _, name_node = _node_at(node, [error.instance])
        allowed = error.validator_value if error.validator == "enum" else []
        return [InputError(f"{file}:{_line(name_node)}", f"unknown name {error.instance!r} in {_where(path)}",
                           _nearest(error.instance, allowed))]
    line = _line(key_node if key_node is not None else node)
    value = error.instance
    if error.validator == "type":
        wanted = schema.get("type")
        names = " or ".join(TYPE_NAMES.get(t, t) for t in ([wanted] if isinstance(wanted, str) else wanted))
        hint = _nearest(value, ["true", "false"]) if wanted == "boolean" else ""
        return [InputError(f"{file}:{line}", f"{_where(path)} must be {names}, not {value!r}", hint)]
    if error.validator == "enum":
        return [InputError(f"{file}:{line}",
                           f"{_where(path)}: {value!r} is not one of {', '.join(map(str, error.validator_value))}",
                           _nearest(value, error.validator_value))]
    return [InputError(f"{file}:{line}", f"{_where(path)}: {error.message}")]


def problems(data: Any, schema: Mapping[str, Any], root: yaml.Node | None, file: str) -> list[InputError]:
    """Every way ``data`` (read from ``file``, composed as ``root``) breaks ``schema``, by line."""
    out: list[InputError] = []
    for error in Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(data):
        out.extend(_problems(error, root, file))
    unique = {str(e): e for e in out}
    return sorted(unique.values(), key=lambda e: (_line_of(e), str(e)))


def _line_of(error: InputError) -> int:
    try:
        return int(error.path.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def read(path: Path) -> tuple[Any, yaml.Node | None]:
    """A rule file's data and its node tree; InputError when it is missing or not YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "rule file does not exist") from None
    except IsADirectoryError:
        raise InputError(str(path), "rule file is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"rule file cannot be read ({exc})") from None
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(where, f"not valid YAML ({problem})", "check its indentation and brackets") from None
