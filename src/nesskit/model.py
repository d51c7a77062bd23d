"""The open spin chain of Žnidarič, Phys. Rev. A 85, 012324 (2012), SPEC §1.

Conventions (the paper's, checked against brute force):

* sites are numbered 1..n, as in the paper; ``|↑⟩`` has σᶻ = +1 and σ⁺ = |↑⟩⟨↓|;
* Hamiltonian (Eq. 1, generalised)::

      H = Σ_j J_j (σˣ_j σˣ_{j+1} + σʸ_j σʸ_{j+1}) + Δ Σ_j σᶻ_j σᶻ_{j+1} + Σ_j h_j σᶻ_j

  with J_j = 1, Δ = 0, h_j = 0 for the paper's XX chain (no factor 1/2; Jordan–Wigner hopping 2J_j);
* master equation (Eq. 5–6): dρ/dt = i[ρ, H] + Σ_k (2 L_k ρ L_k† − {L_k† L_k, ρ}), which is **twice** the
  textbook dissipator D[L]ρ = LρL† − ½{L†L, ρ}: a textbook solver (QuTiP ``c_ops``) needs √2·L_k;
* dephasing (Eq. 7): L = √(γ_j/2) σᶻ_j on every site;
* baths (Eqs. 8–9): L₁ = √(Γ_L(1 − μ/2 + μ̄)) σ⁺₁, L₂ = √(Γ_L(1 + μ/2 − μ̄)) σ⁻₁,
  L₃ = √(Γ_R(1 + μ/2 + μ̄)) σ⁺ₙ, L₄ = √(Γ_R(1 − μ/2 − μ̄)) σ⁻ₙ;
* validity (Eq. 10): Γ_L, Γ_R > 0, γ ≥ 0 and 1 ± μ/2 ± μ̄ ≥ 0 (the rhombus with corners (0, ±1), (±2, 0));
* driving coordinates (Eq. 11): d = μ/2 + μ̄, c = μ/2 − μ̄, valid square c, d ∈ [−1, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import (
    ParameterError,
    check_finite,
    check_int,
    check_nonnegative,
    check_positive,
    check_profile,
)
from .operators import SIGMA_MINUS, SIGMA_PLUS, SIGMA_Z

#: Rounding slack allowed on the rhombus 1 ± μ/2 ± μ̄ ≥ 0 (so that c = d = 1 from a float grid is valid).
RHOMBUS_TOLERANCE = 1e-12

Convention = Literal["paper", "textbook"]

_RHOMBUS = "the rhombus 1 ± mu/2 ± mu_bar >= 0 (Eq. 10)"

_F = TypeVar("_F", float, NDArray[np.float64])


def mu_from_cd(c: _F, d: _F) -> tuple[_F, _F]:
    """Return (μ, μ̄) from the driving coordinates (c, d) of Eq. 11: μ = c + d, μ̄ = (d − c)/2."""
    return c + d, (d - c) / 2


def cd_from_mu(mu: _F, mu_bar: _F) -> tuple[_F, _F]:
    """Return (c, d) from (μ, μ̄), Eq. 11: c = μ/2 − μ̄, d = μ/2 + μ̄."""
    return mu / 2 - mu_bar, mu / 2 + mu_bar


def _numeric(name: str, value: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise ParameterError(f"{name} must be a real number or an array of real numbers, got dtype {arr.dtype}")
    return arr.astype(float, copy=False)


def _in_unit_interval(x: NDArray[np.float64]) -> NDArray[np.bool_]:
    """|x| ≤ 1 within :data:`RHOMBUS_TOLERANCE`; False for NaN and ±inf (the one rule behind Eqs. 10–11)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.abs(x) <= 1 + RHOMBUS_TOLERANCE)


