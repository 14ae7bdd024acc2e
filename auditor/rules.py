"""Rule data: the check catalogue, parameters and lexicons live as YAML in ``rules/``.

A province's conventions are a rule file, not a code change: ``--rules FILE`` overlays a YAML file
on the defaults (switch a check off, change a parameter or a message).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

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


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path in sorted(rules_dir().glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data[path.stem] = yaml.safe_load(fh) or {}
    return data


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
            try:
                with path.open(encoding="utf-8") as fh:
                    extra = yaml.safe_load(fh) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise InputError(str(path), f"rule file cannot be read ({exc})", "check its YAML") from None
            if not isinstance(extra, dict):
                raise InputError(str(path), "rule file must be a mapping of rule files to settings")
            data = _merge(data, extra)
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
