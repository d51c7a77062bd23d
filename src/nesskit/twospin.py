"""Two-spin reduced density matrices (SPEC §2).

ρ_ij = ¼ Σ_{α,β ∈ {0,x,y,z}} ⟨σ^α_i σ^β_j⟩ σ^α ⊗ σ^β, in the basis ↑↑, ↑↓, ↓↑, ↓↓ with the first factor
the spin at site i. All functions broadcast over leading axes ("stacks" of pairs).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .operators import PAULIS

#: σ^α ⊗ σ^β for α, β = 0..3, shape (4, 4, 4, 4).
_PAULI_PRODUCTS = np.einsum("aij,bkl->abikjl", PAULIS, PAULIS).reshape(4, 4, 4, 4)


def rdm_from_pauli_correlations(correlations: ArrayLike) -> np.ndarray:
    """Return ρ_ij (..., 4, 4) from the table T[..., α, β] = ⟨σ^α_i σ^β_j⟩ (T[0, 0] = 1)."""
    t = np.asarray(correlations)
    return 0.25 * np.einsum("...ab,abij->...ij", t, _PAULI_PRODUCTS)


def pauli_correlations(rdm: ArrayLike) -> np.ndarray:
    """Return T[..., α, β] = Tr(ρ σ^α ⊗ σ^β) (real) for a stack of two-spin states."""
    rho = np.asarray(rdm)
    return np.einsum("...ij,abji->...ab", rho, _PAULI_PRODUCTS).real


def xstate_rdm(z_i: ArrayLike, z_j: ArrayLike, zz: ArrayLike, pm: ArrayLike) -> np.ndarray:
    """The U(1)-symmetric ("X") two-spin state from its four independent correlations.

    Parameters
    ----------
    z_i, z_j : array_like
        ⟨σᶻ_i⟩ and ⟨σᶻ_j⟩.
    zz : array_like
        ⟨σᶻ_i σᶻ_j⟩.
    pm : array_like (complex)
        ⟨σ⁺_i σ⁻_j⟩ (spin operators, no Jordan–Wigner string). Then ⟨σˣσˣ⟩ = ⟨σʸσʸ⟩ = 2 Re pm and
        ⟨σˣσʸ⟩ = −⟨σʸσˣ⟩ = −2 Im pm; on nearest neighbours the spin current is t = −⟨σˣσʸ⟩ = 2 Im pm.

    Returns
    -------
    ndarray, shape (..., 4, 4)
        Populations (1 ± z_i ± z_j + zz)/4 on the diagonal and ρ[↑↓, ↓↑] = ⟨σ⁻_i σ⁺_j⟩ = conj(pm).
    """
    a, b, ab, c = np.broadcast_arrays(*(np.asarray(x) for x in (z_i, z_j, zz, pm)))
    rho = np.zeros(a.shape + (4, 4), dtype=complex)
    rho[..., 0, 0] = (1 + a + b + ab) / 4
    rho[..., 1, 1] = (1 + a - b - ab) / 4
    rho[..., 2, 2] = (1 - a + b - ab) / 4
    rho[..., 3, 3] = (1 - a - b + ab) / 4
    rho[..., 1, 2] = np.conj(c)
    rho[..., 2, 1] = c
    return rho


def swap_spins(rdm: ArrayLike) -> np.ndarray:
    """Exchange the two spins of a stack of two-spin states (ρ_ij → ρ_ji)."""
    rho = np.asarray(rdm)
    perm = [0, 2, 1, 3]
    return rho[..., perm, :][..., :, perm]
