"""Pauli matrices and many-spin operators in nesskit's basis convention.

Basis: |↑⟩ = (1, 0), |↓⟩ = (0, 1), so σᶻ = diag(1, −1) and σ⁺ = |↑⟩⟨↓| (SPEC §1). In a chain of n spins,
site 1 is the leftmost (most significant) factor of the Kronecker product: the basis state with index k has
spin j down iff bit (n − j) of k is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:  # only for annotations: model.py imports the Pauli table from here
    from .model import Convention, Model


def _table(rows: list[list[complex]]) -> np.ndarray:
    m = np.array(rows, dtype=complex)
    m.setflags(write=False)  # shared by every module: never modified in place
    return m


# The one Pauli table of nesskit (read-only), basis |↑⟩ = index 0 (SPEC §1).
#: σ⁰ = identity.
IDENTITY = _table([[1, 0], [0, 1]])
#: σˣ.
SIGMA_X = _table([[0, 1], [1, 0]])
#: σʸ.
SIGMA_Y = _table([[0, -1j], [1j, 0]])
#: σᶻ = diag(1, −1): |↑⟩ = (1, 0) has σᶻ = +1.
SIGMA_Z = _table([[1, 0], [0, -1]])
#: σ⁺ = (σˣ + iσʸ)/2 = |↑⟩⟨↓|.
SIGMA_PLUS = _table([[0, 1], [0, 0]])
#: σ⁻ = (σˣ − iσʸ)/2 = |↓⟩⟨↑|.
SIGMA_MINUS = _table([[0, 0], [1, 0]])

#: (σ⁰, σˣ, σʸ, σᶻ), indexed by α = 0, 1, 2, 3 as in SPEC §2; shape (4, 2, 2), read-only.
PAULIS = np.stack([IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z])
PAULIS.setflags(write=False)
PAULI_LABELS = ("0", "x", "y", "z")


def site_operator(op: np.ndarray, site: int, n: int) -> sp.csr_matrix:
    """Embed a 2×2 operator acting on ``site`` (1-based) in the 2ⁿ-dimensional space (sparse)."""
    left = sp.identity(2 ** (site - 1), format="csr", dtype=complex)
    right = sp.identity(2 ** (n - site), format="csr", dtype=complex)
    return sp.kron(sp.kron(left, sp.csr_matrix(op)), right, format="csr")


def hamiltonian(model: Model) -> sp.csr_matrix:
    """The sparse 2ⁿ×2ⁿ Hamiltonian of the model (Eq. 1, with Δ, fields, hopping; :class:`~nesskit.model.Model`)."""
    n = model.n
    x = [site_operator(SIGMA_X, j, n) for j in range(1, n + 1)]
    y = [site_operator(SIGMA_Y, j, n) for j in range(1, n + 1)]
    z = [site_operator(SIGMA_Z, j, n) for j in range(1, n + 1)]
    h = sp.csr_matrix((2**n, 2**n), dtype=complex)
    for j, coupling in enumerate(model.hopping_profile):
        h = h + coupling * (x[j] @ x[j + 1] + y[j] @ y[j + 1])
        if model.delta:
            h = h + model.delta * (z[j] @ z[j + 1])
    for j, field in enumerate(model.field_profile):
        if field:
            h = h + field * z[j]
    return h.tocsr()


def jump_operators_full(model: Model, convention: Convention = "paper") -> list[sp.csr_matrix]:
    """The Lindblad operators of :meth:`~nesskit.model.Model.jump_operators` embedded in the full 2ⁿ space (sparse)."""
    return [site_operator(op.matrix, op.site, model.n) for op in model.jump_operators(convention)]
