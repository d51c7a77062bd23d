"""Reference formulas and reference states, each typed once, shared by every test that checks a method.

Nothing here imports a nesskit solver: the references are the paper's printed formulas (SPEC §3, Eq. 13, typed from
SPEC.md), the naive dense Lindbladian (:mod:`dense_reference`) and QuTiP's ``steadystate`` built from QuTiP's own
operators (``c_ops`` = √2·L, SPEC §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dense_reference import dense_ness, dense_pair
from nesskit.model import Model


@dataclass(frozen=True)
class ReferenceState:
    """What a reference gives: profiles and a pair-state function (1-based sites i < j)."""

    name: str
    magnetization: np.ndarray
    current: np.ndarray
    zz: np.ndarray
    pair: Any  # callable (i, j) -> 4x4

    def pairs(self, n: int) -> list[tuple[int, int]]:
        return [(i, j) for i in range(1, n + 1) for j in range(i + 1, n + 1)]


# -- Eq. 13 (SPEC §3): γ = 0, uniform XX chain ---------------------------------------------------------------------
def eq13_current(gl: float, gr: float, mu: float) -> float:
    """t = μ Γ_L Γ_R / D, D = (1 + Γ_LΓ_R)(Γ_L + Γ_R) (Eq. 13)."""
    return mu * gl * gr / ((1 + gl * gr) * (gl + gr))


def eq13_boundary_magnetizations(gl: float, gr: float, mu: float, mu_bar: float) -> tuple[float, float]:
    """⟨σᶻ_1⟩ and ⟨σᶻ_n⟩ (Eq. 13): a₁,ₙ = μ̄ − (μ/2)[(Γ_L − Γ_R) ± Γ_LΓ_R(Γ_L + Γ_R)]/D."""
    d = (1 + gl * gr) * (gl + gr)
    a1 = mu_bar - (mu / 2) * ((gl - gr) + gl * gr * (gl + gr)) / d
    an = mu_bar - (mu / 2) * ((gl - gr) - gl * gr * (gl + gr)) / d
    return a1, an


def eq13_bulk_magnetization(gl: float, gr: float, mu: float, mu_bar: float) -> float:
    """⟨σᶻ_j⟩, 2 ≤ j ≤ n − 1 (Eq. 13): μ̄ − (μ/2)(Γ_L − Γ_R)(1 − Γ_LΓ_R)/D."""
    d = (1 + gl * gr) * (gl + gr)
    return mu_bar - (mu / 2) * (gl - gr) * (1 - gl * gr) / d


def eq13_state(n: int, gl: float, gr: float, mu: float, mu_bar: float) -> ReferenceState:
    """Profiles of Eq. 13 (⟨σᶻ_jσᶻ_{j+1}⟩ = a_j a_{j+1} − t²); pair states are not part of this reference."""
    t = eq13_current(gl, gr, mu)
    a1, an = eq13_boundary_magnetizations(gl, gr, mu, mu_bar)
    z = np.full(n, eq13_bulk_magnetization(gl, gr, mu, mu_bar))
    z[0], z[-1] = a1, an
    return ReferenceState("eq13", z, np.full(n - 1, t), z[:-1] * z[1:] - t**2, None)


# -- dense brute force (n ≤ 5) ---------------------------------------------------------------------------------
def pauli_z_profile(rho: np.ndarray, n: int) -> np.ndarray:
    diag = np.real(np.diag(rho))
    states = np.arange(2**n)
    bits = (states[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1  # bit 0 = ↑ (index 0), 1 = ↓
    return (1 - 2 * bits).T @ diag


def dense_reference_state(model: Model) -> ReferenceState:
    """The NESS from the null vector of the dense 4ⁿ Liouvillian (:func:`dense_reference.dense_ness`)."""
    n = model.n
    rho = dense_ness(model)
    z = pauli_z_profile(rho, n)
    pairs = {(j, j + 1): dense_pair(rho, j, j + 1, n) for j in range(1, n)}
    # ρ_{j,j+1}[↓↑, ↑↓] = ⟨σ⁺_jσ⁻_{j+1}⟩, t = 2 Im of it (SPEC §1)
    current = np.array([2 * pairs[(j, j + 1)][2, 1].imag for j in range(1, n)])
    zz = np.array([np.real(np.trace(pairs[(j, j + 1)] @ np.diag([1, -1, -1, 1]))) for j in range(1, n)])
    return ReferenceState("dense", z, current, zz, lambda i, j: dense_pair(rho, i, j, n))


# -- QuTiP (n ≤ 6), from QuTiP's own operators ---------------------------------------------------------------------
def qutip_reference_state(model: Model) -> ReferenceState:
    """QuTiP's ``steadystate`` (direct method) of the model written with QuTiP's operators, c_ops = √2·L."""
    import qutip

    n = model.n

    def site(op: Any, j: int) -> Any:
        f = [qutip.qeye(2)] * n
        f[j - 1] = op
        return qutip.tensor(f)

    sx, sy, sz, sp, sm = qutip.sigmax(), qutip.sigmay(), qutip.sigmaz(), qutip.sigmap(), qutip.sigmam()
    h = 0 * site(sz, 1)
    for j in range(1, n):
        h += model.hopping[j - 1] * (site(sx, j) * site(sx, j + 1) + site(sy, j) * site(sy, j + 1))
        h += model.delta * site(sz, j) * site(sz, j + 1)
    for j in range(1, n + 1):
        h += model.fields[j - 1] * site(sz, j)
    gl, gr, mu, mb = model.coupling_left, model.coupling_right, model.mu, model.mu_bar
    rates = [(1, gl * (1 - mu / 2 + mb), sp), (1, gl * (1 + mu / 2 - mb), sm),
             (n, gr * (1 + mu / 2 + mb), sp), (n, gr * (1 - mu / 2 - mb), sm)]
    rates += [(j, g / 2, sz) for j, g in enumerate(model.dephasing, start=1)]
    c_ops = [np.sqrt(2 * r) * site(op, j) for j, r, op in rates if r > 0]
    rho = qutip.steadystate(h, c_ops).full()
    rho = 0.5 * (rho + rho.conj().T) / np.trace(rho).real
    return _from_dense("qutip", rho, n)


def _from_dense(name: str, rho: np.ndarray, n: int) -> ReferenceState:
    z = pauli_z_profile(rho, n)
    pairs = {(j, j + 1): dense_pair(rho, j, j + 1, n) for j in range(1, n)}
    current = np.array([2 * pairs[(j, j + 1)][2, 1].imag for j in range(1, n)])
    zz = np.array([np.real(np.trace(pairs[(j, j + 1)] @ np.diag([1, -1, -1, 1]))) for j in range(1, n)])
    return ReferenceState(name, z, current, zz, lambda i, j: dense_pair(rho, i, j, n))
