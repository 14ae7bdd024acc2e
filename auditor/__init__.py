"""auditor: a consistency auditor for Chinese budget performance self-evaluation reports."""

__version__ = "0.1.0"
