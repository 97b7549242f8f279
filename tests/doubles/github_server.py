"""A loopback HTTP server that responds like GitHub's REST API, built on recorded traffic.

The issues, the created-issue body, the 422 body and the search body come
from ``tests/fixtures/github/`` (recorded by @octokit/fixtures). The server
keeps them as state, so a created issue shows up in later lists and
searches. Real GitHub behaviour it copies:

* list pages after the first are linked as ``/repositories/{id}/issues?page=N``
  in the ``Link`` header (``rel="next"``, ``"last"``, ``"prev"``, ``"first"``);
* ``X-RateLimit-*`` headers on every response, 401 ``Bad credentials``,
  404 ``Not Found``, 422 ``Validation Failed`` with ``errors``;
* the issues endpoint lists pull requests too, marked with ``pull_request``.

Tests add pull requests, reviews and commits with :meth:`GitHubServer.add_issue`
and friends, and script failures with :meth:`GitHubServer.fail`. Every
request is recorded. Serve under a path prefix (``/api/v3``) to look like
GitHub Enterprise.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.doubles.loopback import QuietHandler

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"

RECORDED_API = "https://api.github.com"
RECORDED_WEB = "https://github.com"
RECORDED_REPOSITORY = "octokit-fixture-org/paginate-issues"
RECORDED_REPOSITORY_ID = 1000


def load_exchanges(name: str) -> list[dict[str, Any]]:
    """Return the recorded exchanges of ``tests/fixtures/github/NAME.json``."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["exchanges"]


@dataclass
class Fault:
    """A scripted response for requests matching ``method`` and the ``path`` regular expression.

    ``apply_first`` carries out the request before responding with the
    fault, as when GitHub created an issue but the response was lost.
    ``delay`` is the seconds to wait before responding; ``raw_body`` replaces
    the JSON body with these bytes (a malformed response).
    """

    method: str
    path: str
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1
    apply_first: bool = False
    raw_body: bytes | None = None


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Repository:
    full_name: str
    id: int
    issues: list[dict[str, Any]] = field(default_factory=list)
    """Issues and pull requests in GitHub's JSON shape; keys starting with ``_`` are the double's own and never served."""

    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


