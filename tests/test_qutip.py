"""nesskit's exact NESS against QuTiP's steadystate, and the interop conventions (c_ops = √2·L, basis)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nesskit.model import Model
from nesskit.solvers import exact

qutip = pytest.importorskip("qutip")

from nesskit.interop import density_matrix_to_qutip, to_qutip  # noqa: E402

PAULI = {"0": qutip.qeye(2), "x": qutip.sigmax(), "y": qutip.sigmay(), "z": qutip.sigmaz()}


def two_site(n: int, i: int, a: str, j: int, b: str) -> object:
    """σ^a_i σ^b_j built from QuTiP's own operators (site 1 = first tensor factor)."""
    factors = [qutip.qeye(2)] * n
    factors[i - 1] = PAULI[a]
    factors[j - 1] = PAULI[b]
    return qutip.tensor(factors)


def qutip_model(n, gl, gr, mu, mb, gammas, delta, fields, hopping):
    """The model of SPEC §1 written with QuTiP's operators only, textbook c_ops √2·L (Eq. 6)."""

    def site(op, j):
        f = [qutip.qeye(2)] * n
        f[j - 1] = op
        return qutip.tensor(f)

    sx, sy, sz, sp, sm = qutip.sigmax(), qutip.sigmay(), qutip.sigmaz(), qutip.sigmap(), qutip.sigmam()
    h = 0 * site(sz, 1)
    for j in range(1, n):
        h += hopping[j - 1] * (site(sx, j) * site(sx, j + 1) + site(sy, j) * site(sy, j + 1))
        h += delta * site(sz, j) * site(sz, j + 1)
    for j in range(1, n + 1):
        h += fields[j - 1] * site(sz, j)
    rates = [
        (1, gl * (1 - mu / 2 + mb), sp),
        (1, gl * (1 + mu / 2 - mb), sm),
        (n, gr * (1 + mu / 2 + mb), sp),
        (n, gr * (1 - mu / 2 - mb), sm),
    ] + [(j, g / 2, sz) for j, g in enumerate(gammas, start=1)]
    c_ops = [np.sqrt(2 * r) * site(op, j) for j, r, op in rates if r > 0]
    return h, c_ops


CASES = [
    dict(n=4, gl=0.7, gr=1.3, mu=0.6, mb=0.2, gammas=[0.1, 0.2, 0.05, 0.3], delta=0.5,
         fields=[0.1, -0.3, 0.2, 0.4], hopping=[1.0, 0.5, 1.2]),
    dict(n=5, gl=1.0, gr=1.0, mu=1.0, mb=0.0, gammas=[0.1] * 5, delta=-0.8, fields=[0.4, 0.0, -0.2, 0.0, 0.3],
         hopping=[1.0] * 4),
    dict(n=5, gl=2.0, gr=0.6, mu=-0.5, mb=0.4, gammas=[0.0, 0.3, 0.0, 0.1, 0.2], delta=1.3,
         fields=[-0.5, 0.2, 0.6, 0.0, 0.1], hopping=[0.9, 1.1, 0.7, 1.0]),
]


def nesskit_model(p: dict) -> Model:
    return Model(p["n"], coupling_left=p["gl"], coupling_right=p["gr"], mu=p["mu"], mu_bar=p["mb"],
                 dephasing=p["gammas"], delta=p["delta"], fields=p["fields"], hopping=p["hopping"])


@pytest.mark.parametrize("p", CASES, ids=[f"n{c['n']}-{k}" for k, c in enumerate(CASES)])
def test_all_pauli_correlations_match_qutip_steadystate(p: dict) -> None:
    model = nesskit_model(p)
    h, c_ops = qutip_model(**p)
    rho_q = qutip.steadystate(h, c_ops)  # default (direct) method
    ness = exact.solve(model)
    assert ness.diagnostics.residual <= 1e-12
    n = p["n"]
    for i, j in itertools.combinations(range(1, n + 1), 2):
        table = ness.correlations(i, j)
        for (ka, a), (kb, b) in itertools.product(enumerate("0xyz"), repeat=2):
            want = qutip.expect(two_site(n, i, a, j, b), rho_q)
            assert table[ka, kb] == pytest.approx(want, abs=1e-8), (i, j, a, b)


@pytest.mark.parametrize("p", CASES[:2], ids=["n4", "n5"])
def test_to_qutip_matches_operators_built_in_qutip(p: dict) -> None:
    model = nesskit_model(p)
    h, c_ops = to_qutip(model)
    h_ref, c_ref = qutip_model(**p)
    assert h.dims == h_ref.dims
    np.testing.assert_allclose(h.full(), h_ref.full(), atol=1e-14)
    assert len(c_ops) == len(c_ref)
    for a, b in zip(c_ops, c_ref):
        np.testing.assert_allclose(a.full(), b.full(), atol=1e-14)
    # the steady state of nesskit's QuTiP objects is nesskit's NESS (basis |↑⟩ = basis(2, 0))
    rho_q = qutip.steadystate(h, c_ops)
    full = exact.solve(model).density_matrix.to_dense()
    np.testing.assert_allclose(rho_q.full(), full, atol=1e-9)
    assert exact.dense_residual(model, rho_q.full()) < 1e-9
    back = density_matrix_to_qutip(full, model.n)
    assert back.dims == h.dims and qutip.expect(two_site(model.n, 1, "z", 2, "0"), back) == pytest.approx(
        exact.solve(model).magnetization[0], abs=1e-10)


def test_basis_convention() -> None:
    """QuTiP's basis(2, 0) is σᶻ = +1, i.e. nesskit's |↑⟩ = (1, 0); sigmap() raises it: σ⁺|↓⟩ = |↑⟩."""
    up, dn = qutip.basis(2, 0), qutip.basis(2, 1)
    assert qutip.expect(qutip.sigmaz(), up) == 1.0
    np.testing.assert_allclose((qutip.sigmap() * dn).full(), up.full())
    np.testing.assert_allclose(up.full().ravel(), [1, 0])
