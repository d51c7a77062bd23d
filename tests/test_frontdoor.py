"""The solve() front door and the NESS result's pair handling."""

from __future__ import annotations

import numpy as np
import pytest

import nesskit as nk
from dense_reference import dense_ness, dense_pair
from nesskit.ness import NESS, Diagnostics
from nesskit.twospin import swap_spins


def _ness_from_dense(model: nk.Model) -> NESS:
    rho = dense_ness(model)
    n = model.n
    return NESS(model, "dense-test", np.zeros(n), np.zeros(n - 1), np.zeros(n - 1), Diagnostics(),
                pair_state=lambda i, j: dense_pair(rho, i, j, n))


def test_unknown_method_is_named():
    with pytest.raises(nk.ParameterError, match="method"):
        nk.solve(nk.Model(3), method="magic")


def test_model_type_is_checked():
    with pytest.raises(nk.ParameterError, match="model"):
        nk.solve({"n": 3})  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [(0, 2), (1, 5), (2, 2), (1.0, 2)])
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
    assert {"n", "method", "magnetization", "current", "zz", "residual", "pairs"} <= set(out)
    pair = out["pairs"][0]
    assert np.array(pair["rdm"]).shape == (4, 4, 2)
    assert {"i", "j", "lambda_min", "negativity", "log_negativity", "concurrence"} <= set(pair)