def driving_valid_cd(c: ArrayLike, d: ArrayLike) -> NDArray[np.bool_]:
    """Vectorised Eq. 10 in the driving coordinates of Eq. 11: True where c, d ∈ [−1, 1] (SPEC §1).

    Parameters
    ----------
    c, d : array_like of real numbers
        Broadcast against each other.

    Returns
    -------
    ndarray of bool
        The broadcast shape of ``c`` and ``d`` (0-d for scalars); |c|, |d| ≤ 1 + :data:`RHOMBUS_TOLERANCE`.
        NaN or infinite entries give False.
    """
    c_arr, d_arr = np.broadcast_arrays(_numeric("c", c), _numeric("d", d))
    return _in_unit_interval(c_arr) & _in_unit_interval(d_arr)


def driving_valid(mu: ArrayLike, mu_bar: ArrayLike) -> NDArray[np.bool_]:
    """Vectorised Eq. 10: True where all four bath rates 1 ± μ/2 ± μ̄ are ≥ 0 (SPEC §1).

    This is the one definition of the valid driving region used throughout nesskit: the rhombus with
    corners (μ, μ̄) = (0, ±1), (±2, 0), equivalently the square c, d ∈ [−1, 1] of Eq. 11, with the rounding
    slack :data:`RHOMBUS_TOLERANCE` (so that c = d = 1 computed on a float grid is valid).

    Parameters
    ----------
    mu, mu_bar : array_like of real numbers
        μ and μ̄, broadcast against each other.

    Returns
    -------
    ndarray of bool
        The broadcast shape of ``mu`` and ``mu_bar`` (0-d for scalars). NaN or infinite entries give False.

    Examples
    --------
    >>> driving_valid([0.0, 2.0, 2.1], 0.0).tolist()
    [True, True, False]
    """
    mu_arr, mb_arr = np.broadcast_arrays(_numeric("mu", mu), _numeric("mu_bar", mu_bar))
    with np.errstate(invalid="ignore"):
        c, d = cd_from_mu(mu_arr, mb_arr)
    return driving_valid_cd(c, d)


def check_driving(mu: float, mu_bar: float) -> tuple[float, float]:
    """Validate (μ, μ̄) against the rhombus of Eq. 10 (:func:`driving_valid`) and return them as floats.

    Raises :class:`ParameterError` naming μ, μ̄ (and the equivalent c, d) if any of the four bath rates
    1 ± μ/2 ± μ̄ is negative beyond :data:`RHOMBUS_TOLERANCE`.
    """
    mu = check_finite("mu", mu, _RHOMBUS)
    mu_bar = check_finite("mu_bar", mu_bar, _RHOMBUS)
    if not driving_valid(mu, mu_bar):
        c, d = cd_from_mu(mu, mu_bar)
        raise ParameterError(
            f"(mu, mu_bar) = ({mu!r}, {mu_bar!r}) is outside the allowed rhombus 1 ± mu/2 ± mu_bar >= 0 "
            f"(Eq. 10; corners (0, ±1) and (±2, 0)); equivalently c = {c!r}, d = {d!r} must lie in [-1, 1]"
        )
    return mu, mu_bar


def check_hopping(hopping: Sequence[float]) -> tuple[float, ...]:
    """Refuse hopping profiles J_1..J_{n−1} whose NESS is not unique; return them as a tuple.

    A zero bond J_j = 0 cuts the chain between sites j and j + 1 (the Δ σᶻσᶻ term cannot move magnetization
    across it). One cut leaves two pieces, each touching a bath: the NESS is unique (the product of the two
    pieces' states). Two or more cuts leave a piece of sites between them with no bath; its total magnetization
    is conserved by H and by every Lindblad operator, so each magnetization sector holds its own steady state
    and the NESS is not unique. Checked against the kernel dimension of the dense Lindbladian for n ≤ 5
    (tests/test_model.py).

    Raises
    ------
    ParameterError
        If two or more bonds are zero, naming the bonds and the isolated sites.
    """
    prof = tuple(float(x) for x in hopping)
    zero = [j + 1 for j, x in enumerate(prof) if x == 0.0]  # bond j joins sites j and j + 1
    if len(zero) >= 2:
        pieces = ", ".join(f"{a + 1}..{b}" if b > a + 1 else f"{b}" for a, b in zip(zero[:-1], zero[1:]))
        raise ParameterError(
            f"hopping is zero on bonds {zero} (bond j joins sites j and j+1), which leaves site(s) {pieces} "
            "coupled to no bath: their magnetization is conserved and the NESS is not unique. "
            "Allowed: any finite J_j with at most one J_j = 0"
        )
    return prof


