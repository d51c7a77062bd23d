"""Fixed-point bias of Trotter splittings of the Lindbladian, dense, and whether a processed kernel beats Blanes–Moan.

TEBD's cost per unit time is the number of layers (even- or odd-bond sweeps) per step over dt. The fixed point of a
splitting Ψ(dt) of 𝓛 = A + B (A: even bonds, B: odd bonds) is off the NESS by the splitting's bias. This script
computes that bias exactly, with dense matrices at n = 5 (the 1024 Pauli coefficients, no truncation), as the largest
deviation over all Pauli coefficients from the null vector of 𝓛, for

* Strang (order 2, 2 layers per step), Suzuki's 5-stage (order 4, 10 layers), Blanes–Moan S6 (order 4, 12 layers,
  the solver's default), Blanes–Moan S10 (order 6, 20 layers: at dt = 0.2 fewer layers per unit time than S6 at
  dt = 0.1);
* *processed* symmetric kernels K = e^{aA}e^{bB}e^{(1/2−a)A}e^{(1−2b)B}e^{(1/2−a)A}e^{bB}e^{aA} (6 layers per step)
  with a chosen on the curve where K's dt³ error is a commutator [𝓛, Y], Y = α[A, B] (α + β = 0 in
  log K/dt = 𝓛 + dt²(α[A,[A,B]] + β[B,[B,A]]) + …, coefficients fitted by BCH on random matrices); the fixed point
  of K is then e^{−dt²Y}ρ + O(dt⁴) and is corrected by 1 + dt²Y (effective order 4 at half Blanes–Moan's layers).

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tn_splitting.py

Prints one line per (model, dt): the bias of each splitting. A processed kernel pays only if its bias at dt is
below Blanes–Moan's at 2 dt (same layers per unit time).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from scipy.optimize import brentq

from nesskit.model import Model
from nesskit.solvers import _tebd
from nesskit.solvers import tensor_network as tn

Stages = list[tuple[int, float]]

MODELS = {
    "XX, γ = 0.1, μ = 1": Model(5, coupling=1.0, mu=1.0, dephasing=0.1),
    "Δ = 1.5, γ = 0.05, (c, d) = (0.3, −0.6), Γ_R = 0.8": Model(5, coupling_left=1.0, coupling_right=0.8,
                                                                 delta=1.5, c=0.3, d=-0.6, dephasing=0.05),
    "Δ = 0.5, γ = 0.05, c = d = 1": Model(5, coupling=1.0, delta=0.5, c=1.0, d=1.0, dephasing=0.05),
}


def kernel(a: float, b: float) -> Stages:
    """The symmetric 7-stage kernel as (parity, weight) stages; merged over steps it has 6 layers per step."""
    return [(0, a), (1, b), (0, 0.5 - a), (1, 1 - 2 * b), (0, 0.5 - a), (1, b), (0, a)]


def product(stages: Stages, a_op: np.ndarray, b_op: np.ndarray, dt: float) -> np.ndarray:
    """The exact map of one step, Π e^{w dt A or B} in stage order (the first stage acts first)."""
    out = np.eye(len(a_op))
    for parity, w in stages:
        out = sla.expm(w * dt * (a_op if parity == 0 else b_op)) @ out
    return out


class BCH:
    """α, β of log K/h = A + B + h²(α[A,[A,B]] + β[B,[B,A]]) + O(h⁴), fitted on random 7 × 7 matrices."""

    def __init__(self) -> None:
        rng = np.random.default_rng(1)
        self.a, self.b = rng.normal(size=(7, 7)) * 0.3, rng.normal(size=(7, 7)) * 0.3

        def c(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return x @ y - y @ x

        self.basis = np.stack([c(self.a, c(self.a, self.b)).ravel(), c(self.b, c(self.b, self.a)).ravel()], 1)

    def coefficients(self, stages: Stages, h: float = 1e-2) -> np.ndarray:
        err = (sla.logm(product(stages, self.a, self.b, h)).real / h - (self.a + self.b)) / h**2
        return np.linalg.lstsq(self.basis, err.ravel(), rcond=None)[0]


def dense_splitting(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """A = Σ_even 𝓛_b and B = Σ_odd 𝓛_b as dense Pauli-basis matrices (4ⁿ × 4ⁿ), 𝓛 = A + B (Eqs. 5–9)."""
    n = model.n
    a_op = np.zeros((4**n, 4**n))
    b_op = np.zeros_like(a_op)
    for k, g in enumerate(tn.bond_generators(model)):
        term = np.kron(np.kron(np.eye(4**k), g), np.eye(4 ** (n - k - 2)))
        if k % 2 == 0:
            a_op += term
        else:
            b_op += term
    return a_op, b_op


def fixed_point(m: np.ndarray, eigenvalue: float) -> np.ndarray:
    """The null vector of m − ``eigenvalue`` (0 for 𝓛, 1 for a step map) at unit trace.

    Solved as the bordered system whose first row is the trace condition x₀ = 1 (the identity coefficient): row 0 of
    m − eigenvalue is redundant because both maps preserve the trace. A dense eigenvector of these non-normal maps
    carried errors of ~5e-8, which hid the sixth-order biases.
    """
    a = m - eigenvalue * np.eye(len(m))
    a[0, :] = 0.0
    a[0, 0] = 1.0
    rhs = np.zeros(len(m))
    rhs[0] = 1.0
    return np.linalg.solve(a, rhs)


def main() -> None:
    bch = BCH()
    processed = []
    for b in (-0.5, -0.25, -0.15):
        a = brentq(lambda a, b=b: float(bch.coefficients(kernel(a, b)).sum()), 0.0, 1.5, xtol=1e-13)
        processed.append((a, b, float(bch.coefficients(kernel(a, b))[0])))
    print("model | dt | Strang (2 layers) | Suzuki 4 (10) | Blanes–Moan 4 (12) | Blanes–Moan 6 (20) | processed (6), "
          "(a, b, α): raw → corrected")
    for name, model in MODELS.items():
        a_op, b_op = dense_splitting(model)
        ness = fixed_point(a_op + b_op, 0.0)
        y = a_op @ b_op - b_op @ a_op
        for dt in (0.05, 0.1, 0.2, 0.25, 0.3):
            cells = []
            for order in (2, -4, 4, 6):
                cells.append(np.max(np.abs(fixed_point(product(_tebd._stages(order), a_op, b_op, dt), 1.0) - ness)))
            text = " | ".join(f"{c:.2e}" for c in cells)
            for a, b, alpha in processed:
                raw = fixed_point(product(kernel(a, b), a_op, b_op, dt), 1.0)
                corrected = raw + dt * dt * alpha * (y @ raw)
                text += (f" | ({a:.3f}, {b:g}, {alpha:.4f}): {np.max(np.abs(raw - ness)):.1e} → "
                         f"{np.max(np.abs(corrected - ness)):.2e}")
            print(f"{name} | {dt:g} | {text}", flush=True)


if __name__ == "__main__":
    main()
