"""``nesskit map`` and ``nesskit plot``: files are produced, errors are one clear line with exit status 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

from nesskit.cli import main
from nesskit.cli.sweep import parse_axis
from nesskit.errors import ParameterError
from nesskit.sweeps import Execution, sweep


def test_map_then_plot(tmp_path: Path):
    out = tmp_path / "map.nc"
    runner = CliRunner()
    result = runner.invoke(main, ["map", "--axis", "c=-1:1:21", "--axis", "d=-1:1:21", "--n", "10", "--coupling", "1",
                                  "--pair", "bulk", "--pair", "1", "3", "--pair", "2,3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "441 points" in result.output
    ds = xr.load_dataset(out)
    assert ds.lambda_min.shape == (21, 21, 3) and list(ds.pair.values) == ["bulk", "1-3", "2-3"]
    api = sweep({"c": np.linspace(-1, 1, 21), "d": np.linspace(-1, 1, 21)}, n=10, coupling=1.0,
                pairs=["bulk", (1, 3), (2, 3)])
    np.testing.assert_allclose(ds.lambda_min.values, api.lambda_min.values, atol=1e-15)
    assert ds.attrs["command"].startswith("nesskit")
    for pair_args in (["--pair", "1", "3"], ["--pair", "1,3"], ["--pair", "5", "6"], ["--pair", "bulk"]):
        png = tmp_path / "map.png"
        result = runner.invoke(main, ["plot", str(out), "--out", str(png), *pair_args])
        assert result.exit_code == 0, (pair_args, result.output)
        assert png.stat().st_size > 1000 and png.read_bytes()[:4] == b"\x89PNG"
    result = runner.invoke(main, ["plot", str(out), "--out", str(tmp_path / "x.png"), "--pair", "last"])
    assert result.exit_code == 2 and "holds the pairs" in result.output


def test_pair_option_is_the_one_of_nesskit_solve(tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "p.nc"
    result = runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "1", "--n", "5", "--pair", "3", "4",
                                  "--pair", "last", "--pair", "boundary", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ds = xr.load_dataset(out)
    assert list(ds.pair.values) == ["3-4", "last", "boundary"]
    assert ds.pair_i.values.tolist() == [3, 4, 1] and ds.pair_j.values.tolist() == [4, 5, 2]
    solved = runner.invoke(main, ["solve", "--n", "5", "--c", "1", "--d", "1", "--pair", "3", "4", "--json"])
    assert solved.exit_code == 0, solved.output
    import json

    lam = json.loads(solved.output)["pairs"][0]["lambda_min"]
    assert float(ds.lambda_min.sel(c=1.0, pair="3-4")) == pytest.approx(lam, abs=1e-14)


def test_n_is_required_unless_an_axis(tmp_path: Path):
    runner = CliRunner()
    out = str(tmp_path / "n.nc")
    result = runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "1", "--out", out])
    assert result.exit_code == 2 and "--n is required" in result.output
    result = runner.invoke(main, ["map", "--axis", "n=3,4", "--axis", "c=0,1", "--d", "1", "--out", out])
    assert result.exit_code == 0, result.output
    assert xr.load_dataset(out).n.values.tolist() == [3, 4]
    result = runner.invoke(main, ["map", "--axis", "n=3,4", "--n", "4", "--c", "0", "--d", "1", "--out", out])
    assert result.exit_code == 2 and "both an axis" in result.output


def test_map_per_point_with_dephasing_axis_and_tol(tmp_path: Path):
    out = tmp_path / "deph.nc"
    result = CliRunner().invoke(main, ["map", "--axis", "dephasing=0,0.1", "--axis", "c=0,1", "--d", "1",
                                       "--n", "4", "--method", "exact", "--tol", "1e-13", "--workers", "0",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    ds = xr.load_dataset(out)
    assert ds.attrs["execution"] == "per point" and ds.attrs["methods_used"] == "exact"
    assert '"tol": 1e-13' in ds.attrs["definition"]
    assert ds.dephasing.values.tolist() == [0.0, 0.1]
    png = tmp_path / "deph.png"
    result = CliRunner().invoke(main, ["plot", str(out), "--out", str(png)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["map", "--axis", "c=0,1", "--d", "1", "--n", "4", "--tol", "1e-13",
                                       "--out", str(tmp_path / "t.nc")])
    assert result.exit_code == 2 and "tol" in result.output


def test_per_point_flag_equals_vectorised(tmp_path: Path):
    runner = CliRunner()
    vec, per = tmp_path / "vec.nc", tmp_path / "per.nc"
    base = ["map", "--axis", "c=-1:1:3", "--axis", "d=0,1", "--n", "4", "--pair", "1", "3"]
    assert runner.invoke(main, [*base, "--out", str(vec)]).exit_code == 0
    result = runner.invoke(main, [*base, "--out", str(per), "--per-point", "--workers", "0"])
    assert result.exit_code == 0, result.output
    a, b = xr.load_dataset(vec), xr.load_dataset(per)
    assert a.attrs["execution"] == "vectorised closed forms" and b.attrs["execution"] == "per point"
    np.testing.assert_allclose(a.lambda_min.values, b.lambda_min.values, atol=1e-13)


def test_plot_needs_two_axes(tmp_path: Path):
    out = tmp_path / "three.nc"
    runner = CliRunner()
    args = ["map", "--axis", "c=0:1:3", "--axis", "d=0:1:3", "--axis", "coupling=1,2", "--n", "6", "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, ["plot", str(out), "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "--sel" in result.output
    result = runner.invoke(main, ["plot", str(out), "--out", str(tmp_path / "x.png"), "--sel", "coupling=2"])
    assert result.exit_code == 0, result.output


def test_bad_input_is_one_line(tmp_path: Path):
    runner = CliRunner()
    out = str(tmp_path / "x.nc")
    cases = [
        (["--axis", "c=1:-1:0", "--n", "4"], "axis 'c'"),
        (["--axis", "gamma=0:1:3", "--n", "4"], "unknown parameter"),
        (["--axis", "c=0:1:3", "--axis", "c=0:1:3", "--d", "0", "--n", "4"], "twice"),
        (["--axis", "c=0:1:3", "--c", "1", "--d", "0", "--n", "4"], "both an axis"),
        (["--axis", "c=0:1:3", "--d", "0", "--n", "4", "--pair", "x"], "--pair"),
        (["--axis", "c=0:1:3", "--d", "0", "--n", "4", "--pair", "1", "9"], "1..4"),
        (["--axis", "c=0:1:3", "--d", "0", "--n", "4", "--beta", "1"], "--beta"),
    ]
    for args, word in cases:
        result = runner.invoke(main, ["map", "--out", out, *args])
        assert result.exit_code == 2, (args, result.output)
        assert word in result.output and "Traceback" not in result.output, (args, result.output)
    sweep({"c": [0.0]}, d=0.0, n=10, execution=Execution(out=out))
    result = runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "0", "--n", "10", "--out", out])
    assert result.exit_code == 2 and "--overwrite" in result.output
    assert runner.invoke(main, ["map", "--axis", "c=0,1", "--d", "0", "--n", "10", "--out", out,
                                "--overwrite"]).exit_code == 0


@pytest.mark.parametrize(
    "spec, word",
    [
        ("c=1:-1:0", "integer >= 1, got 0"),
        ("c=1:-1:-3", "integer >= 1, got -3"),
        ("c=0:1:2.5", "integer >= 1, got 2.5"),
        ("c=1:1:3", "repeats"),
        ("c=0:1", "cannot read"),
        ("c=a,b", "cannot read"),
        ("gamma=0:1:3", "unknown parameter"),
        ("c", "expected name="),
        ("c=0,0", "repeat"),
        ("n=2.5,3", "integers"),
        ("n=1,2", "integers"),
        ("c=nan,1", "finite"),
    ],
)
def test_malformed_axes(spec, word):
    with pytest.raises(ParameterError, match=word) as err:
        parse_axis(spec)
    assert "axis" in str(err.value)


def test_axis_strings_are_linspace():
    name, values = parse_axis("mu-bar=-0.5:0.5:5")
    assert name == "mu_bar"
    np.testing.assert_array_equal(values, np.linspace(-0.5, 0.5, 5))
    assert parse_axis("n=4,6")[1].tolist() == [4, 6]