@dataclass(frozen=True)
class JumpOperator:
    """One Lindblad operator acting on a single site: ``matrix`` (2×2, rate included) on ``site`` (1-based)."""

    site: int
    matrix: np.ndarray
    label: str

    @property
    def rate(self) -> float:
        """The squared prefactor: L = √rate · (σ⁺, σ⁻ or σᶻ)."""
        return float(np.max(np.abs(self.matrix)) ** 2)


@dataclass(frozen=True, init=False)
class Model:
    """An immutable, validated boundary-driven spin chain (SPEC §1).

    Parameters
    ----------
    n : int
        Number of spins, n ≥ 2.
    coupling : float, optional
        Sets both bath couplings Γ_L = Γ_R (default 1). Exclusive with ``coupling_left``/``coupling_right``.
    coupling_left, coupling_right : float, optional
        Γ_L > 0 and Γ_R > 0 (Eqs. 8–9). Given one, the other defaults to 1.
    mu, mu_bar : float, optional
        Driving μ and average magnetization parameter μ̄ (Eqs. 8–9), inside the rhombus of Eq. 10.
    c, d : float, optional
        Alternative driving coordinates of Eq. 11 (both in [−1, 1]); exclusive with ``mu``/``mu_bar``.
    dephasing : float or sequence of n floats
        γ ≥ 0 (Eq. 7), uniform or one per site.
    delta : float
        Anisotropy Δ: adds Δ Σ σᶻ_jσᶻ_{j+1} (XXZ; 0 for the paper's XX chain).
    fields : float or sequence of n floats
        h_j: adds Σ h_j σᶻ_j. A uniform field does not change the NESS (U(1) symmetry).
    hopping : float or sequence of n − 1 floats
        J_j: H = Σ J_j (σˣσˣ + σʸσʸ) (1 in the paper). At most one J_j may be 0: two zero bonds leave sites
        coupled to no bath and the NESS is not unique (:func:`check_hopping`).

    Examples
    --------
    >>> Model(6, coupling=1.0, c=1.0, d=1.0, dephasing=0.05).mu
    2.0
    """

    n: int
    coupling_left: float
    coupling_right: float
    mu: float
    mu_bar: float
    dephasing_profile: tuple[float, ...]
    delta: float
    field_profile: tuple[float, ...]
    hopping_profile: tuple[float, ...]

    def __init__(
        self,
        n: int,
        *,
        coupling: float | None = None,
        coupling_left: float | None = None,
        coupling_right: float | None = None,
        mu: float | None = None,
        mu_bar: float | None = None,
        c: float | None = None,
        d: float | None = None,
        dephasing: float | Sequence[float] = 0.0,
        delta: float = 0.0,
        fields: float | Sequence[float] = 0.0,
        hopping: float | Sequence[float] = 1.0,
    ) -> None:
        n = check_int("n", n, 2)
        if coupling is not None and (coupling_left is not None or coupling_right is not None):
            raise ParameterError("give either coupling or coupling_left/coupling_right, not both")
        if coupling is not None:
            gl = gr = check_positive("coupling", coupling)
        else:
            gl = 1.0 if coupling_left is None else check_positive("coupling_left", coupling_left)
            gr = 1.0 if coupling_right is None else check_positive("coupling_right", coupling_right)
        if (c is not None or d is not None) and (mu is not None or mu_bar is not None):
            raise ParameterError("give the driving either as (mu, mu_bar) or as (c, d), not both")
        if c is not None or d is not None:
            if c is None or d is None:
                raise ParameterError("c and d must be given together (Eq. 11)")
            c = check_finite("c", c, "[-1, 1] (Eq. 11)")
            d = check_finite("d", d, "[-1, 1] (Eq. 11)")
            for name, value in (("c", c), ("d", d)):
                if not _in_unit_interval(np.asarray(value)):
                    raise ParameterError(f"{name} must lie in [-1, 1] (Eq. 11), got {value!r}")
            mu, mu_bar = mu_from_cd(c, d)
        mu, mu_bar = check_driving(0.0 if mu is None else mu, 0.0 if mu_bar is None else mu_bar)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "coupling_left", gl)
        object.__setattr__(self, "coupling_right", gr)
        object.__setattr__(self, "mu", mu)
        object.__setattr__(self, "mu_bar", mu_bar)
        object.__setattr__(self, "dephasing_profile", check_profile("dephasing", dephasing, n, True))
        object.__setattr__(self, "delta", check_finite("delta", delta))
        object.__setattr__(self, "field_profile", check_profile("fields", fields, n))
        object.__setattr__(self, "hopping_profile", check_hopping(check_profile("hopping", hopping, n - 1)))

    # -- derived parameters ---------------------------------------------------------------------
    @property
    def c(self) -> float:
        """Driving coordinate c = μ/2 − μ̄ (Eq. 11); the left bath alone sets ⟨σᶻ₁⟩ = −c."""
        return cd_from_mu(self.mu, self.mu_bar)[0]

    @property
    def d(self) -> float:
        """Driving coordinate d = μ/2 + μ̄ (Eq. 11); the right bath alone sets ⟨σᶻₙ⟩ = d."""
        return cd_from_mu(self.mu, self.mu_bar)[1]

    @property
    def dephasing(self) -> np.ndarray:
        """γ_j for j = 1..n as an array (Eq. 7)."""
        return np.array(self.dephasing_profile)

    @property
    def fields(self) -> np.ndarray:
        """h_j for j = 1..n as an array."""
        return np.array(self.field_profile)

    @property
    def hopping(self) -> np.ndarray:
        """J_j for bonds j = 1..n−1 as an array."""
        return np.array(self.hopping_profile)

    @property
    def coupling(self) -> float:
        """Γ when Γ_L = Γ_R; raises :class:`ParameterError` otherwise."""
        if self.coupling_left != self.coupling_right:
            raise ParameterError("coupling is defined only when coupling_left == coupling_right")
        return self.coupling_left

    @property
    def uniform_dephasing(self) -> float | None:
        """γ if every site dephases at the same rate, else None."""
        g = self.dephasing_profile
        return g[0] if all(x == g[0] for x in g) else None

    @property
    def is_uniform_xx(self) -> bool:
        """True for the paper's chain: Δ = 0, J_j = 1, uniform field and uniform dephasing.

        A uniform field commutes with H and with every Lindblad operator up to a phase that cancels in
        the dissipator, so it leaves the NESS unchanged (U(1) symmetry): the closed forms still apply.
        """
        h = self.field_profile
        return (
            self.delta == 0.0
            and all(j == 1.0 for j in self.hopping_profile)
            and all(x == h[0] for x in h)
            and self.uniform_dephasing is not None
        )

    def bath_rates(self) -> dict[str, float]:
        """The four bath rates Γ(1 ± μ/2 ± μ̄) of Eqs. 8–9 (paper convention, before the factor 2 of Eq. 6).

        Keys: ``left_up`` (σ⁺₁), ``left_down`` (σ⁻₁), ``right_up`` (σ⁺ₙ), ``right_down`` (σ⁻ₙ).
        Values within :data:`RHOMBUS_TOLERANCE` below zero (float rounding at the rhombus edge) are set to 0.
        """
        mu, mb = self.mu, self.mu_bar
        raw = {
            "left_up": self.coupling_left * (1 - mu / 2 + mb),
            "left_down": self.coupling_left * (1 + mu / 2 - mb),
            "right_up": self.coupling_right * (1 + mu / 2 + mb),
            "right_down": self.coupling_right * (1 - mu / 2 - mb),
        }
        return {k: max(v, 0.0) for k, v in raw.items()}

    def jump_operators(self, convention: Convention = "paper") -> list[JumpOperator]:
        """The Lindblad operators of Eqs. 7–9 as single-site 2×2 matrices.

        Parameters
        ----------
        convention : {"paper", "textbook"}
            ``"paper"``: the L_k of Eqs. 7–9, to be used with the dissipator of Eq. 6
            (2LρL† − {L†L, ρ}). ``"textbook"``: √2·L_k, to be used with D[L]ρ = LρL† − ½{L†L, ρ}
            (QuTiP's ``c_ops``). Operators with zero rate are left out.
        """
        if convention not in ("paper", "textbook"):
            raise ParameterError(f"convention must be 'paper' or 'textbook', got {convention!r}")
        scale = 1.0 if convention == "paper" else np.sqrt(2.0)
        r = self.bath_rates()
        ops = [
            (1, r["left_up"], SIGMA_PLUS, "left σ+"),
            (1, r["left_down"], SIGMA_MINUS, "left σ-"),
            (self.n, r["right_up"], SIGMA_PLUS, "right σ+"),
            (self.n, r["right_down"], SIGMA_MINUS, "right σ-"),
        ]
        ops += [(j + 1, g / 2, SIGMA_Z, f"dephasing {j + 1}") for j, g in enumerate(self.dephasing_profile)]
        return [JumpOperator(site, scale * np.sqrt(rate) * m, label) for site, rate, m, label in ops if rate > 0]

    def replace(self, **changes: object) -> Model:
        """Return a copy with some parameters changed (same keywords as the constructor).

        Changing ``c`` or ``d`` keeps the other one; changing ``mu`` or ``mu_bar`` likewise.
        """
        kwargs: dict[str, object] = {
            "n": self.n,
            "coupling_left": self.coupling_left,
            "coupling_right": self.coupling_right,
            "dephasing": self.dephasing_profile,
            "delta": self.delta,
            "fields": self.field_profile,
            "hopping": self.hopping_profile,
        }
        if "coupling" in changes:
            kwargs.pop("coupling_left")
            kwargs.pop("coupling_right")
        if "c" in changes or "d" in changes:
            kwargs.update(c=self.c, d=self.d)
        else:
            kwargs.update(mu=self.mu, mu_bar=self.mu_bar)
        if "n" in changes and changes["n"] != self.n:
            for key, prof in (("dephasing", self.dephasing_profile), ("fields", self.field_profile),
                              ("hopping", self.hopping_profile)):
                if len(set(prof)) <= 1 and key not in changes:
                    kwargs[key] = prof[0] if prof else 0.0
        kwargs.update(changes)
        return Model(**kwargs)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        """Plain-Python description (JSON-serialisable) of every parameter."""
        return {
            "n": self.n,
            "coupling_left": self.coupling_left,
            "coupling_right": self.coupling_right,
            "mu": self.mu,
            "mu_bar": self.mu_bar,
            "c": self.c,
            "d": self.d,
            "dephasing": list(self.dephasing_profile),
            "delta": self.delta,
            "fields": list(self.field_profile),
            "hopping": list(self.hopping_profile),
        }

    def __repr__(self) -> str:
        def short(p: tuple[float, ...]) -> object:
            return p[0] if len(set(p)) == 1 else list(p)

        return (
            f"Model(n={self.n}, coupling_left={self.coupling_left}, coupling_right={self.coupling_right}, "
            f"mu={self.mu}, mu_bar={self.mu_bar}, dephasing={short(self.dephasing_profile)}, "
            f"delta={self.delta}, fields={short(self.field_profile)}, hopping={short(self.hopping_profile)})"
        )


def disorder_fields(n: int, strength: float, seed: int | None = None) -> np.ndarray:
    """Random fields h_j uniform in [−W, W], reproducible from ``seed`` (numpy's default_rng).

    Parameters
    ----------
    n : int
        Number of sites.
    strength : float
        W ≥ 0.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same fields on every machine.
    """
    n = check_int("n", n, 2)
    w = check_nonnegative("disorder", strength)
    rng = np.random.default_rng(seed)
    return rng.uniform(-w, w, size=n)


__all__ = [
    "Model",
    "JumpOperator",
    "RHOMBUS_TOLERANCE",
    "check_driving",
    "check_hopping",
    "driving_valid",
    "driving_valid_cd",
    "cd_from_mu",
    "mu_from_cd",
    "disorder_fields",
]
