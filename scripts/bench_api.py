# ruff: noqa: S310, S603 (local URLs and our own commands only)
"""Benchmark: decision throughput through the API (single and batch calls), against the
engine in the same run.

Starts ``depositaire demo`` on a fresh data folder (throttling raised for the run),
creates a ``decide`` token with ``depositaire api-token``, then times:

- single calls: ``POST /api/v1/decisions`` over the public scenarios, one client, then
  four clients at once (requests/s, p50, p95);
- batch calls: ``POST /api/v1/decisions:batch`` with 100 and 1,000 situations
  (calls/s, situations/s, p95 per call);
- the reference: the same situations parsed and decided in-process (no HTTP).

Run: ``.venv/bin/python scripts/bench_api.py [--seconds 10]``. Not a test: the figures
depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def post(url: str, token: str, body: bytes) -> float:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - start


def run_for(seconds: float, clients: int, call: callable) -> tuple[int, float, list[float]]:
    samples: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        i = offset
        while time.perf_counter() < stop:
            took = call(i)
            with lock:
                samples.append(took)
            i += clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(samples), time.perf_counter() - began, samples


def line(name: str, count: int, elapsed: float, samples: list[float], per: int = 1) -> str:
    rate = count / elapsed
    extra = f", {rate * per:,.0f} situations/s" if per > 1 else ""
    return (
        f"{name:<34} {count:>6} calls in {elapsed:5.1f} s: {rate:8.1f} calls/s{extra}; "
        f"p50 {percentile(samples, 50) * 1000:7.1f} ms, p95 {percentile(samples, 95) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=18399)
    args = parser.parse_args()
    cases = yaml.safe_load((ROOT / "tests" / "scenarios" / "public.yaml").read_text("utf-8"))
    bodies = [json.dumps(c["situation"], default=str).encode() for c in cases]

    from depositaire.engine import decide, parse_situation

    data = [json.loads(b) for b in bodies]
    reference = []
    for _ in range(50):
        for d in data:
            start = time.perf_counter()
            decide(parse_situation(d)).to_dict()
            reference.append(time.perf_counter() - start)

    folder = tempfile.mkdtemp(prefix="bench-api-")
    env = {**os.environ, "DEPOSITAIRE_DATA_DIR": folder, "DEPOSITAIRE_API_RATE": "100000000/m"}
    server = subprocess.Popen(
        [str(BIN / "depositaire"), "demo", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}/api/v1"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/openapi.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        token = ""
        for _ in range(20):  # the demo's users are created once its server answers
            made = subprocess.run(
                [str(BIN / "depositaire"), "api-token", "as.dupont", "--scope", "decide"],
                env=env,
                capture_output=True,
                text=True,
            )
            if made.returncode == 0:
                token = made.stdout.strip().splitlines()[-1]
                break
            time.sleep(1)
        assert token, "no token"
        single = f"{base}/decisions"
        batch = f"{base}/decisions:batch"
        for b in bodies:  # warm-up
            post(single, token, b)
        print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        ref_ms = statistics.median(reference) * 1000
        print(f"{'reference: in-process parse+decide':<34} median {ref_ms:.3f} ms per situation")
        for clients in (1, 4):
            count, elapsed, samples = run_for(
                args.seconds, clients, lambda i: post(single, token, bodies[i % len(bodies)])
            )
            print(line(f"POST /decisions, {clients} client(s)", count, elapsed, samples))
            print(
                f"{'':<34} median call / in-process decision: "
                f"{statistics.median(samples) * 1000 / ref_ms:,.0f}×"
            )
        for size in (100, 1000):
            items = [data[i % len(data)] for i in range(size)]
            body = json.dumps({"situations": items}, default=str).encode()
            count, elapsed, samples = run_for(
                args.seconds, 1, lambda i, body=body: post(batch, token, body)
            )
            print(line(f"POST /decisions:batch ({size})", count, elapsed, samples, per=size))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
