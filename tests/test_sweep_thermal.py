"""Thermal (β, φ) sweeps of the infinite XX chain (SPEC §5) against the finite free-fermion chain."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from nesskit import ParameterError
from nesskit.cli import main
from nesskit.sweep import sweep
from nesskit.thermal import finite_chain


def test_thermal_sweep_matches_the_middle_of_a_long_open_chain():
    betas = np.array([0.2, 0.5, 0.9])
    phis = np.array([-0.5, 0.0, 1.5])
    ds = sweep({"beta": betas, "phi": phis})
    assert ds["lambda_min"].dims == ("beta", "phi")
    for b in betas:
        for p in phis:
            ref = finite_chain(200, float(b), float(p))
            point = ds.sel(beta=b, phi=p)
            assert float(point["energy"]) == pytest.approx(2 * float(np.asarray(ref["xx"])[99]), abs=1e-9)
            assert float(point["magnetization"]) == pytest.approx(float(np.asarray(ref["magnetization"])[99]),
                                                                  abs=1e-9)


def test_thermal_sweep_changes_sign_at_the_finite_chain_beta_c():
    from nesskit.thermal import beta_critical_finite

    beta_c = beta_critical_finite(0.0, n=128)
    ds = sweep({"beta": [beta_c - 1e-4, beta_c + 1e-4]}, phi=0.0)
    lam = ds["lambda_min"].values
    assert lam[0] > 0 > lam[1]


def test_thermal_axes_do_not_mix_with_model_axes():
    with pytest.raises(ParameterError, match="beta"):
        sweep({"beta": [0.1, 0.2], "c": [0.0, 0.5]})


def test_cli_thermal_map_and_plot(tmp_path):
    runner = CliRunner()
    out = tmp_path / "thermal.nc"
    res = runner.invoke(main, ["map", "--axis", "beta=0.3:0.7:9", "--axis", "phi=0,1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()
    png = tmp_path / "thermal.png"
    res = runner.invoke(main, ["plot", str(out), "--out", str(png)])
    assert res.exit_code == 0, res.output
    assert png.stat().st_size > 1000
