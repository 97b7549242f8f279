"""`piper workflow`: inspect the workflows Piper ran, with each task's status and messages."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from piper.cli import output
from piper.errors import UsageError

if TYPE_CHECKING:
    from piper.domain.workflow import Workflow

app = typer.Typer(help="List and show the workflows Piper ran.", no_args_is_help=True, rich_markup_mode=None)

JSON_HELP = "Print the result as JSON."
MAX_LIMIT = 1000


def _run(coroutine: Any) -> Any:
    import asyncio

    return asyncio.run(coroutine)


@app.command("list")
def list_workflows(
    limit: int = typer.Option(20, "--limit", "-n", help=f"Number of workflows to show, newest first (1 to {MAX_LIMIT})."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List recent workflows, newest first."""
    output.set_json_mode(json_flag)
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"Invalid --limit {limit}: give a number from 1 to {MAX_LIMIT}.", details={"limit": limit})
    workflows = _run(_list(limit))

    if json_flag:
        output.print_success({"workflows": [workflow.to_json(with_tasks=False) for workflow in workflows]})
        return
    if not workflows:
        typer.echo("No workflows yet.", err=True)
        return
    for workflow in workflows:
        fields = [workflow.id[:8], workflow.created_at.isoformat(timespec="seconds"), workflow.status.value, workflow.type]
        if workflow.error:
            fields.append(workflow.error.replace("\n", " "))
        sys.stdout.write("\t".join(fields) + "\n")


async def _list(limit: int) -> list[Workflow]:
    from piper.storage import open_database
    from piper.storage.repositories.workflows import WorkflowRepository

    async with open_database() as db:
        return await WorkflowRepository(db).list(limit=limit)


@app.command("show")
def show(
    workflow_id: str = typer.Argument(..., metavar="ID", help="Workflow id, or its first 4 or more characters."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show a workflow and each of its tasks."""
    output.set_json_mode(json_flag)
    workflow = _run(_get(workflow_id))

    if json_flag:
        output.print_success(workflow.to_json())
        return
    lines = [
        f"Workflow:  {workflow.id}",
        f"Type:      {workflow.type}",
        f"Status:    {workflow.status.value}",
        f"Created:   {workflow.created_at.isoformat(timespec='seconds')}",
    ]
    if workflow.conversation_id:
        lines.append(f"Conversation: {workflow.conversation_id}")
    if workflow.error:
        lines.append(f"Error:     {workflow.error}")
    lines.append("Tasks:")
    for task in workflow.tasks:
        lines.append(f"  {task.position + 1}. {task.type}: {task.status.value}")
        if task.message:
            lines.append(f"     {task.message}")
        if task.error and task.status.value == "failed":
            lines.append(f"     ({task.error})")
    typer.echo("\n".join(lines))


async def _get(workflow_id: str) -> Workflow:
    from piper.storage import open_database
    from piper.storage.repositories.workflows import WorkflowRepository

    async with open_database() as db:
        return await WorkflowRepository(db).get(workflow_id)
