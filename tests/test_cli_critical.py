"""The ``nesskit critical`` and ``nesskit thermal`` command-line contracts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nesskit import thermal
from nesskit.cli import main


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_critical_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(main, ["critical", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert isinstance(rows, list) and len(rows) >= 7
    names = {row["name"] for row in rows}
    assert {"beta_c_phi0", "coupling_min_boundary", "dephasing_critical_n6_coupling1"} <= names
    for row in rows:
        assert {"name", "paper", "formula", "numeric", "rel_diff"} <= set(row)
        assert row["rel_diff"] < 1e-6


def test_critical_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["critical"])
    assert result.exit_code == 0, result.output
    assert "beta_c_phi0" in result.output and "rel_diff" in result.output


def test_thermal_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(main, ["thermal", "--beta", "0.6", "--phi", "0.3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    want = thermal.infinite_chain(0.6, 0.3)
    for key in ("magnetization", "xx", "zz", "energy", "lambda_min"):
        assert out[key] == pytest.approx(float(want[key]), abs=1e-14)


def test_thermal_zero_temperature_and_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["thermal", "--beta", "inf", "--phi", "0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["lambda_min"] < 0
    table = runner.invoke(main, ["thermal", "--beta", "0.3", "--phi", "0"])
    assert table.exit_code == 0 and "separable" in table.output


@pytest.mark.parametrize("args", [["--beta", "nan", "--phi", "0"], ["--beta", "abc", "--phi", "0"],
                                  ["--beta", "1", "--phi", "inf"]])
def test_thermal_bad_input(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, ["thermal", *args])
    assert result.exit_code == 2
    assert "Error:" in result.output and "Traceback" not in result.output


def test_solve_closed_form_from_cli(runner: CliRunner) -> None:
    result = runner.invoke(main, ["solve", "--n", "6", "--c", "1", "--d", "1", "--dephasing", "0.05",
                                  "--method", "closed-form", "--pair", "3", "4", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["method"] == "closed-form" and out["pairs"][0]["lambda_min"] < 0
