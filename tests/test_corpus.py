"""End to end: `auditor eval` over the seed corpus meets the bar, with no false alarm on a hold."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_eval_on_the_seeds_meets_the_bar():
    out = subprocess.run([sys.executable, "-m", "auditor", "eval", "corpora/seeds", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    scores = json.loads(out.stdout)
    assert scores["documents"] == 5
    assert scores["recall"] >= 0.95, scores["total"]
    assert scores["precision"] >= 0.95, scores["total"]
    assert scores["false_alarms_on_holds"] == 0


def test_eval_prints_a_table():
    out = subprocess.run([sys.executable, "-m", "auditor", "eval", "corpora/seeds"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "recall" in out.stdout and "TOTAL" in out.stdout and "false alarms on holds: 0" in out.stdout
    assert "reach" in out.stdout and "kill rate" in out.stdout
