"""End to end: `auditor eval` over the seed corpus meets the bar, with no false alarm on a hold."""

import json
import subprocess
import sys

from auditor.model import CATEGORIES
from tests.conftest import ROOT


def test_eval_on_the_seeds_meets_the_bar():
    out = subprocess.run([sys.executable, "-m", "auditor", "eval", "corpora/seeds", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    scores = json.loads(out.stdout)
    assert scores["documents"] == 5
    assert scores["total"]["recall"] >= 0.85, scores["total"]
    assert scores["total"]["precision"] >= 0.85, scores["total"]
    assert scores["hold_false_alarms"] == 0
    found = {c for c in CATEGORIES if scores["categories"][c]["matched_predicted"] > 0}
    assert found == set(CATEGORIES)


def test_eval_prints_a_table():
    out = subprocess.run([sys.executable, "-m", "auditor", "eval", "corpora/seeds"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "recall" in out.stdout and "TOTAL" in out.stdout and "false alarms on holds: 0" in out.stdout
