from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))


@lru_cache(maxsize=None)
def audited(path: str):
    from auditor.pipeline import audit

    return audit(path)


@lru_cache(maxsize=None)
def gold(path: str) -> dict:
    return json.loads(Path(path).with_suffix("").with_suffix(".gold.json").read_text(encoding="utf-8")) \
        if path.endswith(".gold.json") else json.loads(Path(path[: -len(Path(path).suffix)] + ".gold.json").read_text(encoding="utf-8"))


@pytest.fixture(params=SEEDS, ids=lambda p: p.name[:3])
def seed(request):
    return request.param
