"""Data shipped with the report: exact points too slow to recompute in ``make reproduce`` (with their provenance)."""
