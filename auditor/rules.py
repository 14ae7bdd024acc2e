"""Rule data: the check catalogue, parameters and lexicons live as YAML in ``rules/``.

A province's conventions are a rule file, not a code change: ``--rules FILE`` overlays a YAML file
on the defaults (switch a check off, change a parameter or a message). The overlay is checked
against ``rules/schema.yaml`` first (auditor.rule_schema): a typo is an input error, never a
setting silently ignored.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from auditor import rule_schema
from auditor.errors import InputError


def rules_dir() -> Path:
    """The bundled rules: inside the installed package, or ``rules/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError("auditor's rules/ directory is missing from this installation")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def bundled_files() -> list[Path]:
    """The bundled rule files, the schema excepted (it describes them, it is not one)."""
    return [p for p in sorted(rules_dir().glob("*.yaml")) if p.name != rule_schema.SCHEMA_FILE]


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in bundled_files():
        with path.open(encoding="utf-8") as fh:
            data[path.stem] = yaml.safe_load(fh) or {}
    return data


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    with (rules_dir() / rule_schema.SCHEMA_FILE).open(encoding="utf-8") as fh:
        return rule_schema.build_schema(yaml.safe_load(fh), _bundled())


def check_file(path: str | Path) -> list[InputError]:
    """Every problem of an overlay file, in line order (empty when it is usable)."""
    path = Path(path)
    try:
        data, root = rule_schema.read(path)
    except InputError as exc:
        return [exc]
    if data is None:
        return []
    return rule_schema.problems(data, schema(), root, str(path))


def bundled_problems() -> list[InputError]:
    """Problems of the bundled rule files themselves (a test keeps this empty)."""
    out = []
    for path in bundled_files():
        data, root = rule_schema.read(path)
        out += rule_schema.problems({path.stem: data or {}}, schema(), _wrap(root, path.stem), str(path))
    return out


def _wrap(root: yaml.Node | None, stem: str) -> yaml.Node:
    """A bundled file's nodes as the value of its stem, so error paths (``units.units.元``) find lines."""
    key = yaml.ScalarNode("tag:yaml.org,2002:str", stem)
    return yaml.MappingNode("tag:yaml.org,2002:map", [(key, root)] if root is not None else [])


class RuleSet:
    """All rule files, by file stem (``catalogue``, ``units``, ``lexicon``, ``programmes``…)."""

    def __init__(self, data: dict[str, Any], name: str = "default") -> None:
        self.data = data
        self.name = name

    @classmethod
    def load(cls, override: str | Path | None = None) -> RuleSet:
        data = _bundled()
        name = "default"
        if override is not None:
            path = Path(override)
            problems = check_file(path)
            if problems:
                raise problems[0]
            extra, _ = rule_schema.read(path)
            data = _merge(data, extra or {})
            name = f"default+{path.name}"
        return cls(data, name)

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key, {})

    @property
    def checks(self) -> dict[str, dict[str, Any]]:
        return self.data.get("catalogue", {}).get("checks", {})

    def check(self, code: str) -> dict[str, Any]:
        return self.checks.get(code, {})

    def enabled(self, code: str) -> bool:
        return bool(self.check(code).get("enabled", True))

    def param(self, code: str, key: str, default: Any = None) -> Any:
        return self.check(code).get("params", {}).get(key, default)
