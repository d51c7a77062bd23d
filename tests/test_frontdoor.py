"""The solve() front door, method objects and the NESS result: pairs, pickling, equality, printing, xarray."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, dataclass

import numpy as np
import pytest

import nesskit as nk
from dense_reference import dense_ness, dense_pair
from nesskit.methods import METHOD_ORDER, Auto, ClosedForm, Exact, FreeFermion, Hierarchy, method_from
from nesskit.ness import NESS, Diagnostics
from nesskit.twospin import swap_spins


@dataclass(frozen=True, eq=False)
class DensePairs:
    """A PairSource backed by a dense ρ (test-only), picklable like every real one."""

    rho: np.ndarray
    n: int

    def why_not_pair(self, i: int, j: int) -> str | None:
        return None

    def pair(self, i: int, j: int) -> np.ndarray:
        return dense_pair(self.rho, i, j, self.n)


def _ness_from_dense(model: nk.Model) -> NESS:
    rho = dense_ness(model)
    n = model.n
    return NESS(model, "dense-test", np.zeros(n), np.zeros(n - 1), np.zeros(n - 1), Diagnostics(),
                states=DensePairs(rho, n))


MODELS = {
    "closed-form": nk.Model(6, coupling=1.0, mu=1.0, dephasing=0.1),
    "free-fermion": nk.Model(6, coupling=1.0, mu=1.0, fields=[0.1, 0, 0, 0, 0, -0.1]),
    "hierarchy": nk.Model(6, coupling=1.0, mu=1.0, dephasing=[0.1, 0, 0, 0, 0.2, 0]),
    "exact": nk.Model(5, coupling=1.0, mu=1.0, delta=0.5, dephasing=0.05),
}


def test_unknown_method_is_named():
    with pytest.raises(nk.ParameterError, match="method"):
        nk.solve(nk.Model(3), method="magic")


def test_model_type_is_checked():
    with pytest.raises(nk.ParameterError, match="model"):
        nk.solve({"n": 3})  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [(0, 2), (1, 5), (2, 2), (1.5, 2), ("1", 2), (True, 2)])
def test_pair_indices_are_validated(bad):
    ness = _ness_from_dense(nk.Model(4, mu=0.5))
    with pytest.raises(nk.ParameterError, match="pair|site"):
        ness.pair(*bad)


def test_reversed_pair_swaps_spins():
    model = nk.Model(3, coupling_left=0.5, coupling_right=2.0, mu=1.0, mu_bar=0.3)
    ness = _ness_from_dense(model)
    np.testing.assert_allclose(ness.pair(3, 1), swap_spins(ness.pair(1, 3)))
    assert ness.pair(3, 1)[0, 1] == pytest.approx(ness.pair(1, 3)[0, 2])


def test_to_dict_contract():
    ness = _ness_from_dense(nk.Model(3, mu=1.0))
    out = ness.to_dict([(1, 2)])
    assert {"n", "method", "magnetization", "current", "zz", "residual", "pairs", "log_current"} <= set(out)
    pair = out["pairs"][0]
    assert np.array(pair["rdm"]).shape == (4, 4, 2)
    assert {"i", "j", "lambda_min", "negativity", "log_negativity", "concurrence", "entangled"} <= set(pair)


# -- method objects --------------------------------------------------------------------------------------------
def test_names_and_objects_give_the_same_result():
    model = MODELS["exact"]
    by_name = nk.solve(model, "exact", tol=1e-12)
    by_object = nk.solve(model, Exact(tol=1e-12))
    np.testing.assert_allclose(by_name.magnetization, by_object.magnetization, atol=1e-12)
    assert by_name.method == by_object.method == "exact"


def test_unknown_options_are_refused_by_name():
    with pytest.raises(nk.ParameterError, match="no option.*'tolerance'"):
        nk.solve(nk.Model(4), "exact", tolerance=1e-3)
    with pytest.raises(nk.ParameterError, match="no option.*'tol'"):
        nk.solve(nk.Model(4), "hierarchy", tol=1e-3)
    with pytest.raises(nk.ParameterError, match="no option"):
        method_from("closed-form", anything=1)


def test_options_with_auto_are_refused_whichever_method_auto_would_pick():
    # the same refusal for a closed-form chain and an XXZ chain (it used to depend on auto's choice)
    for model in (nk.Model(4), nk.Model(4, delta=0.5)):
        with pytest.raises(nk.ParameterError, match="depend on the method"):
            nk.solve(model, tol=1e-3)


def test_options_and_object_cannot_be_mixed():
    with pytest.raises(nk.ParameterError, match="method object"):
        nk.solve(nk.Model(4), Exact(), tol=1e-3)


@pytest.mark.parametrize(("cls", "kwargs", "name"), [
    (Exact, {"tol": -1.0}, "tol"), (Exact, {"restart": 1}, "restart"), (Exact, {"linear_solver": "qr"}, "linear"),
    (Hierarchy, {"four_point": "yes"}, "four_point"), (FreeFermion, {"algorithm": "magic"}, "algorithm"),
    (Auto, {"exclude": ("nonsense",)}, "exclude"),
])
def test_method_options_are_validated(cls, kwargs, name):
    with pytest.raises(nk.ParameterError, match=name):
        cls(**kwargs)


def test_methods_are_immutable_and_picklable():
    m = Exact(tol=1e-13)
    with pytest.raises(FrozenInstanceError):
        m.tol = 1.0  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(m)) == m
    assert m.options()["tol"] == 1e-13


def test_each_method_says_why_not():
    xxz = nk.Model(6, delta=0.5)
    assert "delta" in ClosedForm().why_not(xxz)
    assert "delta" in FreeFermion().why_not(xxz)
    assert "delta" in Hierarchy().why_not(xxz)
    assert Exact().why_not(xxz) is None
    assert "nearest-neighbour" in Hierarchy().why_not(nk.Model(6, dephasing=[0.1] * 6), [(1, 3)])


def test_auto_takes_the_pairs_into_account():
    # regression: n = 34 with site dephasing and the bulk pair — auto used to pick the hierarchy without 4-point
    # functions and every pair then raised
    model = nk.Model(34, coupling=1.0, mu=1.0, dephasing=[0.1] * 33 + [0.2])
    assert nk.choose_method(model) == "hierarchy"
    with pytest.raises(nk.ParameterError, match="4-point"):  # no exact method gives this pair; auto says why
        nk.choose_method(model, ["bulk"])
    if "tensor-network" in nk.available_methods():
        with pytest.raises(nk.ParameterError, match="approximate method.*tensor-network"):
            nk.choose_method(model, ["bulk"])
        assert Auto(approximate=True).choose(model, [(17, 18)]).name == "tensor-network"
    with pytest.raises(nk.ParameterError, match="4-point"):
        nk.solve(model, "hierarchy", pairs=["bulk"])
    ness = nk.solve(model, Hierarchy(four_point=False))
    assert ness.zz is None and ness.why_not_pair(17, 18) is not None
    with pytest.raises(nk.ParameterError, match="four_point=True"):
        ness.pair(17, 18)


def test_pairs_are_validated_against_n():
    with pytest.raises(nk.ParameterError, match="1..4"):
        nk.solve(nk.Model(4), pairs=[(1, 9)])
    with pytest.raises(nk.ParameterError, match="pair must be one of"):
        nk.solve(nk.Model(4), pairs=["middle"])


def test_registry_order_puts_exact_methods_first():
    names = list(METHOD_ORDER)
    assert names.index("closed-form") < names.index("free-fermion") < names.index("exact")
    assert names[-1] == "tensor-network"


# -- results hold data -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", list(MODELS))
def test_every_result_pickles_compares_and_prints(method):
    ness = nk.solve(MODELS[method], method)
    again = pickle.loads(pickle.dumps(ness))
    assert again == ness
    np.testing.assert_array_equal(again.pair(2, 3), ness.pair(2, 3))
    assert ness != nk.solve(MODELS[method].replace(mu=0.5), method)
    text = str(ness)
    assert method in text and "residual" in text and "wall time" in text
    assert repr(ness).startswith("NESS(method=")
    with pytest.raises(ValueError):
        ness.magnetization[0] = 1.0  # read-only


@pytest.mark.parametrize("method", list(MODELS))
def test_to_xarray_matches_the_result(method):
    ness = nk.solve(MODELS[method], method)
    ds = ness.to_xarray(pairs=["boundary", "bulk", (2, 4)] if method != "hierarchy" else ["boundary", "bulk"])
    np.testing.assert_array_equal(ds.magnetization.values, ness.magnetization)
    assert list(ds.site.values) == list(range(1, ness.n + 1))
    assert ds.sizes["bond"] == ness.n - 1
    i, j = nk.pair_sites("bulk", ness.n)
    lam = float(ds.lambda_min.sel(pair="bulk"))
    assert lam == pytest.approx(ness.entanglement(i, j)["lambda_min"], abs=1e-14)
    assert int(ds.pair_i.sel(pair="bulk")) == i


def test_hierarchy_without_four_point_functions_behaves():
    # regression: repr, == and hasattr(ness, "zz") raised on such a result
    ness = nk.solve(nk.Model(8, dephasing=[0.1] * 7 + [0.0], mu=1.0), Hierarchy(four_point=False))
    assert ness.zz is None and hasattr(ness, "zz")
    assert "hierarchy" in repr(ness) and ness == pickle.loads(pickle.dumps(ness))
    assert ness.to_dict()["zz"] is None
    assert "zz" not in ness.to_xarray()


def test_diagnostics_that_were_not_computed_are_none():
    ness = nk.solve(MODELS["free-fermion"], "free-fermion")
    assert ness.diagnostics.hermiticity is None  # the Gaussian ρ is never built: no literal 0.0
    from nesskit.solvers.closed_form import RESIDUAL_MAX_N

    cf = nk.solve(nk.Model(RESIDUAL_MAX_N + 1, mu=1.0), "closed-form")
    assert cf.diagnostics.residual is None and cf.diagnostics.trace is None


def test_dask_client_map_over_solve():
    from dask.distributed import Client, LocalCluster

    models = [nk.Model(6, coupling=1.0, mu=mu) for mu in (0.5, 1.0)]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = client.gather(client.map(nk.solve, models))
    for model, ness in zip(models, results):
        local = nk.solve(model)
        assert ness.model == model and ness.method == local.method
        np.testing.assert_array_equal(ness.magnetization, local.magnetization)
        np.testing.assert_array_equal(ness.pair(2, 4), local.pair(2, 4))
