"""Time ``piper --help`` start-up and ``piper standup --scan`` against a plain git loop.

Usage: python benchmarks/bench_standup.py [--corpus DIR] [--runs 7]

Each command runs ``--runs`` times after one warm-up run; the script prints
the median and the fastest run in seconds. The git loop runs ``git log``
once per repository, one after another, over the same window and author
that the standup uses; it reads commits only, while the standup also
checks branches, working trees and stopped operations.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import USER_EMAIL, build_corpus  # noqa: E402

PIPER = [sys.executable, "-m", "piper"]


def _time(command: list[str], *, runs: int, env: dict[str, str]) -> tuple[float, float]:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples)


def _git_loop_script(repos: list[Path], since: str) -> list[str]:
    """Return a shell command that runs git log in each repository in turn."""
    folders = " ".join(f"'{path}'" for path in repos)
    return [
        "sh",
        "-c",
        f"for r in {folders}; do git -C \"$r\" log --branches --remotes HEAD --no-merges "
        f"--since='{since}' --author='{USER_EMAIL}' --format='%H %aI %s'; done",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "piper-bench-corpus")
    parser.add_argument("--repos", type=int, default=36)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()

    repos = build_corpus(arguments.corpus, repos=arguments.repos, commits=1600)
    total_commits = sum(
        int(subprocess.run(["git", "-C", str(path), "rev-list", "--all", "--count"], capture_output=True, text=True, check=True).stdout)
        for path in repos
    )

    env = dict(os.environ)
    env["PIPER_DATA_DIR"] = tempfile.mkdtemp(prefix="piper-bench-data-")
    env["PIPER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="piper-bench-config-")
    since = (dt.date.today() - dt.timedelta(days=4)).isoformat()

    results = {
        "piper --help": _time([*PIPER, "--help"], runs=arguments.runs, env=env),
        "git log loop (sequential)": _time(_git_loop_script(repos, since), runs=arguments.runs, env=env),
        "piper standup --scan": _time(
            [*PIPER, "standup", "--scan", str(arguments.corpus), "--depth", "1", "--since", since,
             "--author", USER_EMAIL, "--json"],
            runs=arguments.runs,
            env=env,
        ),
        "piper standup --scan --no-save": _time(
            [*PIPER, "standup", "--scan", str(arguments.corpus), "--depth", "1", "--since", since,
             "--author", USER_EMAIL, "--json", "--no-save"],
            runs=arguments.runs,
            env=env,
        ),
    }

    print(f"corpus: {len(repos)} repositories, {total_commits} commits, window since {since}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'command':34} {'median s':>9} {'best s':>8}")
    for name, (median, best) in results.items():
        print(f"{name:34} {median:9.3f} {best:8.3f}")


if __name__ == "__main__":
    main()
