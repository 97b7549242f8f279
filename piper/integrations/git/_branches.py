"""Find local branches with work that is not pushed or not merged yet.

One ``git for-each-ref`` lists every local branch with its tip and upstream.
Counting commits walks history, so only the branches that could be work in
progress (recent, by the authors) get counted. A second ``for-each-ref``,
limited to them, returns git's ahead count against their upstreams. A branch
without an upstream, or whose upstream was deleted, is compared with the
default branch by one ``git rev-list --count`` each. Stale branches far
behind their upstream therefore cost nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from piper.integrations.git._log import parse_raw_date

BRANCH_RECENCY = dt.timedelta(days=14)
"""A branch counts as work in progress only if its tip was committed this long before the window's end, or later.

Without this limit every abandoned branch of a long-lived repository would be
listed in each standup.
"""

_FIELDS = [
    "%(refname)",
    "%(objectname)",
    "%(upstream)",
    "%(committerdate:raw)",
    "%(authorname)",
    "%(authoremail:trim)",
    "%(symref)",
]
_TRACKING_FIELDS = ["%(refname)", "%(upstream:track,nobracket)"]
_AHEAD = re.compile(r"\bahead (\d+)")
_DEFAULT_BRANCH_NAMES = ("main", "master")


@dataclass(frozen=True, slots=True)
class LocalBranch:
    """A local branch as ``git for-each-ref`` lists it."""

    name: str
    """The short name, such as ``feature/export``."""

    sha: str
    upstream: str | None
    """The configured upstream's full ref name (``refs/remotes/origin/feature/export``), or None."""

    committed_at: dt.datetime | None
    """The tip's committer date."""

    author_name: str
    """The tip's author, before ``.mailmap``, which ``%(authorname)`` does not apply in git 2.39."""

    author_email: str


@dataclass(frozen=True, slots=True)
class BranchList:
    """The output of :func:`branch_arguments`: local branches and what each remote's ``HEAD`` points to."""

    branches: list[LocalBranch]
    remote_heads: dict[str, str]
    """Remote name to the full ref its ``HEAD`` points to, such as ``{"origin": "refs/remotes/origin/main"}``."""

    def default_branch(self) -> str | None:
        """Return the full ref name that unmerged work is measured against, or None when there is none.

        That is the ref ``origin/HEAD`` points to (set by ``git clone``), else
        another remote's ``HEAD``, else a local ``main`` or ``master``.
        """
        if "origin" in self.remote_heads:
            return self.remote_heads["origin"]
        for remote in sorted(self.remote_heads):
            return self.remote_heads[remote]

        local_names = {branch.name for branch in self.branches}
        for name in _DEFAULT_BRANCH_NAMES:
            if name in local_names:
                return f"refs/heads/{name}"
        return None


@dataclass(frozen=True, slots=True)
class BranchProgress:
    """A local branch with commits that are not pushed to its upstream, or not merged into the default branch."""

    name: str
    commits: int
    compared_with: str
    """The short name of the ref the commits are missing from: the upstream or the default branch."""

    unpushed: bool
    """True when ``compared_with`` is the branch's upstream on a remote, so ``commits`` are unpushed."""

    sha: str
    committed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Tracking:
    """A branch's state against its upstream, as ``%(upstream:track)`` reports it."""

    ahead: int
    """Commits on the branch that its upstream lacks."""

    gone: bool
    """True when the upstream is configured but its ref no longer exists."""


def branch_arguments() -> list[str]:
    return ["for-each-ref", f"--format={'%00'.join(_FIELDS)}", "refs/heads/", "refs/remotes/*/HEAD"]


def tracking_arguments(branches: list[LocalBranch]) -> list[str]:
    return ["for-each-ref", f"--format={'%00'.join(_TRACKING_FIELDS)}", *(f"refs/heads/{branch.name}" for branch in branches)]


def unmerged_count_arguments(branch: LocalBranch, base: str) -> list[str]:
    return ["rev-list", "--count", f"{base}..refs/heads/{branch.name}", "--"]


def parse_branch_list(output: bytes) -> BranchList:
    """Parse the output of :func:`branch_arguments`."""
    branches: list[LocalBranch] = []
    remote_heads: dict[str, str] = {}
    for line in output.split(b"\n"):
        if not line:
            continue
        fields = line.decode("utf-8", errors="replace").split("\0")
        if len(fields) != len(_FIELDS):
            continue
        refname, sha, upstream, committer_date, author_name, author_email, symref = fields

        if refname.startswith("refs/remotes/"):
            remote = refname.removeprefix("refs/remotes/").removesuffix("/HEAD")
            if symref:
                remote_heads[remote] = symref
            continue

        branches.append(
            LocalBranch(
                name=refname.removeprefix("refs/heads/"),
                sha=sha,
                upstream=upstream or None,
                committed_at=parse_raw_date(committer_date),
                author_name=author_name,
                author_email=author_email,
            )
        )
    return BranchList(branches=branches, remote_heads=remote_heads)


def parse_tracking(output: bytes) -> dict[str, Tracking]:
    """Parse the output of :func:`tracking_arguments` into short branch name to tracking state.

    A pattern such as ``refs/heads/feature`` also matches ``refs/heads/feature/x``,
    so the output can name more branches than were asked for.
    """
    tracking: dict[str, Tracking] = {}
    for line in output.split(b"\n"):
        refname, separator, track = line.decode("utf-8", errors="replace").partition("\0")
        if not separator:
            continue
        ahead = _AHEAD.search(track)
        tracking[refname.removeprefix("refs/heads/")] = Tracking(ahead=int(ahead.group(1)) if ahead else 0, gone=track == "gone")
    return tracking


def short_ref_name(refname: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/"):
        if refname.startswith(prefix):
            return refname.removeprefix(prefix)
    return refname
