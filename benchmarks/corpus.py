"""Build a folder of git repositories for the standup benchmarks.

Each repository gets a few years of history from many authors, written with
``git fast-import`` so that building 36 repositories takes seconds. The
content is synthetic but deterministic (seeded), so runs are comparable.

Usage: python benchmarks/corpus.py DEST [--repos 36] [--commits 1600]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
from pathlib import Path

AUTHORS = [("Ada Lovelace", "ada@example.com")] + [
    (f"Developer {index}", f"dev{index}@example.org") for index in range(1, 25)
]
USER_EMAIL = "ada@example.com"
"""The author the benchmarks ask the standup for."""


def _fast_import_stream(rng: random.Random, commits: int, now: dt.datetime) -> bytes:
    """Return a fast-import stream: a main branch, two feature branches and tags."""
    start = now - dt.timedelta(days=3 * 365)
    step = (now - start) / commits
    lines: list[bytes] = []
    for number in range(1, commits + 1):
        author_name, author_email = rng.choice(AUTHORS)
        moment = start + step * number + dt.timedelta(minutes=rng.randint(-30, 30))
        moment = min(moment, now - dt.timedelta(minutes=1))
        offset_hours = rng.choice([-8, -5, 0, 1, 2, 5, 9])
        offset = f"{'+' if offset_hours >= 0 else '-'}{abs(offset_hours):02d}00"
        stamp = f"{int(moment.timestamp())} {offset}"
        branch = "refs/heads/main" if number % 10 else f"refs/heads/feature-{number % 3}"
        content = f"line {number} {rng.random()}\n".encode()
        message = f"Change {number}: {rng.choice(['fix', 'add', 'refactor', 'docs'])} {rng.choice(['export', 'login', 'api', 'ui'])}\n".encode()
        lines.append(f"commit {branch}\n".encode())
        lines.append(f"mark :{number}\n".encode())
        lines.append(f"author {author_name} <{author_email}> {stamp}\n".encode())
        lines.append(f"committer {author_name} <{author_email}> {stamp}\n".encode())
        lines.append(f"data {len(message)}\n".encode() + message)
        if number > 1:
            lines.append(f"from :{number - 1}\n".encode())
        lines.append(f"M 644 inline src/file{number % 50}.txt\ndata {len(content)}\n".encode() + content + b"\n")
    return b"".join(lines)


def build_corpus(destination: Path, *, repos: int, commits: int, seed: int = 7) -> list[Path]:
    """Create ``repos`` repositories below ``destination`` (skipping ones already built)."""
    destination.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    built = []
    for index in range(repos):
        path = destination / f"project-{index:02d}"
        built.append(path)
        if (path / ".git").exists():
            continue
        rng = random.Random(seed * 1000 + index)
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
        stream = _fast_import_stream(rng, commits + rng.randint(-commits // 2, commits // 2), now)
        subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)
        subprocess.run(["git", "-C", str(path), "checkout", "-q", "main"], check=True)
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path)
    parser.add_argument("--repos", type=int, default=36)
    parser.add_argument("--commits", type=int, default=1600, help="average commits per repository")
    arguments = parser.parse_args()
    paths = build_corpus(arguments.destination, repos=arguments.repos, commits=arguments.commits)
    print(f"{len(paths)} repositories in {arguments.destination}")


if __name__ == "__main__":
    main()
