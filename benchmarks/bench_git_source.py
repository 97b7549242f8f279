"""Time the git standup source on a scan of many repositories against plain sequential git loops.

Usage: python benchmarks/bench_git_source.py [--corpus DIR] [--repos 36] [--runs 7] [--days 4]

The corpus comes from ``benchmarks/corpus.py`` (synthetic histories of about
1,600 commits per repository, written with fast-import). Three shell loops
run one repository after another: ``git log`` alone, which is what the
source's commit reading replaces, and ``log`` + ``for-each-ref`` +
``status``, which is the same work as the source. The source runs in
process, without Python's start-up or the rest of ``piper standup``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from piper.integrations.git import GitRunner
from piper.standup.model import ScanRoot, StandupRequest
from piper.standup.progress import NoProgress
from piper.standup.sources import git as git_source

AUTHOR = "ada@example.com"


def load_corpus_builder():  # noqa: ANN201 - a function from a script outside the package
    path = Path(__file__).resolve().parent / "corpus.py"
    spec = importlib.util.spec_from_file_location("corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_corpus


def time_runs(run, runs: int) -> tuple[float, float]:  # noqa: ANN001
    run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples)


def shell_loop(repos: list[Path], commands: list[str]) -> list[str]:
    folders = " ".join(f"'{path}'" for path in repos)
    body = "; ".join(f'git -C "$r" {command} >/dev/null' for command in commands)
    return ["sh", "-c", f"for r in {folders}; do {body}; done"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "piper-bench-corpus")
    parser.add_argument("--repos", type=int, default=36)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--days", type=int, default=4, help="Length of the window in days, ending now.")
    arguments = parser.parse_args()

    repos = load_corpus_builder()(arguments.corpus, repos=arguments.repos, commits=1600)
    now = dt.datetime.now(dt.timezone.utc)
    since = now - dt.timedelta(days=arguments.days)
    git_since = f"@{int(since.timestamp())} +0000"

    log = f"log --branches --remotes HEAD --no-merges --since='{git_since}' --format='%H %aI %s'"
    loops = {
        "loop: git log": shell_loop(repos, [log]),
        "loop: log + for-each-ref + status": shell_loop(
            repos, [log, "for-each-ref refs/heads/ 'refs/remotes/*/HEAD'", "status --porcelain=v2 -z"]
        ),
    }
    results = {name: time_runs(lambda command=command: subprocess.run(command, check=True), arguments.runs) for name, command in loops.items()}

    processes = {}
    for limit in (1, 2, 4, 8):
        request = StandupRequest(
            date=now.date(), since=since, until=now, timezone=dt.timezone.utc, authors=[AUTHOR],
            scan_roots=[ScanRoot(path=arguments.corpus, depth=1)], max_git_processes=limit,
        )
        runners: list[GitRunner] = []

        def counting_runner(max_processes: int, runners=runners) -> GitRunner:  # noqa: ANN001
            runners.append(GitRunner(max_processes))
            return runners[-1]

        git_source.GitRunner = counting_runner  # type: ignore[assignment, misc]
        results[f"source, {limit} git processes at once"] = time_runs(
            lambda request=request: asyncio.run(git_source.GitSource().collect(request, NoProgress())), arguments.runs
        )
        processes[limit] = runners[-1].processes_started

    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"corpus: {len(repos)} repositories in {arguments.corpus}, window {arguments.days} days")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {git_version}")
    print(f"git processes per source run: {processes[1]}")
    print(f"{'what':40} {'median s':>9} {'best s':>8}")
    for name, (median, best) in results.items():
        print(f"{name:40} {median:9.3f} {best:8.3f}")


if __name__ == "__main__":
    main()
