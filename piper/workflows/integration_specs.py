"""Workflow types that reach other people: GitHub issues, Slack messages, Notion pages.

Their handlers come with the integrations; until one is registered, the
engine fails the task with a message naming the missing handler, and
nothing is reported as done.
"""

from __future__ import annotations

from piper.workflows.project_specs import GITHUB_REPOSITORY
from piper.workflows.validation import Clarify, PlannedTask, ValidationRegistry, ValidationScope, WorkflowSpec


def _repository(scope: ValidationScope) -> str:
    repository = scope.text("repository") or scope.context.get("default_repository")
    if not repository:
        raise Clarify("repository", "Which repository (OWNER/NAME)?")
    # "." and ".." would move the request to another endpoint, because the name goes into the URL path.
    if not GITHUB_REPOSITORY.fullmatch(repository) or repository.split("/", 1)[1] in (".", ".."):
        raise Clarify("repository", f"{repository!r} is not OWNER/NAME. Which repository?")
    return repository


def _issue_number(scope: ValidationScope) -> int:
    value = scope.text("issue_number")
    if value is None:
        raise Clarify("issue_number", "Which issue number?")
    digits = value.lstrip("#")
    if not digits.isdigit() or int(digits) < 1:
        raise Clarify("issue_number", f"{value!r} is not an issue number. Which issue?")
    return int(digits)


async def _create_issue(scope: ValidationScope) -> list[PlannedTask]:
    repository = _repository(scope)
    title = scope.require_text("title", "What should the issue's title be?")
    return [PlannedTask("github.create_issue", {"repository": repository, "title": title, "body": scope.text("body")})]


async def _update_issue(scope: ValidationScope) -> list[PlannedTask]:
    task_input = {"repository": _repository(scope), "issue_number": _issue_number(scope)}
    task_input["title"] = scope.text("title")
    task_input["body"] = scope.text("body")
    return [PlannedTask("github.update_issue", task_input)]


async def _close_issue(scope: ValidationScope) -> list[PlannedTask]:
    return [PlannedTask("github.close_issue", {"repository": _repository(scope), "issue_number": _issue_number(scope)})]


async def _comment_issue(scope: ValidationScope) -> list[PlannedTask]:
    repository = _repository(scope)
    number = _issue_number(scope)
    body = scope.require_text("body", "What should the comment say?")
    return [PlannedTask("github.comment_issue", {"repository": repository, "issue_number": number, "body": body})]


async def _post_message(scope: ValidationScope) -> list[PlannedTask]:
    channel = scope.text("channel") or scope.context.get("default_channel")
    if not channel:
        raise Clarify("channel", "Which Slack channel (#name)?")
    text = scope.require_text("text", "What should the message say?")
    return [PlannedTask("slack.post_message", {"channel": channel, "text": text})]


async def _publish_document(scope: ValidationScope) -> list[PlannedTask]:
    from pathlib import Path

    from piper.integrations.notion.documents import locate_markdown
    from piper.integrations.notion.ids import parse_notion_id

    document = scope.require_text("document", "Which document should I publish?")
    if locate_markdown(document) is None:
        raise Clarify("document", f"I could not find the document {document!r} in {Path.cwd()}. Which markdown file should I publish?")
    # Asked here, before the confirmation, so that "yes" is never followed by "which page?".
    parent = scope.text("parent") or scope.context.get("notion_parent")
    if not parent:
        raise Clarify(
            "parent",
            f"Which Notion page should {document} go under? Give the page's ID or URL "
            "(set notion.default_parent in PIPER.user.md to skip this question).",
        )
    parent_id = parse_notion_id(str(parent))
    configured = scope.context.get("notion_parent")
    if parent_id is None and configured:
        # The answer was no page (often the request restated after setting notion.default_parent), so the default applies.
        parent_id = parse_notion_id(str(configured))
    if parent_id is None:
        raise Clarify("parent", f"{parent!r} is not a Notion page ID or URL. Which Notion page should {document} go under?")
    return [PlannedTask("notion.publish_document", {"document": document, "parent": parent_id})]


def register_integration_specs(registry: ValidationRegistry) -> None:
    registry.register(WorkflowSpec("create_issue", _create_issue, "create the issue"))
    registry.register(WorkflowSpec("update_issue", _update_issue, "update the issue"))
    registry.register(WorkflowSpec("close_issue", _close_issue, "close the issue"))
    registry.register(WorkflowSpec("comment_issue", _comment_issue, "comment on the issue"))
    registry.register(WorkflowSpec("post_message", _post_message, "post the message"))
    registry.register(WorkflowSpec("publish_document", _publish_document, "publish the document"))
