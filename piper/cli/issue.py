"""``piper issue``: create, list, show, close, reopen, edit and comment on GitHub issues.

Every command takes ``--repo OWNER/NAME`` (default: ``default_repository``
in ``PIPER.user.md``) and ``--json``. PyGithub is imported inside the
commands, which keeps ``piper --help`` fast.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from piper.cli import output
from piper.errors import UsageError

if TYPE_CHECKING:
    from piper.integrations.github import CommentRecord, GitHubClient, IssueRecord

app = typer.Typer(help="Create, list, show, close, reopen, edit and comment on GitHub issues.", no_args_is_help=True, rich_markup_mode=None)

T = TypeVar("T")

REPO_HELP = "Repository as OWNER/NAME. Default: default_repository in PIPER.user.md."
JSON_HELP = "Print the result as JSON."
BODY_FILE_HELP = "Read the body from a UTF-8 file, or from standard input with -."

_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+$")


def _repository(repo: str | None) -> str:
    """Return ``--repo`` or the configured default, checked to be OWNER/NAME."""
    if repo is None:
        from piper.config import load_settings

        repo = load_settings().default_repository
        if repo is None:
            raise UsageError(
                "No repository given.",
                hint="Pass --repo OWNER/NAME, or set default_repository in PIPER.user.md.",
            )
    # "." and ".." would move the request to another endpoint, because the name goes into the URL path.
    if not _REPOSITORY.match(repo) or repo.split("/", 1)[1] in (".", ".."):
        raise UsageError(f"--repo: {repo!r} is not OWNER/NAME.", hint="Write the repository as owner/name, such as acme/web.")
    return repo


def _body(body: str | None, body_file: str | None) -> str | None:
    if body is not None and body_file is not None:
        raise UsageError("--body and --body-file cannot be used together.", hint="Pass one of them.")
    if body_file is None:
        return body
    if body_file == "-":
        return sys.stdin.read()
    path = Path(body_file).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--body-file: file not found: {body_file}.") from None
    except IsADirectoryError:
        raise UsageError(f"--body-file: {body_file} is a folder, not a file.") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"--body-file: {body_file} is not UTF-8 text (invalid byte at offset {error.start}).") from None
    except OSError as error:
        raise UsageError(f"--body-file: cannot read {body_file}: {error.strerror}.") from None


def _with_client(work: Callable[[GitHubClient], T], activity: str = "Talking to GitHub") -> T:
    """Run ``work`` with a client for the configured GitHub, showing a spinner on stderr when it is a terminal."""
    from piper.integrations.github import connect

    with connect() as client, _spinner(activity):
        return work(client)


def _spinner(activity: str) -> AbstractContextManager[Any]:
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(activity)


def _issue_line(issue: IssueRecord) -> str:
    labels = f"  [{', '.join(issue.labels)}]" if issue.labels else ""
    return f"#{issue.number}  {issue.state:<6}  {issue.title}{labels}"


def _warn_dropped(field: str, requested: list[str], applied: list[str]) -> None:
    """Warn on stderr about requested labels or assignees that the created issue lacks.

    GitHub creates the issue without them, and without an error, when the token's user has no push access.
    """
    present = {value.lower() for value in applied}
    dropped = [value for value in requested if value.lower() not in present]
    if dropped:
        typer.echo(
            f"Warning: GitHub did not set the {field} {', '.join(dropped)}; only users with push access to the repository can set them.",
            err=True,
        )


def _created_json(issue: IssueRecord) -> dict[str, Any]:
    return {"number": issue.number, "url": issue.url, "repository": issue.repository, "title": issue.title}


@app.command("create")
def create(
    title: str = typer.Option(..., "--title", "-t", metavar="TEXT", help="Issue title."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    body: Optional[str] = typer.Option(None, "--body", "-b", metavar="TEXT", help="Issue body (markdown)."),
    body_file: Optional[str] = typer.Option(None, "--body-file", "-F", metavar="FILE", help=BODY_FILE_HELP),
    label: Optional[list[str]] = typer.Option(None, "--label", "-l", metavar="LABEL", help="Label to add; repeatable."),
    assignee: Optional[list[str]] = typer.Option(None, "--assignee", "-a", metavar="LOGIN", help="Login to assign; repeatable."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Create an issue and print its number and URL."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    text = _body(body, body_file)
    from piper.integrations.github import create_issue

    issue = _with_client(lambda client: create_issue(client, repository, title=title, body=text, labels=label or [], assignees=assignee or []))
    _warn_dropped("labels", label or [], issue.labels)
    _warn_dropped("assignees", assignee or [], issue.assignees)
    if json_flag:
        output.print_success(_created_json(issue))
        return
    typer.echo(f"Created issue #{issue.number} in {issue.repository}: {issue.title}")
    if issue.url:
        typer.echo(issue.url)


@app.command("list")
def list_command(
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    state: str = typer.Option("open", "--state", "-s", metavar="open|closed|all", help="Which issues: open, closed or all."),
    label: Optional[list[str]] = typer.Option(None, "--label", "-l", metavar="LABEL", help="Only issues with this label; repeatable (all must match)."),
    assignee: Optional[list[str]] = typer.Option(None, "--assignee", "-a", metavar="LOGIN", help="Only issues assigned to this login (none: unassigned, *: any); repeatable (any matches)."),
    limit: Optional[int] = typer.Option(None, "--limit", "-L", metavar="N", help="Maximum number of issues to list. Default: all."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List issues, newest first; pull requests are left out."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    from piper.integrations.github import ISSUE_STATES, list_issues

    if state not in ISSUE_STATES:
        raise UsageError(f"--state: invalid value {state!r}.", hint=f"Use one of {', '.join(ISSUE_STATES)}.")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit: invalid value {limit}; use 1 or more.")

    found = _with_client(
        lambda client: list_issues(client, repository, state=state, labels=label or [], assignees=assignee or [], limit=limit),
        f"Listing issues in {repository}",
    )
    count = f"{len(found.issues)}+" if found.more else str(len(found.issues))
    if json_flag:
        output.print_success({"repository": repository, "count": count, "more": found.more, "issues": [issue.to_json() for issue in found.issues]})
        return
    if not found.issues:
        typer.echo(f"No {state if state != 'all' else ''} issues in {repository}.".replace("  ", " "))
        return
    for issue in found.issues:
        typer.echo(_issue_line(issue))
    noun = "issue" if count == "1" else "issues"
    typer.echo(f"{count} {noun} in {repository}.", err=True)


@app.command("show")
def show(
    number: int = typer.Argument(..., min=1, help="Issue number."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    comments: bool = typer.Option(False, "--comments", "-c", help="Also print the comments."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show one issue."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    from piper.integrations.github import get_issue, list_comments

    def fetch(client: GitHubClient) -> tuple[IssueRecord, list[CommentRecord]]:
        issue = get_issue(client, repository, number)
        return issue, list_comments(client, repository, number) if comments else []

    issue, thread = _with_client(fetch)
    if json_flag:
        data = issue.to_json()
        if comments:
            data["comment_list"] = [comment.to_json() for comment in thread]
        output.print_success(data)
        return
    typer.echo(f"{issue.title} ({repository}#{issue.number})")
    kind = "pull request" if issue.is_pull_request else None
    details = [issue.state, kind, f"by {issue.author}" if issue.author else None, f"{issue.comments} comments"]
    if issue.labels:
        details.append("labels: " + ", ".join(issue.labels))
    if issue.assignees:
        details.append("assigned: " + ", ".join(issue.assignees))
    typer.echo(" · ".join(part for part in details if part))
    if issue.url:
        typer.echo(issue.url)
    if issue.body:
        typer.echo("")
        typer.echo(issue.body.rstrip())
    for comment in thread:
        typer.echo("")
        typer.echo(f"--- {comment.author} at {comment.created_at.isoformat() if comment.created_at else '?'}")
        typer.echo(comment.body.rstrip())


@app.command("close")
def close(
    number: int = typer.Argument(..., min=1, help="Issue number."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    reason: str = typer.Option("completed", "--reason", "-r", metavar="completed|not_planned", help="Why: completed or not_planned."),
    comment: Optional[str] = typer.Option(None, "--comment", metavar="TEXT", help="Comment to add before closing."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Close an issue."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    if reason not in ("completed", "not_planned"):
        raise UsageError(f"--reason: invalid value {reason!r}.", hint="Use completed or not_planned.")
    from piper.integrations.github import add_comment, require_issue, set_state

    def change(client: GitHubClient) -> IssueRecord:
        if comment:
            # Checked before commenting, so a pull request number leaves no comment behind.
            require_issue(client, repository, number)
            add_comment(client, repository, number, comment)
        return set_state(client, repository, number, "closed", reason=reason)

    issue = _with_client(change)
    _print_issue_change(issue, f"Closed issue #{issue.number} in {repository}: {issue.title}", json_flag)


@app.command("reopen")
def reopen(
    number: int = typer.Argument(..., min=1, help="Issue number."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Reopen a closed issue."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    from piper.integrations.github import set_state

    issue = _with_client(lambda client: set_state(client, repository, number, "open"))
    _print_issue_change(issue, f"Reopened issue #{issue.number} in {repository}: {issue.title}", json_flag)


@app.command("comment")
def comment_command(
    number: int = typer.Argument(..., min=1, help="Issue or pull request number."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    body: Optional[str] = typer.Option(None, "--body", "-b", metavar="TEXT", help="Comment text (markdown)."),
    body_file: Optional[str] = typer.Option(None, "--body-file", "-F", metavar="FILE", help=BODY_FILE_HELP),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a comment to an issue."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    text = _body(body, body_file)
    if not text or not text.strip():
        raise UsageError("The comment is empty.", hint="Pass --body TEXT or --body-file FILE.")
    from piper.integrations.github import add_comment

    added = _with_client(lambda client: add_comment(client, repository, number, text))
    if json_flag:
        output.print_success({"repository": repository, "number": number, **added.to_json()})
        return
    typer.echo(f"Commented on {repository}#{number}.")
    if added.url:
        typer.echo(added.url)


@app.command("edit")
def edit(
    number: int = typer.Argument(..., min=1, help="Issue number."),
    repo: Optional[str] = typer.Option(None, "--repo", "-R", metavar="OWNER/NAME", help=REPO_HELP),
    title: Optional[str] = typer.Option(None, "--title", "-t", metavar="TEXT", help="New title."),
    body: Optional[str] = typer.Option(None, "--body", "-b", metavar="TEXT", help="New body (markdown); replaces the old one."),
    body_file: Optional[str] = typer.Option(None, "--body-file", "-F", metavar="FILE", help=BODY_FILE_HELP),
    label: Optional[list[str]] = typer.Option(None, "--label", "-l", metavar="LABEL", help="Set the labels to these; repeatable."),
    assignee: Optional[list[str]] = typer.Option(None, "--assignee", "-a", metavar="LOGIN", help="Set the assignees to these logins; repeatable."),
    json_flag: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Change an issue's title, body, labels or assignees."""
    output.set_json_mode(json_flag)
    repository = _repository(repo)
    text = _body(body, body_file)
    from piper.integrations.github import edit_issue

    issue = _with_client(
        lambda client: edit_issue(client, repository, number, title=title, body=text, labels=label or None, assignees=assignee or None)
    )
    _print_issue_change(issue, f"Updated issue #{issue.number} in {repository}: {issue.title}", json_flag)


def _print_issue_change(issue: IssueRecord, message: str, json_flag: bool) -> None:
    if json_flag:
        output.print_success(issue.to_json())
        return
    typer.echo(message)
