"""One harness: every method against every reference that applies to it, and physical pair states for all methods.

The references (:mod:`references`) are each typed once: the dense brute-force Lindbladian (n ≤ 5), QuTiP's
``steadystate`` from QuTiP's own operators, Eq. 13 of the paper, and — for the other methods — the exact solver.
A method is checked on every model of the zoo it applies to (``Method.why_not`` is None), on the profiles and on
every pair state it can give.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nesskit as nk
from nesskit.methods import METHOD_ORDER, method_class
from references import ReferenceState, dense_reference_state, eq13_state, qutip_reference_state

#: The zoo: (label, model, references that apply, whether the tensor network is run on it).
ZOO: list[tuple[str, nk.Model, tuple[str, ...], bool]] = [
    ("xx-unequal-baths", nk.Model(4, coupling_left=0.7, coupling_right=1.6, mu=1.2, mu_bar=0.15),
     ("dense", "eq13"), True),
    ("xx-corner", nk.Model(5, coupling_left=0.8, coupling_right=1.3, c=-1.0, d=-1.0), ("dense", "eq13"), False),
    ("xx-dephasing", nk.Model(5, coupling=1.0, mu=1.0, mu_bar=-0.2, dephasing=0.1), ("dense",), False),
    ("xx-site-everything", nk.Model(5, coupling_left=1.2, coupling_right=0.6, mu=0.8, mu_bar=0.1,
                                    dephasing=[0.1, 0.0, 0.3, 0.05, 0.2], fields=[0.3, -0.2, 0.0, 0.1, 0.4],
                                    hopping=[1.0, 0.7, 1.3, 0.9]), ("dense",), False),
    ("xxz-site-dephasing", nk.Model(4, coupling_left=0.9, coupling_right=1.4, mu=1.0, mu_bar=0.2, delta=0.6,
                                    dephasing=[0.05, 0.2, 0.0, 0.1], fields=[0.2, 0.0, -0.1, 0.3]),
     ("dense", "qutip"), True),
    ("xxz-site-dephasing-n6", nk.Model(6, coupling=1.0, c=0.9, d=0.4, delta=-1.3,
                                       dephasing=[0.05, 0.1, 0.0, 0.2, 0.0, 0.15], fields=[0.1, 0, 0, 0, 0, -0.2]),
     ("qutip",), False),
    ("xxz-extreme-driving", nk.Model(5, coupling_left=0.8, coupling_right=1.5, c=1.0, d=1.0, delta=0.5),
     ("dense",), True),
    ("xxz-isotropic", nk.Model(5, coupling=1.0, c=-1.0, d=-1.0, delta=1.0), ("dense",), False),
]


def _reference(kind: str, model: nk.Model) -> ReferenceState:
    if kind == "dense":
        return dense_reference_state(model)
    if kind == "qutip":
        pytest.importorskip("qutip")
        return qutip_reference_state(model)
    if kind == "eq13":
        return eq13_state(model.n, model.coupling_left, model.coupling_right, model.mu, model.mu_bar)
    raise AssertionError(kind)


def _cases() -> list[object]:
    cases = []
    for name in METHOD_ORDER:
        for label, model, refs, run_tn in ZOO:
            if name == "tensor-network" and not run_tn:
                continue
            for ref in refs:
                cases.append(pytest.param(name, model, ref, id=f"{name}-{label}-vs-{ref}"))
    return cases


def _tolerance(method: nk.Method, ness: nk.NESS) -> float:
    if method.is_exact:
        return 1e-9
    est = ness.error_estimate
    return max(1e-6, 10 * est) if est is not None else 1e-6


@pytest.mark.parametrize(("name", "model", "ref"), _cases())
def test_method_against_reference(name: str, model: nk.Model, ref: str) -> None:
    cls = method_class(name)
    if cls is None:
        pytest.skip(f"method {name!r} is not installed")
    method = cls()
    if method.why_not(model) is not None:
        return  # the method does not apply to this model: nothing to compare (its refusal is tested elsewhere)
    ness = nk.solve(model, method)
    reference = _reference(ref, model)
    tol = _tolerance(method, ness)
    np.testing.assert_allclose(ness.magnetization, reference.magnetization, atol=tol, rtol=0)
    np.testing.assert_allclose(ness.current, reference.current, atol=tol, rtol=0)
    if ness.zz is not None:
        np.testing.assert_allclose(ness.zz, reference.zz, atol=tol, rtol=0)
    if reference.pair is None:
        return
    compared = 0
    for i, j in reference.pairs(model.n):
        if ness.why_not_pair(i, j) is None:
            np.testing.assert_allclose(ness.pair(i, j), reference.pair(i, j), atol=tol, rtol=0,
                                       err_msg=f"pair ({i}, {j})")
            compared += 1
    assert compared >= model.n - 1 or ness.zz is None


def test_the_zoo_exercises_every_installed_method() -> None:
    for name in nk.available_methods():
        cls = method_class(name)
        assert cls is not None
        assert any(cls().why_not(model) is None for _, model, _, _ in ZOO), name


# -- physicality over the valid parameters, for every method ----------------------------------------------------
_COORD = st.one_of(st.sampled_from([-1.0, 1.0, 0.0]), st.floats(-1.0, 1.0))
_COUPLING = st.one_of(st.sampled_from([0.01, 100.0, 1.0]), st.floats(-2.0, 2.0).map(lambda x: 10.0**x))


@st.composite
def models(draw: st.DrawFn) -> nk.Model:
    n = draw(st.integers(2, 5))
    c, d = draw(_COORD), draw(_COORD)
    if draw(st.booleans()):
        d = c  # the diagonal, where the matrix-product state lives at c = d = ±1
    dephasing = draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0),
                               st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    delta = draw(st.one_of(st.just(0.0), st.sampled_from([1.0, -1.0, 0.5]), st.floats(-2.0, 2.0)))
    return nk.Model(n, coupling_left=draw(_COUPLING), coupling_right=draw(_COUPLING), c=c, d=d,
                    dephasing=dephasing, delta=delta)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=models())
def test_every_pair_state_is_physical(model: nk.Model) -> None:
    for name in nk.available_methods():
        if name == "tensor-network":
            continue  # approximate and slower: its physicality is checked in its own tests
        cls = method_class(name)
        assert cls is not None
        method = cls()
        if method.why_not(model) is not None:
            continue
        ness = nk.solve(model, method)
        assert np.all(np.abs(ness.magnetization) <= 1 + 1e-9)
        for i in range(1, model.n + 1):
            for j in range(i + 1, model.n + 1):
                if ness.why_not_pair(i, j) is not None:
                    continue
                rho = ness.pair(i, j)
                assert abs(np.trace(rho) - 1) < 1e-9, (name, i, j)
                np.testing.assert_allclose(rho, rho.conj().T, atol=1e-10)
                assert np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)).min() > -1e-9, (name, i, j)
