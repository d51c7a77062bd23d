"""An independent, deliberately naive reference: the dense Lindbladian on the full 4ⁿ space (n ≤ 5).

It shares nothing with the solvers but the Model's operators (checked separately against SPEC §1), and
serves as the referee of every solver in the tests.
"""

from __future__ import annotations

import numpy as np

from nesskit.model import Model
from nesskit.operators import hamiltonian, jump_operators_full


def dense_liouvillian(model: Model) -> np.ndarray:
    """Matrix of dρ/dt = i[ρ, H] + Σ (2LρL† − {L†L, ρ}) acting on row-major vec(ρ) (Eq. 5–6)."""
    dim = 2**model.n
    eye = np.eye(dim)
    h = hamiltonian(model).toarray()
    lv = 1j * (np.kron(eye, h.T) - np.kron(h, eye))
    for op in jump_operators_full(model, "paper"):
        a = op.toarray()
        ada = a.conj().T @ a
        lv += 2 * np.kron(a, a.conj()) - np.kron(ada, eye) - np.kron(eye, ada.T)
    return lv


def dense_ness(model: Model) -> np.ndarray:
    """The NESS density matrix (2ⁿ × 2ⁿ) from the null vector of the dense Liouvillian, Tr ρ = 1."""
    if model.n > 5:
        raise ValueError("the dense reference is meant for n <= 5")
    dim = 2**model.n
    lv = dense_liouvillian(model)
    trace_row = np.eye(dim).reshape(1, -1)
    a = np.vstack([lv, trace_row])
    b = np.zeros(a.shape[0], dtype=complex)
    b[-1] = 1
    vec, *_ = np.linalg.lstsq(a, b, rcond=None)
    rho = vec.reshape(dim, dim)
    return 0.5 * (rho + rho.conj().T)


def dense_pair(rho: np.ndarray, i: int, j: int, n: int) -> np.ndarray:
    """Two-spin reduced density matrix of sites i < j (1-based), first factor = site i."""
    t = rho.reshape([2] * (2 * n))
    keep = [i - 1, j - 1]
    rest = [k for k in range(n) if k not in keep]
    # move kept axes to the front (bra and ket), then trace the rest
    t = np.moveaxis(t, keep + [n + k for k in keep], [0, 1, 2, 3])
    m = len(rest)
    t = t.reshape(4, 4, 2**m, 2**m) if m else t.reshape(4, 4, 1, 1)
    return np.einsum("abkk->ab", t)


def expectation(rho: np.ndarray, op: np.ndarray) -> complex:
    """Tr(ρ op)."""
    return complex(np.trace(rho @ op))
