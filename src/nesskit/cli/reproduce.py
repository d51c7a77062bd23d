"""``nesskit reproduce``: figures 1–11 (and Fig. 12: Sec. III D), every number of the paper and an HTML report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..figures import FIGURES


@click.command("reproduce")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("results"),
              show_default=True, help="Folder for fig01..fig12 (.png, .pdf), numbers.md/json and index.html.")
@click.option("--quick", is_flag=True, help="Coarse grids: the whole report in well under a minute.")
@click.option("--figure", "figures", multiple=True, type=click.Choice(FIGURES), metavar="FIGNN",
              help="Make only this figure (repeatable; default: all twelve).")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="PNG resolution.")
@click.option("--extra/--no-extra", default=None,
              help="Include (or leave out) the optional report sections, e.g. interacting chains (default: those "
                   "enabled in nesskit.figures.report.EXTRA_SECTIONS and installed).")
def command(out: Path, quick: bool, figures: tuple[str, ...], dpi: int, extra: bool | None) -> None:
    """Recompute figures 1-11 (and Fig. 12: the claims of Sec. III D) and every number of Žnidarič, PRA 85, 012324
    (2012) into OUT."""
    from ..figures.report import reproduce

    chosen = figures or FIGURES
    if sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), transient=False) as bar:
            task = bar.add_task("reproducing", total=len(chosen))

            def report(name: str, stage: str) -> None:
                if stage == "done":
                    bar.advance(task)
                else:
                    bar.update(task, description=f"{name}: {'computing data' if stage == 'data' else 'plotting'}")

            result = reproduce(out, quick=quick, figures=chosen, dpi=dpi, progress=report, extra=extra)
            bar.update(task, description="done")
    else:
        def report(name: str, stage: str) -> None:
            if stage == "done":
                click.echo(f"  {name} done", err=True)

        result = reproduce(out, quick=quick, figures=chosen, dpi=dpi, progress=report, extra=extra)
    worst = max((r["rel_diff"] for r in result["rows"] if r.get("rel_diff") is not None), default=0.0)
    click.echo(f"wrote {len(result['files'])} files to {out} in {result['wall_time']:.1f} s "
               f"({len(result['rows'])} numbers, largest relative difference {worst:.2g}); open {out / 'index.html'}")
