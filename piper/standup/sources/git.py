"""The ``git`` standup source: commits in the window, work in progress and stopped operations.

Yesterday's accomplishments are the authors' non-merge commits whose author
date falls inside the window, read from every local branch, remote-tracking
branch and ``HEAD``. Today's priorities are recent branches with unpushed or
unmerged commits and working trees with uncommitted changes. Blockers are
merges, rebases, cherry-picks and reverts that stopped half way.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piper.integrations.git import (
    ActivityQuery,
    AuthorMatcher,
    BranchProgress,
    CheckoutState,
    GitNotFoundError,
    GitRunner,
    NotARepositoryError,
    Repository,
    RepositoryActivity,
    RepositoryNotFoundError,
    RepositoryReadError,
    commit_url,
    discover_repositories,
    find_repository,
    primary_checkout,
    read_activity,
    read_config_file,
)
from piper.standup.model import Item, SourceResult

if TYPE_CHECKING:
    from piper.standup.model import StandupRequest
    from piper.standup.progress import Progress

logger = logging.getLogger(__name__)

_OPERATION_LABELS = {"rebase": "Rebase", "am": "git am", "merge": "Merge", "cherry-pick": "Cherry-pick", "revert": "Revert"}


@dataclass(slots=True)
class _Checkouts:
    """Checkouts to read, grouped by repository, and the paths that could not be used."""

    by_repository: dict[str, list[Repository]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, checkout: Repository) -> None:
        group = self.by_repository.setdefault(os.path.realpath(checkout.common_dir), [])
        if all(os.path.realpath(known.git_dir) != os.path.realpath(checkout.git_dir) for known in group):
            group.append(checkout)


class GitSource:
    """The standup source for local git repositories named with ``--repo`` or found below ``--scan`` folders."""

    name = "git"

    async def collect(self, request: StandupRequest, progress: Progress) -> SourceResult:
        """Read every repository of the request, at most ``request.max_git_processes`` git processes at once."""
        if not request.repos and not request.scan_roots:
            return SourceResult.skipped(self.name, "no repository to read: pass --repo PATH or --scan DIR")
        try:
            runner = GitRunner(request.max_git_processes)
        except GitNotFoundError as error:
            return SourceResult.failed(self.name, error.message)

        task = progress.add_task("Reading repositories", total=None)
        checkouts = await asyncio.to_thread(_find_checkouts, request)
        progress.update_total(task, len(checkouts.by_repository))
        if not checkouts.by_repository and not checkouts.errors:
            roots = ", ".join(str(root.path) for root in request.scan_roots)
            return SourceResult.skipped(self.name, f"no git repositories found below {roots}")

        query = ActivityQuery(since=request.since, until=request.until, authors=AuthorMatcher(request.authors))
        errors = list(checkouts.errors)

        async def read(group: list[Repository]) -> RepositoryActivity | None:
            try:
                return await read_activity(runner, group, query)
            except RepositoryReadError as error:
                path = primary_checkout(group).path
                logger.warning("cannot read git repository %s: %s", path, error)
                errors.append({"repo": path_text(path), "error": str(error)})
                return None
            finally:
                progress.advance(task)

        results = await asyncio.gather(*(read(group) for group in checkouts.by_repository.values()))
        activities = sorted((activity for activity in results if activity is not None), key=lambda a: str(a.repository.path))
        logger.debug("git: %d repositories read with %d git processes", len(activities), runner.processes_started)
        return _build_result(self.name, activities, errors, include_current_state=request.include_current_state)


def _find_checkouts(request: StandupRequest) -> _Checkouts:
    """Resolve ``--repo`` paths and scan ``--scan`` folders, in a worker thread because both block on the file system."""
    checkouts = _Checkouts()
    for path in request.repos:
        try:
            checkouts.add(find_repository(path))
        except (RepositoryNotFoundError, NotARepositoryError) as error:
            checkouts.errors.append({"repo": path_text(path), "error": error.message})

    for root in request.scan_roots:
        if not Path(root.path).expanduser().is_dir():
            checkouts.errors.append({"repo": str(root.path), "error": f"scan folder {root.path} does not exist or is not a folder"})
            continue
        found = discover_repositories(
            root.path, root.depth, follow_links=request.follow_links, include_nested=request.scan_nested
        )
        for checkout in found.repositories:
            checkouts.add(checkout)
        checkouts.errors.extend({"repo": path_text(path), "error": message} for path, message in found.errors)
    return checkouts


def path_text(path: Path) -> str:
    """Return a path as valid text: bytes that are not UTF-8 in a folder name become U+FFFD."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _build_result(
    name: str, activities: list[RepositoryActivity], errors: list[dict[str, str]], *, include_current_state: bool = True
) -> SourceResult:
    yesterday: list[Item] = []
    today: list[Item] = []
    blockers: list[Item] = []
    seen_commits: set[str] = set()
    for activity in activities:
        # Two clones of one project share commit ids; each commit is reported once.
        for item in _commit_items(activity):
            if item.id not in seen_commits:
                seen_commits.add(item.id)
                yesterday.append(item)
        errors.extend({"repo": path_text(activity.repository.path), "error": message} for message in activity.errors)
        if not include_current_state:
            continue

        today.extend(_branch_item(activity.repository, branch) for branch in activity.branches)
        for state in activity.checkouts:
            if state.changes is not None:
                today.append(_working_tree_item(state))
            if state.operation is not None:
                blockers.append(_operation_item(state))

    # Aware datetimes compare as instants, so commits from different zones interleave correctly.
    yesterday.sort(key=lambda item: item.timestamp)  # type: ignore[arg-type, return-value]

    details: dict[str, Any] = {"repos": len(activities)}
    if not include_current_state:
        details["work_in_progress"] = "left out because the window ended in the past"
    if errors:
        details["errors"] = sorted(errors, key=lambda entry: entry["repo"])

    if not activities:
        reason = f"no git repository could be read: {errors[0]['repo']}: {errors[0]['error']}"
        return SourceResult(name=name, status="error", reason=reason, details=details)
    return SourceResult(name=name, yesterday=yesterday, today=today, blockers=blockers, details=details)


