"""Stages import shared helpers from neutral modules, not each other's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHECKS = sorted((Path(__file__).resolve().parents[1] / "auditor" / "checks").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_checks_do_not_import_the_linking_stage(path):
    assert not {m for m in imported_modules(path) if m.startswith("auditor.linking")}


def test_squash_removes_every_kind_of_whitespace():
    from auditor.strings import squash

    assert squash(" 项目\t资金\u3000 100\r\n万元\xa0") == "项目资金100万元"
