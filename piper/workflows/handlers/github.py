"""Task handlers for GitHub issues: create, update, close, reopen and comment.

Each handler runs PyGithub in a worker thread. A failure (no token, a
rejected token, an unknown repository, GitHub down) raises a
:class:`~piper.errors.PiperError`, which the runner turns into a failed
task whose message names the fix, and nothing is reported as done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from piper.domain.workflow import Task
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome

if TYPE_CHECKING:
    from piper.integrations.github import GitHubClient

T = TypeVar("T")


async def _run(work: Callable[[GitHubClient], T]) -> T:
    from piper.config import load_settings
    from piper.integrations.github import connect

    def run() -> T:
        with connect(load_settings()) as client:
            return work(client)

    # NOTE: the runner's task timeout (30 s by default) cannot stop this thread. With
    # slow retries a task can end as timed out while its request still reaches GitHub.
    return await asyncio.to_thread(run)


def _text(task: Task, key: str) -> str | None:
    value = task.input.get(key)
    return str(value) if value is not None else None


async def create_issue(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.integrations.github import create_issue as create

    repository = task.input["repository"]
    issue = await _run(lambda client: create(client, repository, title=task.input["title"], body=_text(task, "body")))
    output = {"number": issue.number, "url": issue.url, "repository": issue.repository, "title": issue.title}
    return TaskOutcome.done(f"Created issue #{issue.number} in {repository}: {issue.title} {issue.url or ''}".rstrip(), output)


async def update_issue(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.integrations.github import edit_issue

    repository, number = task.input["repository"], int(task.input["issue_number"])
    issue = await _run(lambda client: edit_issue(client, repository, number, title=_text(task, "title"), body=_text(task, "body")))
    return TaskOutcome.done(f"Updated issue #{number} in {repository}: {issue.title}", {"issue": issue.to_json()})


async def close_issue(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.integrations.github import set_state

    repository, number = task.input["repository"], int(task.input["issue_number"])
    issue = await _run(lambda client: set_state(client, repository, number, "closed", reason=_text(task, "reason")))
    return TaskOutcome.done(f"Closed issue #{number} in {repository}: {issue.title}", {"issue": issue.to_json()})


async def reopen_issue(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.integrations.github import set_state

    repository, number = task.input["repository"], int(task.input["issue_number"])
    issue = await _run(lambda client: set_state(client, repository, number, "open"))
    return TaskOutcome.done(f"Reopened issue #{number} in {repository}: {issue.title}", {"issue": issue.to_json()})


async def comment_issue(task: Task, context: HandlerContext) -> TaskOutcome:
    from piper.integrations.github import add_comment

    repository, number = task.input["repository"], int(task.input["issue_number"])
    comment = await _run(lambda client: add_comment(client, repository, number, task.input["body"]))
    return TaskOutcome.done(f"Commented on {repository}#{number}. {comment.url or ''}".rstrip(), {"comment": comment.to_json()})


def register_github_handlers(registry: HandlerRegistry) -> None:
    """Register the ``github.*`` task handlers."""
    registry.register("github.create_issue", create_issue)
    registry.register("github.update_issue", update_issue)
    registry.register("github.close_issue", close_issue)
    registry.register("github.reopen_issue", reopen_issue)
    registry.register("github.comment_issue", comment_issue)
