"""Read one repository's activity: commits in a window, unfinished branches, uncommitted work.

A repository reached through several checkouts (its main working tree and
linked worktrees) is read once for commits and branches, which all
checkouts share, and once per checkout for the working tree and any
operation in progress. For one checkout that is three git processes:
``log``, ``for-each-ref`` and ``status``. Some cases add one process each:
recent branches with an upstream (one ``for-each-ref`` for all of them),
each recent branch without one (``rev-list --count``), and each checkout
with uncommitted work when the standup is for named authors (``config``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass, field

from piper.integrations.git._authors import AuthorMatcher
from piper.integrations.git._branches import (
    BRANCH_RECENCY,
    BranchList,
    BranchProgress,
    LocalBranch,
    branch_arguments,
    parse_branch_list,
    parse_tracking,
    short_ref_name,
    tracking_arguments,
    unmerged_count_arguments,
)
from piper.integrations.git._log import Commit, stream_commits
from piper.integrations.git._operations import GitOperation, find_operation
from piper.integrations.git._repository import Repository, read_head
from piper.integrations.git._runner import GitCommandError, GitRunner
from piper.integrations.git._status import STATUS_ARGUMENTS, WorkingTreeChanges, parse_status

logger = logging.getLogger(__name__)

_IDENTITY_ARGUMENTS = ["config", "--get-regexp", r"^user\.(name|email)$"]


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    """Whose work counts, and the window that commits must be authored in."""

    since: dt.datetime
    until: dt.datetime
    """Commits count when ``since <= author date < until``."""

    authors: AuthorMatcher


@dataclass(frozen=True, slots=True)
class CheckoutState:
    """Uncommitted changes and an operation in progress in one checkout."""

    checkout: Repository
    changes: WorkingTreeChanges | None
    """None for a bare repository, or when the working tree is clean."""

    operation: GitOperation | None


@dataclass(slots=True)
class RepositoryActivity:
    """One repository's contribution to a standup."""

    repository: Repository
    """The checkout the repository is reported under: its main working tree when that was reached."""

    commits: list[Commit] = field(default_factory=list)
    """Non-merge commits by the authors, authored inside the window, in ``git log`` order."""

    branches: list[BranchProgress] = field(default_factory=list)
    checkouts: list[CheckoutState] = field(default_factory=list)
    """Checkouts with uncommitted changes or an operation in progress."""

    errors: list[str] = field(default_factory=list)
    """Failed checks of branches or working trees. The commits were still read."""


class RepositoryReadError(Exception):
    """The commits of a repository could not be read."""


async def read_activity(runner: GitRunner, checkouts: Sequence[Repository], query: ActivityQuery) -> RepositoryActivity:
    """Read commits, branches and working trees of the repository that ``checkouts`` belong to.

    Raises:
        RepositoryReadError: ``git log`` failed, so the repository is unreadable.
    """
    primary = primary_checkout(checkouts)
    activity = RepositoryActivity(repository=primary)

    # The detached HEAD of another worktree is on no branch, so name it to git log.
    detached_heads = []
    for checkout in checkouts:
        head = read_head(checkout.git_dir) if checkout is not primary else None
        if head is not None and head.commit is not None:
            detached_heads.append(head.commit)

    with_working_tree = [checkout for checkout in checkouts if not checkout.bare]
    commits_result, branches_result, *status_results = await asyncio.gather(
        _read_commits(runner, primary, detached_heads, query),
        runner.output(primary.path, branch_arguments()),
        *(runner.output(checkout.path, STATUS_ARGUMENTS) for checkout in with_working_tree),
        return_exceptions=True,
    )

    if isinstance(commits_result, BaseException):
        raise RepositoryReadError(_error_message(commits_result)) from commits_result
    activity.commits, authored_shas = commits_result

    if isinstance(branches_result, BaseException):
        activity.errors.append(f"branches: {_error_message(branches_result)}")
    else:
        branch_list = parse_branch_list(branches_result)
        activity.branches = await _branch_progress(runner, primary, branch_list, authored_shas, query, activity.errors)

    changes_by_checkout: dict[Repository, WorkingTreeChanges] = {}
    for checkout, result in zip(with_working_tree, status_results):
        if isinstance(result, BaseException):
            activity.errors.append(f"status of {checkout.path}: {_error_message(result)}")
        else:
            changes_by_checkout[checkout] = parse_status(result)

    activity.checkouts = await _checkout_states(runner, checkouts, changes_by_checkout, query.authors)
    return activity


def primary_checkout(checkouts: Sequence[Repository]) -> Repository:
    """Choose the checkout a repository is reported under: the main working tree (or bare repository) first."""
    return sorted(checkouts, key=lambda checkout: (checkout.is_linked_worktree, str(checkout.path)))[0]