class GitHubServer:
    """The double. Use as a context manager; :attr:`api_url` is the base URL for PyGithub."""

    def __init__(self, *, token: str = "ghp_testtoken0000000000000000000000000001", login: str = "octokit-fixture-user-a",
                 prefix: str = "/api/v3", max_per_page: int = 100) -> None:
        self.token = token
        self.login = login
        self.prefix = prefix
        self.max_per_page = max_per_page
        self.repositories: dict[str, Repository] = {}
        self.commits: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.requests: list[RecordedRequest] = []
        self.rate_remaining = 5000
        self.push_access = True
        """Without push access, GitHub silently drops the labels and assignees of a new issue."""
        self._lock = threading.Lock()
        self._next_id = 5000
        self._template = load_exchanges("create-issue")[0]["body"]
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._seed()

    # --- Lifecycle -------------------------------------------------------

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.origin + self.prefix

    def __enter__(self) -> GitHubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- Test set-up -----------------------------------------------------

    def fail(self, method: str, path: str, status: int = 500, **options: Any) -> Fault:
        """Answer the next matching request(s) with a fault; see :class:`Fault`."""
        fault = Fault(method.upper(), path, status, **options)
        self.faults.append(fault)
        return fault

    def add_repository(self, full_name: str) -> Repository:
        with self._lock:
            self._next_id += 1
            repository = Repository(full_name, self._next_id)
            self.repositories[full_name] = repository
            return repository

    def add_issue(self, full_name: str, title: str, **fields: Any) -> dict[str, Any]:
        """Add an issue (or, with ``pull_request=True``, a pull request) and return its JSON.

        Double-only fields: ``_requested_reviewers`` (logins), ``_checks``
        (``success`` or ``failure``), ``_merged_at`` (ISO time) for pull requests.
        """
        is_pull = fields.pop("pull_request", False)
        with self._lock:
            repository = self.repositories.get(full_name) or self._new_repository(full_name)
            issue = self._new_issue(repository, title=title, author=fields.pop("author", self.login))
            labels = fields.pop("labels", [])
            issue["labels"] = [self._label(repository, name) for name in labels]
            assignees = fields.pop("assignees", [])
            issue["assignees"] = [self._user(login) for login in assignees]
            issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
            if is_pull:
                merged_at = fields.get("_merged_at")
                issue["pull_request"] = {
                    "url": f"{RECORDED_API}/repos/{full_name}/pulls/{issue['number']}",
                    "html_url": f"{RECORDED_WEB}/{full_name}/pull/{issue['number']}",
                    "diff_url": f"{RECORDED_WEB}/{full_name}/pull/{issue['number']}.diff",
                    "patch_url": f"{RECORDED_WEB}/{full_name}/pull/{issue['number']}.patch",
                    "merged_at": merged_at,
                }
                issue["html_url"] = f"{RECORDED_WEB}/{full_name}/pull/{issue['number']}"
            issue.update(fields)
            repository.issues.append(issue)
            return issue

    def add_review(self, full_name: str, number: int, *, author: str, state: str, submitted_at: str) -> None:
        with self._lock:
            repository = self.repositories[full_name]
            self._next_id += 1
            repository.reviews.setdefault(number, []).append({
                "id": self._next_id,
                "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3MQ==",
                "user": self._user(author),
                "body": "",
                "state": state,
                "html_url": f"{RECORDED_WEB}/{full_name}/pull/{number}#pullrequestreview-{self._next_id}",
                "pull_request_url": f"{RECORDED_API}/repos/{full_name}/pulls/{number}",
                "submitted_at": submitted_at,
                "commit_id": "0" * 40,
                "author_association": "MEMBER",
            })

    def add_commit(self, full_name: str, sha: str, message: str, *, author: str, date: str) -> None:
        """Add a commit that ``GET /search/commits`` finds by ``author:`` and ``author-date:``."""
        self.commits.append({
            "url": f"{RECORDED_API}/repos/{full_name}/commits/{sha}",
            "sha": sha,
            "node_id": "MDY6Q29tbWl0MQ==",
            "html_url": f"{RECORDED_WEB}/{full_name}/commit/{sha}",
            "commit": {
                "url": f"{RECORDED_API}/repos/{full_name}/git/commits/{sha}",
                "author": {"name": author, "email": f"{author}@users.noreply.github.com", "date": date},
                "committer": {"name": author, "email": f"{author}@users.noreply.github.com", "date": date},
                "message": message,
                "comment_count": 0,
            },
            "author": self._user(author),
            "committer": self._user(author),
            "parents": [],
            "repository": {"id": 1, "full_name": full_name, "name": full_name.split("/")[1], "private": False},
            "score": 1.0,
        })

    def issues_titled(self, full_name: str, title: str) -> list[dict[str, Any]]:
        return [issue for issue in self.repositories[full_name].issues if issue["title"] == title]

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and re.search(path_pattern, r.path)]

    # --- State -----------------------------------------------------------

    def _seed(self) -> None:
        repository = Repository(RECORDED_REPOSITORY, RECORDED_REPOSITORY_ID)
        for exchange in load_exchanges("paginate-issues"):
            repository.issues.extend(copy.deepcopy(exchange["body"]))
        # Newest first as recorded; stored oldest first like creation order.
        repository.issues.sort(key=lambda issue: issue["number"])
        self.repositories[repository.full_name] = repository

    def _new_repository(self, full_name: str) -> Repository:
        self._next_id += 1
        repository = Repository(full_name, self._next_id)
        self.repositories[full_name] = repository
        return repository

    def _new_issue(self, repository: Repository, *, title: str, author: str) -> dict[str, Any]:
        number = max((issue["number"] for issue in repository.issues), default=0) + 1
        self._next_id += 1
        now = _now()
        issue = copy.deepcopy(self._template)
        base = f"{RECORDED_API}/repos/{repository.full_name}/issues/{number}"
        issue.update({
            "url": base,
            "repository_url": f"{RECORDED_API}/repos/{repository.full_name}",
            "labels_url": base + "/labels{/name}",
            "comments_url": base + "/comments",
            "events_url": base + "/events",
            "timeline_url": base + "/timeline",
            "html_url": f"{RECORDED_WEB}/{repository.full_name}/issues/{number}",
            "id": self._next_id,
            "number": number,
            "title": title,
            "user": self._user(author),
            "labels": [],
            "state": "open",
            "assignee": None,
            "assignees": [],
            "comments": 0,
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "body": None,
            "state_reason": None,
        })
        return issue

    def _user(self, login: str) -> dict[str, Any]:
        return {"login": login, "id": abs(hash(login)) % 100000, "node_id": "MDQ6VXNlcjE=",
                "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4", "url": f"{RECORDED_API}/users/{login}",
                "html_url": f"{RECORDED_WEB}/{login}", "type": "User", "site_admin": False}

    def _label(self, repository: Repository, name: str) -> dict[str, Any]:
        return {"id": abs(hash(name)) % 100000, "node_id": "MDU6TGFiZWwx", "url": f"{RECORDED_API}/repos/{repository.full_name}/labels/{urllib.parse.quote(name)}",
                "name": name, "color": "ededed", "default": False, "description": None}

    # --- HTTP --------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                server._dispatch(self, "GET")

            def do_POST(self) -> None:
                server._dispatch(self, "POST")

            def do_PATCH(self) -> None:
                server._dispatch(self, "PATCH")

        return Handler

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        query = urllib.parse.parse_qs(parsed.query)
        path = parsed.path
        self.requests.append(RecordedRequest(method, path, query, dict(handler.headers.items()), body))

        if not path.startswith(self.prefix):
            return self._send(handler, 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        path = path[len(self.prefix):] or "/"

        fault = self._take_fault(method, path)
        if fault is not None and fault.apply_first:
            self._route(method, path, query, body)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            return self._send(handler, fault.status, fault.body, extra_headers=fault.headers, raw_body=fault.raw_body)

        if handler.headers.get("Authorization") != f"token {self.token}" and handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(handler, 401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})

        status, payload, headers = self._route(method, path, query, body)
        self._send(handler, status, payload, extra_headers=headers)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.path, path):
                    fault.times -= 1
                    return fault
        return None

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            if method == "GET" and path == "/user":
                return 200, {**self._user(self.login), "name": "Fixture User"}, {}
            if method == "GET" and path == "/search/issues":
                return self._search_issues(query)
            if method == "GET" and path == "/search/commits":
                return self._search_commits(query)

            match = re.fullmatch(r"/(?:repos/([^/]+/[^/]+)|repositories/(\d+))(/.*)?", path)
            if not match:
                return 404, _not_found(), {}
            repository = self._find_repository(match.group(1), match.group(2))
            if repository is None:
                return 404, _not_found(), {}
            rest = match.group(3) or ""
            return self._repository_route(repository, method, rest, query, body)

    def _find_repository(self, full_name: str | None, repository_id: str | None) -> Repository | None:
        if full_name is not None:
            return self.repositories.get(full_name)
        return next((repo for repo in self.repositories.values() if str(repo.id) == repository_id), None)

    def _repository_route(self, repository: Repository, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict[str, str]]:
        if rest == "/issues" and method == "GET":
            return self._list_issues(repository, query)
        if rest == "/issues" and method == "POST":
            return self._create_issue(repository, body)

        match = re.fullmatch(r"/(issues|pulls)/(\d+)(/comments|/reviews)?", rest)
        if not match:
            return 404, _not_found(), {}
        kind, number, sub = match.group(1), int(match.group(2)), match.group(3)
        issue = next((item for item in repository.issues if item["number"] == number), None)
        if issue is None or (kind == "pulls" and "pull_request" not in issue):
            return 404, _not_found(), {}

        if kind == "pulls" and sub == "/reviews":
            return 200, repository.reviews.get(number, []), {}
        if kind == "pulls" and sub is None and method == "GET":
            return 200, {**_public(issue), "merged_at": issue["pull_request"].get("merged_at")}, {}
        if sub == "/comments" and method == "GET":
            since = (query.get("since") or [""])[0]
            comments = [c for c in repository.comments.get(number, []) if not since or c["updated_at"] >= _normal_time(since)]
            return 200, comments, {}
        if sub == "/comments" and method == "POST":
            return self._create_comment(repository, issue, body)
        if sub is None and method == "GET":
            return 200, _public(issue), {}
        if sub is None and method == "PATCH":
            return self._edit_issue(repository, issue, body)
        return 404, _not_found(), {}

    def _list_issues(self, repository: Repository, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        def first(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        state = first("state", "open")
        items = [issue for issue in repository.issues if state == "all" or issue["state"] == state]
        if first("labels"):
            wanted = {name.strip().lower() for name in first("labels").split(",")}
            items = [i for i in items if wanted <= {label["name"].lower() for label in i["labels"]}]
        if first("assignee"):
            items = [i for i in items if _assigned(i, first("assignee"))]
        if first("creator"):
            items = [i for i in items if i["user"]["login"] == first("creator")]
        if first("since"):
            items = [i for i in items if i["updated_at"] >= _normal_time(first("since"))]
        items.sort(key=lambda i: (i["created_at"], i["number"]), reverse=first("direction", "desc") == "desc")

        per_page = min(int(first("per_page", "30")), self.max_per_page)
        page = int(first("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        parameters = {key: values[0] for key, values in query.items() if key != "page"}
        return 200, [_public(i) for i in chunk], self._link_header(f"/repositories/{repository.id}/issues", parameters, page, last)

    def _link_header(self, path: str, parameters: dict[str, str], page: int, last: int) -> dict[str, str]:
        """Return the ``Link`` header of a page; GitHub sends none when everything fits on one page."""
        if last == 1:
            return {}
        return {"Link": self._link(path, parameters, page, last)}

    def _link(self, path: str, parameters: dict[str, str], page: int, last: int) -> str:
        def url(number: int) -> str:
            return f"{RECORDED_API}{path}?{urllib.parse.urlencode({**parameters, 'page': number})}"

        links = []
        if page > 1:
            links.append(f'<{url(page - 1)}>; rel="prev"')
        if page < last:
            links.append(f'<{url(page + 1)}>; rel="next"')
            links.append(f'<{url(last)}>; rel="last"')
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return ", ".join(links)

    def _create_issue(self, repository: Repository, body: Any) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(body, dict) or not body.get("title"):
            return 422, {"message": "Invalid request.\n\n\"title\" wasn't supplied.", "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"}, {}
        invalid = [login for login in body.get("assignees") or [] if login.startswith("ghost")]
        if invalid:
            errors = [{"value": login, "resource": "Issue", "field": "assignees", "code": "invalid"} for login in invalid]
            return 422, {"message": "Validation Failed", "errors": errors, "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"}, {}
        issue = self._new_issue(repository, title=body["title"], author=self.login)
        issue["body"] = body.get("body")
        if self.push_access:
            issue["labels"] = [self._label(repository, name) for name in body.get("labels") or []]
            issue["assignees"] = [self._user(login) for login in body.get("assignees") or []]
        issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
        repository.issues.append(issue)
        return 201, _public(issue), {"Location": issue["url"]}

    def _edit_issue(self, repository: Repository, issue: dict[str, Any], body: Any) -> tuple[int, Any, dict[str, str]]:
        body = body or {}
        if "title" in body:
            issue["title"] = body["title"]
        if "body" in body:
            issue["body"] = body["body"]
        if "labels" in body:
            issue["labels"] = [self._label(repository, name) for name in body["labels"]]
        if "assignees" in body:
            issue["assignees"] = [self._user(login) for login in body["assignees"]]
        if "state" in body and body["state"] != issue["state"]:
            issue["state"] = body["state"]
            issue["closed_at"] = _now() if body["state"] == "closed" else None
            issue["state_reason"] = body.get("state_reason") or ("completed" if body["state"] == "closed" else "reopened")
        issue["updated_at"] = _now()
        return 200, _public(issue), {}

    def _create_comment(self, repository: Repository, issue: dict[str, Any], body: Any) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(body, dict) or not body.get("body"):
            return 422, {"message": "Validation Failed", "errors": [{"resource": "IssueComment", "code": "missing_field", "field": "body"}], "status": "422"}, {}
        self._next_id += 1
        now = _now()
        comment = {
            "id": self._next_id,
            "node_id": "MDEyOklzc3VlQ29tbWVudDE=",
            "url": f"{issue['url']}/comments/{self._next_id}",
            "html_url": f"{issue['html_url']}#issuecomment-{self._next_id}",
            "body": body["body"],
            "user": self._user(self.login),
            "created_at": now,
            "updated_at": now,
            "issue_url": issue["url"],
            "author_association": "MEMBER",
        }
        repository.comments.setdefault(issue["number"], []).append(comment)
        issue["comments"] += 1
        return 201, comment, {}

    def _search_issues(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        text = (query.get("q") or [""])[0]
        matched = []
        for repository in self.repositories.values():
            for issue in repository.issues:
                if _matches(issue, repository, text):
                    matched.append({**_public(issue), "score": 1.0})
        return self._search_page(matched, query, "/search/issues")

    def _search_commits(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        text = (query.get("q") or [""])[0]
        matched = [c for c in self.commits if _commit_matches(c, text)]
        return self._search_page(matched, query, "/search/commits")

    def _search_page(self, matched: list[dict[str, Any]], query: dict[str, list[str]], path: str) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int((query.get("per_page") or ["30"])[0]), self.max_per_page)
        page = int((query.get("page") or ["1"])[0])
        last = max(1, -(-len(matched) // per_page))
        parameters = {key: values[0] for key, values in query.items() if key != "page"}
        body = {"total_count": len(matched), "incomplete_results": False, "items": matched[(page - 1) * per_page : page * per_page]}
        return 200, body, self._link_header(path, parameters, page, last)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, payload: Any, *, extra_headers: dict[str, str] | None = None, raw_body: bytes | None = None) -> None:
        if raw_body is not None:
            data = raw_body
        elif payload is None:
            data = b""
        else:
            data = self._rewrite(json.dumps(payload)).encode()
        with self._lock:
            self.rate_remaining = max(0, self.rate_remaining - 1)
            remaining = self.rate_remaining
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Resource": "core",
            "X-RateLimit-Used": str(5000 - remaining),
        }
        for key, value in (extra_headers or {}).items():
            headers[key] = self._rewrite(value)
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up (a timeout test); nothing to answer.

    def _rewrite(self, text: str) -> str:
        return text.replace(RECORDED_API, self.api_url).replace(RECORDED_WEB, self.origin)


# --- Search qualifiers ---------------------------------------------------------

_TERM = re.compile(r'(-?)([\w-]+):("[^"]*"|\S+)|(\S+)')


def _matches(issue: dict[str, Any], repository: Repository, text: str) -> bool:
    """Evaluate the search qualifiers the standup uses; unknown qualifiers match nothing."""
    repos = []
    for negate, key, value, word in _TERM.findall(text):
        value = value.strip('"')
        if word:
            if word.lower() not in (issue["title"] + " " + (issue.get("body") or "")).lower():
                return False
            continue
        if key == "repo":
            repos.append(value)
            continue
        result = _qualifier(issue, repository, key, value)
        if result is None:
            return False
        if result == bool(negate):
            return False
    return not repos or repository.full_name in repos


def _qualifier(issue: dict[str, Any], repository: Repository, key: str, value: str) -> bool | None:
    pull = issue.get("pull_request")
    logins = {a["login"] for a in issue["assignees"]}
    reviews = repository.reviews.get(issue["number"], [])
    if key == "is":
        return {
            "pr": pull is not None, "issue": pull is None, "open": issue["state"] == "open",
            "closed": issue["state"] == "closed", "merged": bool(pull and pull.get("merged_at")),
        }.get(value)
    if key == "author":
        return issue["user"]["login"] == value
    if key == "assignee":
        return value in logins
    if key == "involves":
        return issue["user"]["login"] == value or value in logins
    if key == "label":
        return value.lower() in {label["name"].lower() for label in issue["labels"]}
    if key == "review-requested":
        return value in issue.get("_requested_reviewers", [])
    if key == "reviewed-by":
        return any(review["user"]["login"] == value for review in reviews)
    if key == "review":
        states = [review["state"] for review in reviews if review["state"] in ("APPROVED", "CHANGES_REQUESTED")]
        return bool(states) and states[-1] == value.upper()
    if key == "status":
        return issue.get("_checks") == value
    if key in ("merged", "closed", "updated", "created"):
        moment = {"merged": (pull or {}).get("merged_at"), "closed": issue.get("closed_at"),
                  "updated": issue.get("updated_at"), "created": issue.get("created_at")}[key]
        return moment is not None and _in_range(moment, value)
    return None


def _assigned(issue: dict[str, Any], assignee: str) -> bool:
    """Apply the issues list's ``assignee`` filter: a login (compared without case), ``none`` or ``*``."""
    logins = {user["login"].lower() for user in issue["assignees"]}
    if assignee == "none":
        return not logins
    if assignee == "*":
        return bool(logins)
    return assignee.lower() in logins


def _commit_matches(commit: dict[str, Any], text: str) -> bool:
    repos = []
    for _negate, key, value, _word in _TERM.findall(text):
        if key == "repo":
            repos.append(value)
        elif key == "author" and commit["author"]["login"] != value:
            return False
        elif key == "author-date" and not _in_range(commit["commit"]["author"]["date"], value):
            return False
    return not repos or commit["repository"]["full_name"] in repos


def _in_range(moment: str, value: str) -> bool:
    instant = _parse(moment)
    if value.startswith(">="):
        return instant >= _parse(value[2:])
    if ".." in value:
        start, _, end = value.partition("..")
        return _parse(start) <= instant <= _parse(end)
    return instant.date() == _parse(value).date()


def _parse(text: str) -> dt.datetime:
    if len(text) == 10:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _normal_time(text: str) -> str:
    return _parse(text).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public(issue: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in issue.items() if not key.startswith("_")}


def _not_found() -> dict[str, Any]:
    return {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}
