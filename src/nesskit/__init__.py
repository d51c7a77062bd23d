"""nesskit — nonequilibrium steady states of boundary-driven open spin chains and their entanglement.

Implements Žnidarič, *Entanglement in stationary nonequilibrium states at high energies*,
Phys. Rev. A 85, 012324 (2012), in the paper's conventions (see :mod:`nesskit.model`).

Quick start
-----------
>>> import nesskit as nk
>>> ness = nk.solve(nk.Model(6, coupling=1.0, mu=1.0, dephasing=0.1))
>>> ness.entanglement(3, 4)["lambda_min"]  # doctest: +SKIP
"""

from __future__ import annotations

from .entanglement import (
    concurrence,
    entanglement_measures,
    is_entangled,
    lambda_min,
    log_negativity,
    negativity,
    partial_transpose,
)
from .errors import ParameterError, SolverError
from .model import Model, disorder_fields
from .ness import NESS, Diagnostics
from .solve import available_methods, choose_method, solve
from .sweep import sweep, thermal_sweep

__version__ = "0.1.0"

__all__ = [
    "Model",
    "NESS",
    "Diagnostics",
    "ParameterError",
    "SolverError",
    "solve",
    "choose_method",
    "sweep",
    "thermal_sweep",
    "available_methods",
    "disorder_fields",
    "partial_transpose",
    "lambda_min",
    "negativity",
    "log_negativity",
    "concurrence",
    "entanglement_measures",
    "is_entangled",
    "__version__",
]
