#!/usr/bin/env python3
"""Deterministic synthetic data for the Cox benchmark (Benchmarks/cox.sh).

Workload right (at --scale 1: 1,000,000 rows): columns time, event, x1..x12. x1..x6 normal, x7..x9 0..27 totals,
x10..x12 0/1; hazard exp(0.1 x1 - 0.1 x2 + 0.05 x3 + 0.02 x7 - 0.3 x10 + ...); times rounded to 2 decimals (ties),
about 30 % censored. Workload counting (at --scale 1: 2,000,000 intervals): columns start, stop, event, wai, x1..x11:
clients with weekly intervals (start, stop] = (s - 1, s], a session-varying covariate wai, dropout as the event on the
last interval. --scale multiplies the rows. Prints the paths written; --print-paths prints them without writing.
"""
import argparse
import os

import numpy as np


def right(rng, n):
    x = np.empty((n, 12))
    x[:, 0:6] = rng.normal(0, 1, (n, 6))
    x[:, 6:9] = rng.integers(0, 28, (n, 3))
    x[:, 9:12] = rng.integers(0, 2, (n, 3))
    beta = np.array([0.1, -0.1, 0.05, 0.0, 0.03, -0.02, 0.02, -0.01, 0.0, -0.3, 0.2, 0.1])
    rate = 0.05 * np.exp(x @ beta)
    t = rng.exponential(1 / rate)
    c = rng.exponential(1 / 0.02, n)
    time = np.round(np.minimum(t, c), 2) + 0.01
    event = (t <= c).astype(int)
    cols = {"time": time, "event": event}
    for j in range(12):
        cols[f"x{j + 1}"] = x[:, j] if j < 6 else x[:, j].astype(int)
    return cols


def counting(rng, rows):
    clients = max(rows // 10, 1)
    k = rng.integers(2, 19, clients)
    level = rng.normal(45, 7, clients)
    base = rng.normal(0, 1, (clients, 11))
    idx = np.repeat(np.arange(clients), k)
    s = np.concatenate([np.arange(1, m + 1) for m in k])
    wai = np.round(level[idx] + rng.normal(0, 4, idx.size), 1)
    last = np.concatenate([np.r_[np.zeros(m - 1, int), 1] for m in k])
    p = 1 / (1 + np.exp(2.5 + 0.05 * (wai - 45)))
    event = (last * (rng.random(idx.size) < p * 3)).astype(int)
    cols = {"start": s - 1, "stop": s, "event": event, "wai": wai}
    for j in range(11):
        cols[f"x{j + 1}"] = np.round(base[idx, j], 3)
    return cols


def write(path, cols):
    names = list(cols)
    n = len(cols[names[0]])
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        arrays = [cols[c] for c in names]
        for i in range(n):
            f.write(",".join(repr(float(a[i])) if a.dtype.kind == "f" else str(a[i]) for a in arrays) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--outdir", default="Benchmarks/data")
    ap.add_argument("--print-paths", action="store_true")
    a = ap.parse_args()
    paths = [os.path.join(a.outdir, f"cox_right_scale{a.scale:g}.csv"), os.path.join(a.outdir, f"cox_counting_scale{a.scale:g}.csv")]
    if not a.print_paths:
        os.makedirs(a.outdir, exist_ok=True)
        rng = np.random.default_rng(20261206)
        write(paths[0], right(rng, int(1_000_000 * a.scale)))
        write(paths[1], counting(rng, int(2_000_000 * a.scale)))
    print("\n".join(paths))


if __name__ == "__main__":
    main()
