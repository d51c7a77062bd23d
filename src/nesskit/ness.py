"""The result every solver returns: a nonequilibrium steady state (NESS) and its own checks.

Downstream code (entanglement, sweeps, figures) depends only on this object, never on which solver made it.
Sites are 1-based throughout, as in the paper; array attributes are indexed from 0 (``magnetization[0]`` is
site 1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .entanglement import entanglement_measures
from .errors import ParameterError
from .model import Model
from .twospin import pauli_correlations, swap_spins


@dataclass(frozen=True)
class Diagnostics:
    """A solver's checks of its own result.

    Attributes
    ----------
    residual : float or None
        2-norm of the residual of the equations the method solves: ‖𝓛ρ‖ (vectorised ρ) for the exact
        solver, the residual of the correlation equations for the correlation solvers, None where nothing
        was solved numerically.
    trace : float or None
        Tr ρ (1 for a normalised state) where the method holds ρ.
    hermiticity : float or None
        ‖ρ − ρ†‖ where the method holds ρ.
    iterations : int or None
        Iterations of an iterative method.
    wall_time : float or None
        Seconds spent in the solver.
    notes : str
        Anything else worth knowing (ordering, preconditioner, what was not computed).
    """

    residual: float | None = None
    trace: float | None = None
    hermiticity: float | None = None
    iterations: int | None = None
    wall_time: float | None = None
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The diagnostics as a JSON-serialisable dict (part of ``nesskit solve --json``)."""
        return {
            "residual": self.residual,
            "trace": self.trace,
            "hermiticity": self.hermiticity,
            "iterations": self.iterations,
            "wall_time": self.wall_time,
            "notes": self.notes,
        }


PairState = Callable[[int, int], np.ndarray]


@dataclass(frozen=True)
class NESS:
    """A nonequilibrium steady state of a :class:`~nesskit.model.Model`.

    Attributes
    ----------
    model : Model
        The chain that was solved.
    method : str
        The solver that produced it (``"exact"``, ``"closed-form"``, ``"free-fermion"``, ``"hierarchy"``).
    magnetization : ndarray, shape (n,)
        ⟨σᶻ_j⟩ for j = 1..n.
    current : ndarray, shape (n − 1,)
        Spin currents t_j = −⟨σˣ_j σʸ_{j+1}⟩ = ⟨σʸ_j σˣ_{j+1}⟩ (SPEC §1; t > 0 for μ > 0). This is the
        paper's t; the magnetization flowing through bond j per unit time is 4 J_j t_j.
    zz : ndarray, shape (n − 1,)
        ⟨σᶻ_j σᶻ_{j+1}⟩.
    diagnostics : Diagnostics
        Residual, trace, hermiticity, timing.
    pair_state : callable
        ``pair_state(i, j)`` with 1 ≤ i < j ≤ n returns the 4×4 reduced density matrix; use :meth:`pair`.
    density_matrix : ndarray or None
        The full ρ where the method holds it (exact solver, small n).
    """

    model: Model
    method: str
    magnetization: np.ndarray
    current: np.ndarray
    zz: np.ndarray
    diagnostics: Diagnostics
    pair_state: PairState = field(repr=False)
    density_matrix: Any = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of spins."""
        return self.model.n

    def _check_pair(self, i: int, j: int) -> tuple[int, int]:
        n = self.model.n
        for name, k in (("i", i), ("j", j)):
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= n:
                raise ParameterError(f"pair index {name} must be a site in 1..{n} (1-based), got {k!r}")
        if i == j:
            raise ParameterError(f"a pair needs two different sites, got i = j = {i}")
        return int(i), int(j)

    def pair(self, i: int, j: int) -> np.ndarray:
        """The reduced density matrix ρ_ij (4×4) of spins i and j (1-based; any i ≠ j).

        Basis ↑↑, ↑↓, ↓↑, ↓↓ with the first factor the spin at site ``i`` (SPEC §2).
        """
        i, j = self._check_pair(i, j)
        if i < j:
            return np.asarray(self.pair_state(i, j))
        return swap_spins(np.asarray(self.pair_state(j, i)))

    def correlations(self, i: int, j: int) -> np.ndarray:
        """The table T[α, β] = ⟨σ^α_i σ^β_j⟩, α, β ∈ (0, x, y, z), of the pair (i, j)."""
        return pauli_correlations(self.pair(i, j))

    def entanglement(self, i: int, j: int) -> dict[str, float]:
        """λ_min, negativity, log-negativity and concurrence of the pair (i, j) (SPEC §2)."""
        return {k: float(v) for k, v in entanglement_measures(self.pair(i, j)).items()}

    def to_dict(self, pairs: Iterable[tuple[int, int]] = ()) -> dict[str, Any]:
        """A JSON-serialisable summary (the ``nesskit solve --json`` contract).

        Keys: ``n``, ``method``, ``model``, ``magnetization``, ``current``, ``zz``, ``residual``,
        ``diagnostics`` and ``pairs`` (each with ``i``, ``j``, ``rdm`` as nested [re, im] pairs,
        ``lambda_min``, ``negativity``, ``log_negativity``, ``concurrence``).
        """
        out: dict[str, Any] = {
            "n": self.n,
            "method": self.method,
            "sites": "1-based",
            "model": self.model.as_dict(),
            "magnetization": [float(x) for x in self.magnetization],
            "current": [float(x) for x in self.current],
            "zz": [float(x) for x in self.zz],
            "residual": self.diagnostics.residual,
            "diagnostics": self.diagnostics.as_dict(),
            "pairs": [],
        }
        for i, j in pairs:
            rho = self.pair(i, j)
            entry: dict[str, Any] = {
                "i": int(i),
                "j": int(j),
                "basis": ["uu", "ud", "du", "dd"],
                "rdm": [[[float(z.real), float(z.imag)] for z in row] for row in rho],
            }
            entry.update({k: float(v) for k, v in entanglement_measures(rho).items()})
            out["pairs"].append(entry)
        return out

    def __repr__(self) -> str:
        res = self.diagnostics.residual
        return (
            f"NESS(method={self.method!r}, n={self.n}, residual={res if res is None else f'{res:.2e}'}, "
            f"current≈{float(np.mean(self.current)) if self.current.size else 0.0:.6g})"
        )
