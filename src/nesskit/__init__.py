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
    entangled,
    entanglement_measures,
    entanglement_threshold,
    is_entangled,
    lambda_min,
    log_negativity,
    negativity,
    partial_transpose,
)
from .errors import ParameterError, SolverError
from .methods import (
    Auto,
    ClosedForm,
    Exact,
    FreeFermion,
    Hierarchy,
    Method,
    available_methods,
    choose_method,
    method_from,
    solve,
)
from .model import Model, disorder_fields
from .ness import NESS, Diagnostics, PairSource
from .pairs import pair_sites, resolve_pairs
from .sweeps import Execution, sweep
from .thermal_map import thermal_sweep

__version__ = "0.2.0"

__all__ = [
    "Model",
    "NESS",
    "Diagnostics",
    "ParameterError",
    "SolverError",
    "PairSource",
    "Method",
    "Auto",
    "ClosedForm",
    "FreeFermion",
    "Hierarchy",
    "Exact",
    "method_from",
    "pair_sites",
    "resolve_pairs",
    "solve",
    "choose_method",
    "sweep",
    "Execution",
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
    "entangled",
    "entanglement_threshold",
    "__version__",
]
