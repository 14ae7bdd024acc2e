"""read: segmentation and numeric claims."""

from auditor.nlp.claims import read

__all__ = ["read"]
