"""Jordan–Wigner fermions for the XX chain with boundary baths and dephasing (SPEC §4), shared by the
``free-fermion`` and ``hierarchy`` solvers.

Conventions (checked against the dense reference in the tests):

* c_j = Π_{l<j}(−σᶻ_l) σ⁻_j, so c†_j = Π_{l<j}(−σᶻ_l) σ⁺_j and n_j = c†_j c_j = σ⁺_jσ⁻_j = (1 + σᶻ_j)/2:
  spin up is an occupied site.
* c†_j c_{j+1} = σ⁺_j σ⁻_{j+1} (the string of site j+1 is the string of j times −σᶻ_j, and σ⁺(−σᶻ) = σ⁺), so
  H = Σ J_j(σˣσˣ + σʸσʸ) + Σ h_j σᶻ_j = Σ_{jk} c†_j 𝗁_{jk} c_k + const with the real symmetric tridiagonal
  𝗁_{j,j+1} = 𝗁_{j+1,j} = 2J_j and 𝗁_{jj} = 2h_j (σᶻ = 2n − 1).
* C_jk = ⟨c†_j c_k⟩ (Hermitian). In the Heisenberg picture of Eq. 5–6 (dA/dt = i[H, A] + Σ 2L†AL − {L†L, A})
  it obeys (SPEC §4, with site-dependent rates)::

      dC/dt = i[𝗁, C] − {B, C} − D∘C + G,

  B = diag(β), β_1 = 2Γ_L, β_n = 2Γ_R (sum of the gain and loss rates of each bath, Eqs. 8–9);
  G = diag(g), g_1 = 2Γ_L(1 − μ/2 + μ̄), g_n = 2Γ_R(1 + μ/2 + μ̄) (twice the gain rates);
  D_jk = 2(γ_j + γ_k) for j ≠ k and 0 on the diagonal (dephasing: σᶻ_j A σᶻ_j = (−1)^{m_j} A for a monomial
  with m_j fermion operators on site j, so γ_j(σᶻ_jAσᶻ_j − A) = −2γ_j A when m_j is odd).
  Since D∘C = 2(ΓC + CΓ) − 4 Diag(γ∘diag C) with Γ = diag(γ), the stationary equation is the Lyapunov equation
  A'C + CA'^H + G + 4 Diag(γ_j C_jj) = 0 with A' = i𝗁 − B − 2Γ (complex symmetric tridiagonal).

Why the Jordan–Wigner string of the right bath drops out. Let P = Π_l(−σᶻ_l) = Π_l(1 − 2n_l) be the fermion
parity and S = Π_{l<n}(−σᶻ_l). Then σ⁺ₙ = S c†ₙ = P(1 − 2nₙ)c†ₙ = −P c†ₙ and σ⁻ₙ = P cₙ. (i) In L†L the
string squares to one: σ⁻ₙσ⁺ₙ = cₙ P P c†ₙ = cₙc†ₙ. (ii) The Liouvillian commutes with ρ ↦ PρP: H and every
L†L are parity-even, and P L P = ±L for every L (σᶻ_j even; σ±_j odd), so PLρL†P = (PLP)(PρP)(PLP)† =
L(PρP)L†. Hence PρP is a steady state whenever ρ is, and the NESS, unique for Γ_L, Γ_R > 0, satisfies PρP = ρ.
(iii) For such ρ, σ⁺ₙρσ⁻ₙ = (−Pc†ₙ)ρ(Pcₙ) = −P c†ₙ P ρ cₙ = c†ₙ ρ cₙ (c†ₙP = −Pc†ₙ and Pρ = ρP), and likewise
σ⁻ₙρσ⁺ₙ = cₙρc†ₙ. So on the NESS (and on every parity-even ρ, a set the dynamics preserves) the right bath acts
exactly as the string-free fermionic bath with L = √rate · c†ₙ, cₙ, and the correlation equations close.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..model import Model


def single_particle_hamiltonian(model: Model) -> sp.csr_matrix:
    """The real symmetric tridiagonal 𝗁 with 𝗁_{j,j+1} = 2J_j and 𝗁_{jj} = 2h_j (sparse, n×n)."""
    hop = 2.0 * model.hopping
    return sp.diags([hop, 2.0 * model.fields, hop], [-1, 0, 1], format="csr")


def bath_vectors(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """(β, g): loss β_j (diagonal of B) and gain g_j (diagonal of G) of the correlation equation.

    β_1 = 2Γ_L, β_n = 2Γ_R; g_1 = 2Γ_L(1 − μ/2 + μ̄), g_n = 2Γ_R(1 + μ/2 + μ̄) (Eqs. 8–9), zero elsewhere.
    """
    r = model.bath_rates()
    beta = np.zeros(model.n)
    gain = np.zeros(model.n)
    beta[0] = r["left_up"] + r["left_down"]
    beta[-1] = r["right_up"] + r["right_down"]
    gain[0] = 2.0 * r["left_up"]
    gain[-1] = 2.0 * r["right_up"]
    return beta, gain


def drift_matrix(model: Model) -> np.ndarray:
    """A' = i𝗁 − B − 2Γ (dense, complex symmetric tridiagonal), Γ = diag(γ_j)."""
    beta, _ = bath_vectors(model)
    return 1j * single_particle_hamiltonian(model).toarray() - np.diag(beta + 2.0 * model.dephasing)


