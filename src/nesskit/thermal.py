"""Grand-canonical (thermal) states of the XX chain and their nearest-neighbour entanglement, SPEC §5.

ρ_G = exp(−βH − φM)/Z with H = Σ_j (σˣ_jσˣ_{j+1} + σʸ_jσʸ_{j+1}) (Eq. 1) and M = Σ_j σᶻ_j.

**Sign convention (nesskit's choice).** With exp(−φM), positive φ favours spin down, so

    ⟨σᶻ⟩ = −(1/π) ∫₀^π tanh(φ − 2β cos k) dk,        ⟨σˣσˣ⟩ = (1/π) ∫₀^π cos k · tanh(φ − 2β cos k) dk,

i.e. the magnetization is the *negative* of the paper's printed Eq. 3 (which belongs to exp(+φM)); at β = 0
this gives ⟨σᶻ⟩ = −tanh φ, matching Eq. 12 (tanh φ = −μ̄). ⟨σˣσˣ⟩, the energy and λ_min do not depend on this
sign. Derivation: Jordan–Wigner maps H to hopping 2, single-particle energies 4 cos k, and −φM to a chemical
potential, so n_k = 1/(exp(4β cos k + 2φ) + 1). Checked against brute-force exp(−βH − φM) (tests).

Infinite chain: ⟨σᶻσᶻ⟩ = ⟨σᶻ⟩² − ⟨σˣσˣ⟩² (Wick), energy per bond ⟨E⟩ = 2⟨σˣσˣ⟩ and (Eq. 4)
λ_min = ¼(1 − ⟨σˣσˣ⟩² + ⟨σᶻ⟩² − 2√(⟨σˣσˣ⟩² + ⟨σᶻ⟩²)).

β may be any real number or ±inf (T = 0 is β = inf: at fixed φ that is the half-filled ground state; for
ground states at other magnetizations see :func:`ground_state_energy`). Negative β (negative temperature)
is allowed: λ_min(−β, φ) = λ_min(β, φ).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

from .entanglement import xstate_measures
from .errors import ParameterError, check_finite, check_int

#: Gauss–Legendre nodes on each side of the Fermi point k₀ = arccos(φ/2β).
QUADRATURE_NODES = 256
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(QUADRATURE_NODES)


def _beta_phi(beta: Any, phi: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        b = np.asarray(beta, dtype=float)
        p = np.asarray(phi, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"beta and phi must be real numbers, got beta={beta!r}, phi={phi!r}") from None
    if np.any(np.isnan(b)):
        raise ParameterError("beta must be a real number or ±inf (allowed range: [-inf, inf]), got nan")
    bad = ~np.isfinite(p)
    if np.any(bad):
        raise ParameterError(f"phi must be finite (allowed range: (-inf, inf)), got {float(p[bad].ravel()[0])!r}")
    try:
        return tuple(np.broadcast_arrays(b, p))  # type: ignore[return-value]
    except ValueError:
        raise ParameterError(f"beta and phi must broadcast, got shapes {b.shape} and {p.shape}") from None


def _integrals(beta: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(1/π)∫₀^π tanh(φ − 2β cos k) dk and (1/π)∫₀^π cos k tanh(φ − 2β cos k) dk by Gauss–Legendre.

    The integrand changes sign at the Fermi point cos k₀ = φ/(2β) (a step of width ~1/β), so the interval is
    split there and each part integrated with :data:`QUADRATURE_NODES` nodes, which cluster at the split; this
    is accurate for any β, including β = ±inf (tanh → sign).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(beta == 0, np.inf, phi / (2 * beta))
    k0 = np.arccos(np.clip(ratio, -1.0, 1.0))[..., None]  # split point (0 or π if no crossing)
    x = (_NODES + 1) / 2
    w = _WEIGHTS / 2
    k_left = k0 * x
    k_right = k0 + (np.pi - k0) * x
    b = beta[..., None]
    p = phi[..., None]

    def integrand(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cos_k = np.cos(k)
        with np.errstate(invalid="ignore"):
            arg = p - 2 * b * cos_k
        f = np.tanh(np.where(np.isnan(arg), 0.0, arg))
        return f, cos_k * f

    f_l, g_l = integrand(k_left)
    f_r, g_r = integrand(k_right)
    z_int = (k0[..., 0] * (f_l @ w) + (np.pi - k0[..., 0]) * (f_r @ w)) / np.pi
    xx_int = (k0[..., 0] * (g_l @ w) + (np.pi - k0[..., 0]) * (g_r @ w)) / np.pi
    return z_int, xx_int


def infinite_chain(beta: Any, phi: Any) -> dict[str, np.ndarray]:
    """Nearest-neighbour correlations of the infinite XX chain in ρ_G ∝ exp(−βH − φM) (SPEC §5, Eqs. 3–4).

    Returns
    -------
    dict with keys (arrays of the broadcast shape of β, φ):
        ``magnetization`` ⟨σᶻ⟩ (nesskit's sign, see module docstring), ``xx`` ⟨σˣ_jσˣ_{j+1}⟩ = ⟨σʸσʸ⟩,
        ``zz`` ⟨σᶻ_jσᶻ_{j+1}⟩ = ⟨σᶻ⟩² − ⟨σˣσˣ⟩², ``energy`` ⟨E⟩ = 2⟨σˣσˣ⟩ per bond, ``lambda_min`` (Eq. 4).
    """
    b, p = _beta_phi(beta, phi)
    z_int, xx = _integrals(b, p)
    z = -z_int
    zz = z**2 - xx**2
    lam = xstate_measures(z, z, zz, xx / 2)["lambda_min"]
    return {"magnetization": z, "xx": xx, "zz": zz, "energy": 2 * xx, "lambda_min": lam}


def lambda_min(beta: Any, phi: Any) -> np.ndarray:
    """λ_min of the nearest-neighbour two-spin state of the infinite chain (Eq. 4); entangled ⇔ < 0."""
    return infinite_chain(beta, phi)["lambda_min"]


def energy_magnetization(beta: Any, phi: Any) -> tuple[np.ndarray, np.ndarray]:
    """(⟨σᶻ⟩, ⟨E⟩) of the infinite chain: one point of Fig. 3 per (β, φ) (iso-β / iso-φ curves by broadcasting)."""
    res = infinite_chain(beta, phi)
    return res["magnetization"], res["energy"]


def ground_state_energy(magnetization: Any) -> np.ndarray:
    """T = 0 curve of Fig. 3: ⟨E⟩ = −(4/π) cos(π⟨σᶻ⟩/2) of the ground state at fixed magnetization.

    The Fermi sea fills the (1 + ⟨σᶻ⟩)/2 lowest modes 4 cos k (k near π), so ⟨σˣσˣ⟩ = −(2/π) sin(π(1 + z)/2).
    This is the β → ∞ limit at fixed field h = φ/β (the lower edge of the allowed (⟨z⟩, ⟨E⟩) region).
    """
    z = np.asarray(magnetization, dtype=float)
    bad = ~(np.isfinite(z) & (np.abs(z) <= 1))
    if np.any(bad):
        raise ParameterError(f"magnetization must lie in [-1, 1], got {float(z[bad].ravel()[0])!r}")
    return -(4 / np.pi) * np.cos(np.pi * z / 2)


def _occupations(energies: np.ndarray, beta: float, phi: float) -> np.ndarray:
    """Fermi occupations 1/(exp(βε + 2φ) + 1) of single-particle levels ε, with the β = ±inf limit."""
    if math.isinf(beta):
        out = np.where(np.sign(beta) * energies < 0, 1.0, 0.0)
        return np.where(energies == 0, expit(-2 * phi), out)
    return expit(-(beta * energies + 2 * phi))


def finite_chain(n: int, beta: float, phi: float) -> dict[str, np.ndarray]:
    """Grand-canonical state of an *open* XX chain of n spins by free fermions (exact for every n).

    Jordan–Wigner: −βH − φM = −Σ c†_j A_jk c_k + const with A = β h + 2φ, h the hopping matrix (2 on the
    off-diagonals, open boundaries), so C_jk = ⟨c†_j c_k⟩ = [f(A)]_kj with f(x) = 1/(eˣ + 1). In the middle of
    the chain the values approach :func:`infinite_chain` exponentially fast in n at finite temperature.

    Returns
    -------
    dict with ``magnetization`` (n,), and per bond (n − 1,): ``xx`` = 2 Re C_{j,j+1}, ``zz`` (Wick),
    ``energy`` = 2 xx, ``lambda_min``; plus ``correlation_matrix`` C (n, n).
    """
    n = check_int("n", n, 2)
    beta = float(beta)
    if math.isnan(beta):
        raise ParameterError("beta must be a real number or ±inf, got nan")
    phi = check_finite("phi", phi)
    return _free_fermion_state(*_open_chain_modes(n), beta, phi)


def _open_chain_modes(n: int) -> tuple[np.ndarray, np.ndarray]:
    h = np.diag(np.full(n - 1, 2.0), 1) + np.diag(np.full(n - 1, 2.0), -1)
    return np.linalg.eigh(h)


def _free_fermion_state(energies: np.ndarray, modes: np.ndarray, beta: float, phi: float) -> dict[str, np.ndarray]:
    occ = _occupations(energies, beta, phi)
    cm = (modes * occ) @ modes.T  # real symmetric, so C = f(A) = f(A)ᵀ
    dens = np.diag(cm)
    z = 2 * dens - 1
    hop = np.diag(cm, 1)
    xx = 2 * hop
    zz = 4 * (dens[:-1] * dens[1:] - hop**2) - 2 * dens[:-1] - 2 * dens[1:] + 1
    lam = xstate_measures(z[:-1], z[1:], zz, hop)["lambda_min"]
    return {"magnetization": z, "xx": xx, "zz": zz, "energy": 2 * xx, "lambda_min": lam, "correlation_matrix": cm}


def beta_critical(phi: Any = 0.0, beta_max: float = 20.0) -> np.ndarray:
    """β_c(φ): the smallest β > 0 at which λ_min(β, φ) of Eq. 4 crosses zero.

    For 0 ≤ β < β_c the nearest-neighbour state is separable, above it entangled (T_c = 1/β_c ≈ 1.94 at φ = 0).
    Root of Eq. 4 with the integrals of Eq. 3 done by quadrature: a scan in β, then Brent's method. NaN where
    there is no crossing below ``beta_max``. Broadcast (by a loop) over ``phi``.
    """
    p = np.asarray(phi, dtype=float)
    if np.any(~np.isfinite(p)):
        raise ParameterError("phi must be finite")
    out = np.empty(p.shape)
    betas = np.linspace(0.0, beta_max, 2001)
    for idx in np.ndindex(p.shape):
        lam = lambda_min(betas, float(p[idx]))
        neg = np.flatnonzero(lam < 0)
        if neg.size == 0:
            out[idx] = math.nan
            continue
        k = int(neg[0])
        out[idx] = brentq(lambda b, ph=float(p[idx]): float(lambda_min(b, ph)), betas[k - 1], betas[k],
                          xtol=1e-15, rtol=1e-15)
    return out if out.ndim else out[()]


def beta_critical_finite(phi: float = 0.0, n: int = 256, beta_max: float = 20.0) -> float:
    """β_c from the central bond of an open chain of n spins (:func:`finite_chain`), independent of Eq. 3.

    At β ≈ 0.5 finite-size corrections in the chain's middle decay exponentially with n; n = 256 agrees with the
    infinite chain to ~1e-12 (tests compare n = 128 and 256).
    """
    n = check_int("n", n, 4)
    phi = check_finite("phi", phi)
    bond = n // 2 - 1  # bond (n/2, n/2 + 1), 0-based
    energies, modes = _open_chain_modes(n)

    def lam(b: float) -> float:
        return float(_free_fermion_state(energies, modes, b, phi)["lambda_min"][bond])

    betas = np.linspace(0.0, beta_max, 81)
    values = np.array([lam(b) for b in betas])
    neg = np.flatnonzero(values < 0)
    if neg.size == 0:
        return math.nan
    k = int(neg[0])
    return float(brentq(lam, betas[k - 1], betas[k], xtol=1e-15, rtol=1e-15))
