"""The corpus notebook runs (executed, not just opened) and its numbers hold."""

from pathlib import Path

import pytest

from tests.conftest import needs_converter

REPO = Path(__file__).resolve().parent.parent


@needs_converter  # the notebook audits every rendition of the corpora, the .doc ones too
def test_corpus_by_rule_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(REPO / "notebooks" / "corpus_by_rule.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", ())]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "recall" in text and "precision" in text
