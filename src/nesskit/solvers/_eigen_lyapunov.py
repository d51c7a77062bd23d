"""The one eigenbasis inverse of the Lyapunov/Sylvester map X ↦ AX + XA^H.

With A = V Λ V⁻¹, AX + XA^H = S is solved by X = V [(V⁻¹ S V⁻ᴴ) ⊘ (λ_a + λ̄_b)] V^H: two pairs of matrix
products, no factorisation (:func:`eigenbasis_solve`). For a complex symmetric A (Aᵀ = A) the eigenvectors can be
normalised so that VᵀV = 1 (bilinear, no conjugation), hence V⁻¹ = Vᵀ (:class:`EigenLyapunov`). Used by the
free-fermion Lyapunov equation (γ = 0), the 2-point hierarchy with dephasing, the preconditioner of the 4-point
hierarchy (the drift matrices of the XX chain are complex symmetric: i·(real symmetric hopping) minus a real
diagonal) and the exact solver's no-jump inverse −i(KZ − ZK†) − sZ = X (A = −iK − s/2, with V⁻¹ either Vᵀ or
from LU, whichever is measured more accurate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: |vᵀv| below this marks a nearly self-orthogonal eigenvector (an exceptional point): the basis is unusable.
SELF_ORTHOGONAL = 1e-8


def bilinear_normalise(vec: np.ndarray, limit: float = SELF_ORTHOGONAL) -> np.ndarray:
    """Columns scaled to vᵀv = 1; :class:`numpy.linalg.LinAlgError` if some |vᵀv| < ``limit``."""
    norms = np.sqrt(np.einsum("ia,ia->a", vec, vec))
    if np.any(np.abs(norms) < limit):
        raise np.linalg.LinAlgError("nearly self-orthogonal eigenvector (exceptional point)")
    return vec / norms


def eigenbasis_solve(vec: np.ndarray, vinv: np.ndarray, inv_denominator: np.ndarray, source: np.ndarray) -> np.ndarray:
    """X = V [(V⁻¹ S V⁻ᴴ) ∘ D⁻¹] V^H, the solution of AX + XA^H = S for A = VΛV⁻¹ and D_ab = λ_a + λ̄_b."""
    y = vinv @ source
    y = y @ vinv.conj().T
    y *= inv_denominator
    y = vec @ y
    return y @ vec.conj().T


@dataclass(frozen=True, eq=False)
class EigenLyapunov:
    """Solves AX + XA^H = S through the eigenpairs (λ, V) of a complex symmetric A with VᵀV = 1.

    Parameters
    ----------
    lam : ndarray, shape (m,)
        Eigenvalues of A (all with Re λ < 0 for a relaxing drift matrix, so λ_a + λ̄_b ≠ 0).
    vec : ndarray, shape (m, m)
        Eigenvectors, normalised with :func:`bilinear_normalise`.
    """

    lam: np.ndarray
    vec: np.ndarray

    @classmethod
    def from_eigenpairs(cls, lam: np.ndarray, vec: np.ndarray, normalised: bool = False) -> EigenLyapunov:
        """Build from eigenpairs (normalising the eigenvectors unless ``normalised``)."""
        return cls(np.asarray(lam), np.asarray(vec) if normalised else bilinear_normalise(np.asarray(vec)))

    @property
    def denominator(self) -> np.ndarray:
        """λ_a + λ̄_b, shape (m, m)."""
        return self.lam[:, None] + self.lam.conj()[None, :]

    def core(self, source_in_eigenbasis: np.ndarray) -> np.ndarray:
        """Y = (Vᵀ S V̄) ⊘ (λ_a + λ̄_b) for S already transformed to Vᵀ S V̄."""
        return source_in_eigenbasis / self.denominator

    def to_eigenbasis(self, source: np.ndarray) -> np.ndarray:
        """Vᵀ S V̄ (= V⁻¹ S V^{-H})."""
        return (self.vec.T @ source) @ self.vec.conj()

    def from_eigenbasis(self, core: np.ndarray) -> np.ndarray:
        """V Y V^H."""
        return (self.vec @ core) @ self.vec.conj().T

    def solve(self, source: np.ndarray) -> np.ndarray:
        """X with AX + XA^H = S (:func:`eigenbasis_solve` with V⁻¹ = Vᵀ)."""
        return eigenbasis_solve(self.vec, self.vec.T, 1.0 / self.denominator, source)

    def solve_diagonal(self, diagonal: np.ndarray) -> np.ndarray:
        """The eigenbasis core Y for a diagonal source S = Diag(s): Y = (Vᵀ diag(s) V̄) ⊘ (λ_a + λ̄_b)."""
        return ((self.vec.T * diagonal) @ self.vec.conj()) / self.denominator
