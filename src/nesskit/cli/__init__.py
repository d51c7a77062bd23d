"""The ``nesskit`` command line: a thin shell over the Python API.

Every command reports bad input as ``Error: <message naming the parameter>`` on stderr with exit status 2,
never a traceback. Sites are 1-based, as in the paper.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from ..errors import ParameterError, SolverError

#: Sub-command modules; each defines a click command named ``command`` (or a list ``commands``).
COMMAND_MODULES = ("solve", "critical", "thermal", "sweep", "reproduce")


class NesskitGroup(click.Group):
    """A click group that turns nesskit's errors into one clear line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ParameterError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except SolverError as exc:
            click.echo(f"Error: solver failed: {exc}", err=True)
            sys.exit(3)


@click.group(cls=NesskitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nesskit")
def main() -> None:
    """nesskit: exact NESS of boundary-driven spin chains and their entanglement (PRA 85, 012324)."""


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_name}":
            raise
        continue
    for _cmd in getattr(_mod, "commands", [getattr(_mod, "command", None)]):
        if _cmd is not None:
            main.add_command(_cmd)
