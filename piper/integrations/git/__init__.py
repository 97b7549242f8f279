"""Git plumbing for Piper: locate repositories, read commits, branches and working trees.

Everything here uses the standard library only, so the CLI can import it
cheaply (for example to check ``--repo`` before a run).
"""

from piper.integrations.git._activity import (
    ActivityQuery,
    CheckoutState,
    RepositoryActivity,
    RepositoryReadError,
    primary_checkout,
    read_activity,
)
from piper.integrations.git._authors import AuthorMatcher
from piper.integrations.git._branches import BRANCH_RECENCY, BranchProgress
from piper.integrations.git._config import default_author_email, read_config_file
from piper.integrations.git._discovery import SKIPPED_FOLDER_NAMES, DiscoveryResult, discover_repositories
from piper.integrations.git._log import COMMITTER_DATE_MARGIN, Commit, stream_commits
from piper.integrations.git._operations import GitOperation
from piper.integrations.git._remote import commit_url
from piper.integrations.git._repository import (
    NotARepositoryError,
    Repository,
    RepositoryNotFoundError,
    find_repository,
    resolve_repository,
)
from piper.integrations.git._runner import GitCommandError, GitNotFoundError, GitRunner
from piper.integrations.git._status import WorkingTreeChanges

__all__ = [
    "BRANCH_RECENCY",
    "COMMITTER_DATE_MARGIN",
    "SKIPPED_FOLDER_NAMES",
    "ActivityQuery",
    "AuthorMatcher",
    "BranchProgress",
    "CheckoutState",
    "Commit",
    "DiscoveryResult",
    "GitCommandError",
    "GitNotFoundError",
    "GitOperation",
    "GitRunner",
    "NotARepositoryError",
    "Repository",
    "RepositoryActivity",
    "RepositoryNotFoundError",
    "RepositoryReadError",
    "WorkingTreeChanges",
    "commit_url",
    "default_author_email",
    "discover_repositories",
    "find_repository",
    "primary_checkout",
    "read_activity",
    "read_config_file",
    "resolve_repository",
    "stream_commits",
]