def correlation_residual(model: Model, corr: np.ndarray) -> float:
    """Frobenius norm of dC/dt evaluated at ``corr`` (0 for the exact stationary C)."""
    beta, gain = bath_vectors(model)
    gamma = model.dephasing
    a = (1j * single_particle_hamiltonian(model) - sp.diags(beta + 2.0 * gamma)).tocsr()  # sparse: O(n²) products
    ac = np.asarray(a @ corr)
    res = ac + ac.conj().T + np.diag(gain + 4.0 * gamma * np.diag(corr).real)  # C A^H = (A C)^H, C Hermitian
    return float(np.linalg.norm(res))


def magnetization(corr: np.ndarray) -> np.ndarray:
    """⟨σᶻ_j⟩ = 2C_jj − 1 (n_j = (1 + σᶻ_j)/2)."""
    return 2.0 * np.diag(corr).real - 1.0


def bond_coherence(corr: np.ndarray) -> np.ndarray:
    """⟨σ⁺_jσ⁻_{j+1}⟩ = C_{j,j+1} (no string between neighbours), j = 1..n−1."""
    return np.diag(corr, 1).copy()


def current(corr: np.ndarray) -> np.ndarray:
    """Spin current t_j = −⟨σˣ_jσʸ_{j+1}⟩ = 2 Im⟨σ⁺_jσ⁻_{j+1}⟩ = 2 Im C_{j,j+1} (SPEC §1)."""
    return 2.0 * np.diag(corr, 1).imag


def string_coherence(corr: np.ndarray, i: int, j: int) -> complex:
    """⟨σ⁺_iσ⁻_j⟩ (1-based, i < j) in a Gaussian (free-fermion) state with correlations C.

    σ⁺_iσ⁻_j = c†_i Π_{i<l<j}(1 − 2n_l) c_j. With U = Π_{i<l<j}(1 − 2n_l) = exp(iπN_S), ρU is a Gaussian operator
    with Tr ρU = det(1 − 2C_SS); its correlations give, after Cramer's rule, the (j−i)×(j−i) determinant over
    sites r, k ∈ {i+1..j}::

        N[r, k] = δ_rk − 2C_kr (k < j),   N[r, j] = C_ir,   ⟨σ⁺_iσ⁻_j⟩ = det N.

    For j = i + 1 this is C_ij; for one site l between it is C_ij(1 − 2C_ll) + 2C_il C_lj (Wick).
    """
    sites = np.arange(i, j)  # 0-based indices of sites i+1..j
    m = np.eye(len(sites), dtype=complex) - 2.0 * corr[np.ix_(sites, sites)].T
    m[:, -1] = corr[i - 1, sites]
    return complex(np.linalg.det(m))


def gaussian_zz(corr: np.ndarray, i: int, j: int) -> float:
    """⟨σᶻ_iσᶻ_j⟩ = z_i z_j − 4|C_ij|² (Wick, i ≠ j, 1-based) in a Gaussian state."""
    z = 2.0 * np.diag(corr).real - 1.0
    return float(z[i - 1] * z[j - 1] - 4.0 * abs(corr[i - 1, j - 1]) ** 2)
