"""Create (background) and get latency with 50 concurrent clients on loopback, against the server's own /healthz
as the reference floor measured in the same run. Prints p50/p95 and the ratios.

    .venv/bin/python bench/bench_api_latency.py [--clients 50] [--requests 20] [--workers 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import Server, free_port  # noqa: E402


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def run(clients: int, per_client: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # Workers off by default: this measures the API, not the renders competing for the same 2 cores.
        env = {"OMNIREEL_WORKERS": str(workers), "OMNIREEL_MAX_UNFINISHED_PER_TENANT": "1000000"}
        server = Server(Path(tmp) / "data", free_port(), env=env).start()
        try:
            key = server.key("bench")
            headers = {"x-goog-api-key": key}
            body = {"model": "omnireel-fake", "input": "bench", "background": True,
                    "response_format": {"type": "video", "resolution": "360p", "duration": "3s"}}
            timings = {"healthz": [], "create": [], "get": []}
            errors = []
            lock = threading.Lock()
            barrier = threading.Barrier(clients)

            def worker():
                with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
                    barrier.wait()
                    for _ in range(per_client):
                        t0 = time.perf_counter()
                        r = http.get("/healthz")
                        t1 = time.perf_counter()
                        c = http.post("/v1beta/interactions", json=body)
                        t2 = time.perf_counter()
                        if c.status_code != 200:
                            errors.append(c.status_code)
                            continue
                        g = http.get(f"/v1beta/interactions/{c.json()['id']}")
                        t3 = time.perf_counter()
                        if g.status_code != 200 or r.status_code != 200:
                            errors.append(g.status_code)
                        with lock:
                            timings["healthz"].append(t1 - t0)
                            timings["create"].append(t2 - t1)
                            timings["get"].append(t3 - t2)

            threads = [threading.Thread(target=worker) for _ in range(clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.stop()
    ref50, ref95 = pct(timings["healthz"], 0.5), pct(timings["healthz"], 0.95)
    print(f"{clients} clients x {per_client} rounds, {wall:.1f} s wall, errors: {len(errors)} {sorted(set(errors))}")
    print(f"{'endpoint':<22}{'p50 ms':>10}{'p95 ms':>10}{'p50 / healthz':>16}{'p95 / healthz':>16}")
    for name in ("healthz", "create", "get"):
        p50, p95 = pct(timings[name], 0.5), pct(timings[name], 0.95)
        print(f"{name:<22}{p50:>10.1f}{p95:>10.1f}{p50 / ref50:>16.2f}{p95 / ref95:>16.2f}")
    print(f"mean create {statistics.mean(timings['create']) * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="render workers running during the measurement")
    args = parser.parse_args()
    run(args.clients, args.requests, args.workers)