def _commit_items(activity: RepositoryActivity) -> list[Item]:
    repository = activity.repository
    # NOTE: read from the repository's own config file, so a remote set through an
    # include or rewritten by url.<base>.insteadOf gets no link.
    remote_urls = read_config_file(repository.common_dir / "config").get("remote.origin.url", [])
    remote_url = remote_urls[-1] if remote_urls else None
    return [
        Item(
            source="git",
            kind="commit",
            id=commit.sha,
            title=commit.subject,
            repo=path_text(repository.path),
            url=commit_url(remote_url, commit.sha) if remote_url else None,
            timestamp=commit.authored_at,
        )
        # git log prints newest first; oldest first keeps ties in commit order after the sort by time.
        for commit in reversed(activity.commits)
    ]


def _branch_item(repository: Repository, branch: BranchProgress) -> Item:
    noun = "commit" if branch.commits == 1 else "commits"
    if branch.unpushed:
        title = f"{branch.name}: {branch.commits} unpushed {noun}"
    else:
        title = f"{branch.name}: {branch.commits} {noun} not merged into {branch.compared_with}"
    return Item(
        source="git",
        kind="branch",
        id=f"{path_text(repository.path)}#branch:{branch.name}",
        title=title,
        repo=path_text(repository.path),
        timestamp=branch.committed_at,
    )


def _working_tree_item(state: CheckoutState) -> Item:
    assert state.changes is not None
    return Item(
        source="git",
        kind="working_tree",
        id=f"{path_text(state.checkout.path)}#working_tree",
        title=state.changes.describe(),
        repo=path_text(state.checkout.path),
    )


def _operation_item(state: CheckoutState) -> Item:
    assert state.operation is not None
    operation = state.operation
    title = f"{_OPERATION_LABELS.get(operation.name, operation.name)} in progress on {operation.branch}"
    conflicted = state.changes.conflicted if state.changes is not None else 0
    if conflicted:
        title += f" ({conflicted} conflicted {'file' if conflicted == 1 else 'files'})"
    return Item(
        source="git",
        kind="git_operation",
        id=f"{path_text(state.checkout.path)}#git_operation:{operation.name}",
        title=title,
        repo=path_text(state.checkout.path),
        timestamp=operation.started_at,
    )
