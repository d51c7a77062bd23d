"""Transitional: the sweeps moved to the package :mod:`nesskit.sweeps` and the thermal map to
:mod:`nesskit.thermal_map`. This module is removed once ``nesskit/__init__.py`` imports from there."""

from __future__ import annotations

from .sweeps import Execution, sweep
from .thermal_map import thermal_sweep

__all__ = ["sweep", "thermal_sweep", "Execution"]
