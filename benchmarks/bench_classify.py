"""Measure ``piper classify --jsonl`` on the held-out evaluation set: accuracy and latency.

Usage: python benchmarks/bench_classify.py [--eval tests/fixtures/intent_eval.jsonl] [--rounds 3]

One ``piper classify --jsonl`` process gets the messages one line at a
time, and the script waits for each output line before sending the next, so
each sample is one warm message's round trip through the pipe. The first
message's time also covers interpreter start-up and model load and is
reported apart. A separate fresh process measures the load times of the
embedding model and the trained bank, and times ``classify_local`` per
message without the pipe and JSON. Accuracy counts the action only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIPER = [sys.executable, "-m", "piper", "classify", "--jsonl"]

IN_PROCESS_SCRIPT = """
import json, sys, time
started = time.perf_counter()
from piper.knowledge.embeddings import EmbeddingModel
model = EmbeddingModel(); model.load()
model_seconds = time.perf_counter() - started
from piper.intent.classifier import IntentClassifier
from piper.intent.embedding import EmbeddingClassifier
embedding = EmbeddingClassifier(model); started = time.perf_counter(); embedding.load()
bank_seconds = time.perf_counter() - started
classifier = IntentClassifier(embedding)
classifier.classify_local("warm up")
durations = []
for line in sys.stdin:
    started = time.perf_counter(); classifier.classify_local(line); durations.append(time.perf_counter() - started)
print(json.dumps({"model": model_seconds, "bank": bank_seconds, "durations": durations}))
"""


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import onnxruntime

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, onnxruntime {onnxruntime.__version__}"
    )


def _run_round(rows: list[dict[str, str]], env: dict[str, str]) -> tuple[list[str], float, list[float]]:
    process = subprocess.Popen(PIPER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, env=env, cwd=ROOT)
    assert process.stdin is not None and process.stdout is not None

    predictions: list[str] = []
    durations: list[float] = []
    started = time.perf_counter()
    first = 0.0
    for index, row in enumerate(rows):
        sent = time.perf_counter()
        process.stdin.write(row["text"].replace("\n", " ") + "\n")
        process.stdin.flush()
        output_row = json.loads(process.stdout.readline())
        if index == 0:
            first = time.perf_counter() - started
        else:
            durations.append(time.perf_counter() - sent)
        predictions.append(output_row["action"])

    process.stdin.close()
    process.wait(timeout=30)
    return predictions, first, durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "fixtures" / "intent_eval.jsonl")
    parser.add_argument("--rounds", type=int, default=3, help="Number of fresh processes to run over the set; latency samples from all rounds are pooled.")
    arguments = parser.parse_args()

    rows = [json.loads(line) for line in arguments.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as home:
        # A fresh data folder: the shipped model must be used, not a cache from an earlier bank.
        env = {**os.environ, "PIPER_DATA_DIR": str(Path(home) / "data"), "PIPER_CONFIG_DIR": str(Path(home) / "config")}

        messages = "".join(row["text"].replace("\n", " ") + "\n" for row in rows)
        loads = []
        for _ in range(arguments.rounds):
            completed = subprocess.run(
                [sys.executable, "-c", IN_PROCESS_SCRIPT], input=messages, env=env, capture_output=True, text=True, check=True, cwd=ROOT
            )
            loads.append(json.loads(completed.stdout))

        firsts: list[float] = []
        durations: list[float] = []
        predictions: list[str] = []
        for _ in range(arguments.rounds):
            predictions, first, samples = _run_round(rows, env)
            firsts.append(first)
            durations.extend(samples)

    totals: Counter[str] = Counter(row["action"] for row in rows)
    correct: Counter[str] = Counter(row["action"] for row, predicted in zip(rows, predictions) if predicted == row["action"])
    accuracy = sum(correct.values()) / len(rows)

    print(f"machine: {_machine()}")
    print(f"evaluation set: {arguments.eval.relative_to(ROOT) if arguments.eval.is_relative_to(ROOT) else arguments.eval} ({len(rows)} messages)")
    print(f"accuracy: {accuracy:.3f} ({sum(correct.values())}/{len(rows)})")
    print("per action:")
    for action in sorted(totals):
        print(f"  {action:22} {correct[action]:3}/{totals[action]:<3} {correct[action] / totals[action]:.2f}")
    print(f"misses: {[(row['text'], row['action'], predicted) for row, predicted in zip(rows, predictions) if predicted != row['action']]}")
    print(f"model load (median of {arguments.rounds}): {statistics.median(l['model'] for l in loads) * 1000:.0f} ms")
    print(f"trained bank load (median of {arguments.rounds}): {statistics.median(l['bank'] for l in loads) * 1000:.0f} ms")
    in_process = [duration for load in loads for duration in load["durations"]]
    print(
        f"warm classify_local in process over {len(in_process)} messages: p50 {_percentile(in_process, 0.5) * 1000:.1f} ms, "
        f"p95 {_percentile(in_process, 0.95) * 1000:.1f} ms"
    )
    print(f"first message incl. start-up and load (median): {statistics.median(firsts) * 1000:.0f} ms")
    print(
        f"warm message round trip over {len(durations)} messages: p50 {_percentile(durations, 0.5) * 1000:.1f} ms, "
        f"p95 {_percentile(durations, 0.95) * 1000:.1f} ms, max {max(durations) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
