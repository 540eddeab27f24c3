"""``hromada import stats``: a statistics file into a municipality's profile, with progress bars."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from hromada.cli._common import WorkspaceOption, command_group, console, workspace

app = command_group("Import data files.")


class _Bars:
    """Rich progress bars for the read and write stages of an import."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            label = "Reading and checking" if stage == "read" else "Writing"
            self.tasks[stage] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@app.command("stats")
def import_stats(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or XLSX file.")
    ],
    municipality: WorkspaceOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")] = False,
) -> None:
    """Import a statistics file (long or wide layout) into a municipality's workspace. All or nothing."""
    from hromada.services.profile import import_statistics

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    with workspace(municipality) as ws, Progress(*columns, console=console) as progress:
        summary = import_statistics(
            ws.session, ws.principal, ws.municipality, file, dry_run=dry_run, progress=_Bars(progress)
        )
    verb = "would write" if dry_run else "written"
    console.print(
        f"{summary.filename}: {summary.rows:,} rows ({summary.layout} layout); {verb}: "
        f"{summary.inserted:,} new, {summary.updated:,} changed; {summary.unchanged:,} unchanged."
    )
