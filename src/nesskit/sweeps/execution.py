"""Execution of the per-point path: serially in this process, on a local Dask cluster, or on a running scheduler.

The knobs live in :class:`Execution`, apart from the physics (axes, model parameters, pairs, method).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError, check_bool, check_int
from .plan import SweepPlan
from .points import compute_chunk

#: Environment of local Dask worker processes: one BLAS/OpenMP thread each (the workers are the parallelism).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Execution:
    """How a sweep runs and where it is stored (nothing here changes its values).

    Parameters
    ----------
    workers : int or None
        Per-point path: ``0`` computes serially in this process; ``k >= 1`` starts a local Dask cluster of k
        processes (one thread each). None: serial when the sweep has a single chunk or this machine one CPU, else
        a local cluster of ``min(cpu_count, chunks)`` processes.
    scheduler : str or None
        Address of a running Dask scheduler (``"tcp://host:8786"``); overrides ``workers``.
    chunk_size : int or None
        Points per task and per stored part (default: about 200 chunks of at most 1024 points). Part of the
        sweep's definition (the stored parts depend on it).
    out : path or None
        netCDF file to write. The per-point path stores each finished chunk in ``<out>.parts/`` so that the same
        call after a crash recomputes only the missing chunks; an ``out`` that holds this very sweep is loaded.
    overwrite : bool
        Replace an ``out`` (or parts) holding a *different* sweep instead of raising ParameterError.
    progress : bool or None
        Show a progress bar on stderr; None: only when stderr is a terminal.
    vectorise : bool or None
        None: use a fast lane (vectorised closed forms, ...) wherever one applies; False: always per point (to
        cross-check); True: require a fast lane (ParameterError if none applies).
    command : str or None
        The command line recorded in the Dataset's attributes (the CLI passes it).
    """

    workers: int | None = None
    scheduler: str | None = None
    chunk_size: int | None = None
    out: str | os.PathLike[str] | None = None
    overwrite: bool = False
    progress: bool | None = None
    vectorise: bool | None = None
    command: str | None = None

    def __post_init__(self) -> None:
        if self.workers is not None:
            object.__setattr__(self, "workers", check_int("workers", self.workers, 0))
        if self.scheduler is not None and (not isinstance(self.scheduler, str) or not self.scheduler.strip()):
            raise ParameterError(f"scheduler must be the address of a Dask scheduler (a string such as "
                                 f"'tcp://host:8786'), got {self.scheduler!r}")
        if self.chunk_size is not None:
            object.__setattr__(self, "chunk_size", check_int("chunk_size", self.chunk_size, 1))
        if self.out is not None and not isinstance(self.out, (str, os.PathLike)):
            raise ParameterError(f"out must be a path, got {self.out!r}")
        check_bool("overwrite", self.overwrite)
        for name in ("progress", "vectorise"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ParameterError(f"{name} must be True, False or None, got {value!r}")
        if self.command is not None and not isinstance(self.command, str):
            raise ParameterError(f"command must be a string, got {self.command!r}")

    def show_progress(self) -> bool:
        return sys.stderr.isatty() if self.progress is None else self.progress

    def describe(self, plan: SweepPlan, n_todo: int) -> str:
        """A short description of where the per-point work runs (recorded in the attributes)."""
        mode = self.mode(plan, n_todo)
        if mode == "scheduler":
            return f"per point, Dask scheduler {self.scheduler}"
        if mode == "serial":
            return "per point"
        return f"per point, local Dask cluster of {self.local_workers(plan, n_todo)} processes"

    def mode(self, plan: SweepPlan, n_todo: int) -> str:
        """``"serial"``, ``"local"`` (a local Dask cluster) or ``"scheduler"``."""
        if self.scheduler is not None:
            return "scheduler"
        if self.workers == 0:
            return "serial"
        if self.workers is None and (n_todo <= 1 or (os.cpu_count() or 1) <= 1):
            return "serial"
        return "local"

    def local_workers(self, plan: SweepPlan, n_todo: int) -> int:
        if self.workers:
            return self.workers
        return max(1, min(os.cpu_count() or 1, n_todo))


Record = Callable[[int, dict[str, np.ndarray]], None]


def progress_bar(show: bool, total: int, done: int) -> tuple[Any, Any]:
    """A rich progress bar on stderr (disabled unless ``show``) and its task."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), disable=not show, transient=False)
    task = bar.add_task("sweep", total=total, completed=done)
    return bar, task


def run_chunks(plan: SweepPlan, todo: list[int], record: Record, execution: Execution, done_points: int = 0) -> None:
    """Compute the chunks ``todo`` as ``execution`` says, calling ``record(chunk, arrays)`` as each finishes.

    Exceptions of the per-point work (programming errors) propagate with their own type, also from Dask workers;
    the remaining tasks are then cancelled.
    """
    bar, task = progress_bar(execution.show_progress(), plan.size, done_points)
    with bar:
        if not todo:
            return
        mode = execution.mode(plan, len(todo))
        if mode == "serial":
            for chunk in todo:
                record(*compute_chunk(plan, chunk))
                bar.update(task, advance=plan.chunk_points(chunk))
        else:
            _run_dask(plan, todo, record, bar, task, execution, mode)


def _run_dask(plan: SweepPlan, todo: list[int], record: Record, bar: Any, task: Any, execution: Execution,
              mode: str) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if mode == "scheduler":
        client = Client(execution.scheduler)
    else:
        for key, value in WORKER_ENV.items():
            os.environ.setdefault(key, value)
        cluster = LocalCluster(n_workers=execution.local_workers(plan, len(todo)), threads_per_worker=1,
                               processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL,
                               env=dict(WORKER_ENV))
        client = Client(cluster)
    futures: list[Any] = []
    try:
        shared = client.scatter(plan, broadcast=True)
        futures = [client.submit(compute_chunk, shared, chunk, pure=False) for chunk in todo]
        for future in as_completed(futures):
            chunk, arrays = future.result()  # re-raises a worker's exception with its own type
            record(chunk, arrays)
            bar.update(task, advance=plan.chunk_points(chunk))
            future.release()
    finally:
        if futures:
            client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["Execution", "run_chunks", "progress_bar", "WORKER_ENV"]