async def _read_commits(
    runner: GitRunner, primary: Repository, detached_heads: list[str], query: ActivityQuery
) -> tuple[list[Commit], set[str]]:
    """Return the commits by the authors inside the window, and the ids of every commit by the authors that git printed."""
    in_window: list[Commit] = []
    authored_shas: set[str] = set()
    async with aclosing(stream_commits(runner, primary.path, query.since, detached_heads)) as commits:
        async for commit in commits:
            identities = (commit.author_name, commit.author_email, commit.raw_author_name, commit.raw_author_email)
            if not query.authors.matches(*identities):
                continue
            authored_shas.add(commit.sha)
            if query.since <= commit.authored_at < query.until:
                in_window.append(commit)
    return in_window, authored_shas


async def _branch_progress(
    runner: GitRunner,
    primary: Repository,
    branch_list: BranchList,
    authored_shas: set[str],
    query: ActivityQuery,
    errors: list[str],
) -> list[BranchProgress]:
    """Return the authors' recent branches with unpushed or unmerged commits."""
    recent_since = query.until - BRANCH_RECENCY
    candidates = []
    for branch in branch_list.branches:
        if branch.committed_at is None or branch.committed_at < recent_since:
            continue
        # The log applied .mailmap to commits it printed; for older tips only the raw author is known.
        if branch.sha in authored_shas or query.authors.matches(branch.author_name, branch.author_email):
            candidates.append(branch)

    progress: list[BranchProgress] = []
    without_upstream = [branch for branch in candidates if branch.upstream is None]
    with_upstream = [branch for branch in candidates if branch.upstream is not None]
    if with_upstream:
        try:
            tracking = parse_tracking(await runner.output(primary.path, tracking_arguments(with_upstream)))
        except (GitCommandError, OSError) as error:
            errors.append(f"branches: {_error_message(error)}")
            tracking = {}

        for branch in with_upstream:
            state = tracking.get(branch.name)
            if state is None:
                continue
            if state.gone:
                without_upstream.append(branch)
            elif state.ahead > 0:
                assert branch.upstream is not None
                progress.append(_progress(branch, state.ahead, branch.upstream, unpushed=branch.upstream.startswith("refs/remotes/")))

    default_branch = branch_list.default_branch()
    to_count = [branch for branch in without_upstream if default_branch not in (None, f"refs/heads/{branch.name}")]
    if default_branch is None or not to_count:
        return progress

    counts = await asyncio.gather(
        *(runner.output(primary.path, unmerged_count_arguments(branch, default_branch)) for branch in to_count),
        return_exceptions=True,
    )
    for branch, count in zip(to_count, counts):
        if isinstance(count, BaseException):
            errors.append(f"branch {branch.name}: {_error_message(count)}")
        elif int(count.strip() or 0) > 0:
            progress.append(_progress(branch, int(count.strip()), default_branch, unpushed=False))
    return progress


def _progress(branch: LocalBranch, commits: int, compared_with: str, *, unpushed: bool) -> BranchProgress:
    return BranchProgress(
        name=branch.name,
        commits=commits,
        compared_with=short_ref_name(compared_with),
        unpushed=unpushed,
        sha=branch.sha,
        committed_at=branch.committed_at,
    )


async def _checkout_states(
    runner: GitRunner,
    checkouts: Sequence[Repository],
    changes_by_checkout: dict[Repository, WorkingTreeChanges],
    authors: AuthorMatcher,
) -> list[CheckoutState]:
    """Return the authors' checkouts that have uncommitted changes or an operation in progress."""
    states = []
    for checkout in checkouts:
        changes = changes_by_checkout.get(checkout)
        state = CheckoutState(
            checkout=checkout,
            changes=changes if changes is not None and not changes.is_clean else None,
            operation=find_operation(checkout.git_dir),
        )
        if state.changes is None and state.operation is None:
            continue
        if await _belongs_to_authors(runner, checkout, authors):
            states.append(state)
    return states


async def _belongs_to_authors(runner: GitRunner, checkout: Repository, authors: AuthorMatcher) -> bool:
    """Check that the checkout's git identity is one of the authors.

    Uncommitted work has no author yet, so this compares the identity that
    would commit it: ``user.name`` and ``user.email`` as git resolves them in
    that checkout, ``includeIf`` included. A checkout without an identity counts.
    """
    if authors.matches_everyone:
        return True
    try:
        output = await runner.output(checkout.path, _IDENTITY_ARGUMENTS)
    except GitCommandError as error:
        # Exit status 1: neither user.name nor user.email is set.
        return error.returncode == 1

    values = [line.partition(" ")[2] for line in output.decode("utf-8", errors="replace").splitlines()]
    return authors.matches(*values)


def _error_message(error: BaseException) -> str:
    """Return the message of a failed git process. Anything else is a bug or a cancellation, so re-raise it."""
    if isinstance(error, GitCommandError):
        return error.message
    if isinstance(error, (OSError, ValueError)):
        return str(error)
    raise error
