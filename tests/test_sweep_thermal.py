"""Thermal (β, φ) maps of the infinite XX chain (SPEC §5) against the finite free-fermion chain."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from nesskit import ParameterError
from nesskit.cli import main
from nesskit.sweeps import Execution, sweep
from nesskit.thermal import finite_chain
from nesskit.thermal_map import thermal_sweep


def test_thermal_map_matches_the_middle_of_a_long_open_chain():
    betas = np.array([0.2, 0.5, 0.9])
    phis = np.array([-0.5, 0.0, 1.5])
    ds = thermal_sweep({"beta": betas, "phi": phis})
    assert ds["lambda_min"].dims == ("beta", "phi")
    for b in betas:
        for p in phis:
            ref = finite_chain(200, float(b), float(p))
            point = ds.sel(beta=b, phi=p)
            assert float(point["energy"]) == pytest.approx(2 * float(np.asarray(ref["xx"])[99]), abs=1e-9)
            assert float(point["magnetization"]) == pytest.approx(float(np.asarray(ref["magnetization"])[99]),
                                                                  abs=1e-9)
    flipped = thermal_sweep({"phi": phis, "beta": betas})  # the axes' order is the dimensions' order
    assert flipped["lambda_min"].dims == ("phi", "beta")
    np.testing.assert_allclose(flipped.lambda_min.values, ds.lambda_min.values.T, atol=0)


def test_thermal_map_changes_sign_at_the_finite_chain_beta_c():
    from nesskit.thermal import beta_critical_finite

    beta_c = beta_critical_finite(0.0, n=128)
    ds = thermal_sweep({"beta": [beta_c - 1e-4, beta_c + 1e-4]}, phi=0.0)
    lam = ds["lambda_min"].values
    assert lam[0] > 0 > lam[1]


def test_thermal_map_refuses_options_it_does_not_use():
    for options, word in [({"pairs": "bulk"}, "pairs"), ({"method": "exact"}, "method"), ({"n": 10}, "n"),
                          ({"c": 0.5}, "c")]:
        with pytest.raises(ParameterError, match=word):
            thermal_sweep({"beta": [0.1, 0.2]}, **options)
    for execution, word in [(Execution(workers=2), "workers"), (Execution(scheduler="tcp://x:1"), "scheduler"),
                            (Execution(chunk_size=3), "chunk_size"), (Execution(vectorise=False), "vectorise")]:
        with pytest.raises(ParameterError, match=word):
            thermal_sweep({"beta": [0.1, 0.2]}, execution=execution)
    with pytest.raises(ParameterError, match="both an axis and a fixed"):
        thermal_sweep({"beta": [0.1, 0.2]}, beta=0.3)
    with pytest.raises(ParameterError, match="unknown parameter"):
        thermal_sweep({"beta": [0.1, 0.2], "c": [0.0, 0.5]})
    with pytest.raises(ParameterError, match="thermal"):
        sweep({"beta": [0.1, 0.2]})


def test_thermal_map_refuses_to_overwrite_another_sweep(tmp_path):
    out = tmp_path / "map.nc"
    sweep({"c": [0.0, 1.0]}, d=1.0, n=4, execution=Execution(out=out))
    before = xr.load_dataset(out)
    with pytest.raises(ParameterError, match="overwrite"):
        thermal_sweep({"beta": [0.1, 0.2]}, execution=Execution(out=out))
    xr.testing.assert_identical(xr.load_dataset(out), before)  # untouched
    first = thermal_sweep({"beta": [0.1, 0.2]}, execution=Execution(out=out, overwrite=True))
    assert "beta" in first.dims
    again = thermal_sweep({"beta": [0.1, 0.2]}, execution=Execution(out=out))  # the same map: loaded
    xr.testing.assert_identical(again, first)
    with pytest.raises(ParameterError, match="overwrite"):
        thermal_sweep({"beta": [0.1, 0.3]}, execution=Execution(out=out))
    with pytest.raises(ParameterError, match="overwrite"):
        sweep({"c": [0.0, 1.0]}, d=1.0, n=4, execution=Execution(out=out))


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
    for extra, word in [(["--pair", "bulk"], "--pair"), (["--method", "exact"], "--method"),
                        (["--workers", "2"], "--workers"), (["--n", "10"], "--n")]:
        res = runner.invoke(main, ["map", "--axis", "beta=0.3:0.7:9", "--out", str(tmp_path / "t2.nc"), *extra])
        assert res.exit_code == 2 and word in res.output and "does not use" in res.output, (extra, res.output)
