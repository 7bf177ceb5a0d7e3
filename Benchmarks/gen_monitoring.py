#!/usr/bin/env python3
"""Deterministic synthetic data for the monitoring benchmark (Benchmarks/monitoring.sh).

At --scale 1: 500,000 clients in 5,000 therapists and 10 services.
  sessions.csv: 5,000,000 session rows (10 sessions per client, numbered 1..10), columns client, session,
    phq (0..27, whole numbers: intake severity plus a log-session decline with client-specific level and slope)
    and srs (0..40, one decimal).
  clients.csv: one row per client, columns client, therapist, service, quarter (2024-Q1 … 2025-Q4; a full
    referral date would be refused by the identifier guard),
    phq_pre, phq_post (first and last session PHQ-9), gad_pre, gad_post, age, gender, sessions, dropout, srs.
--scale multiplies clients and therapists (a smoke test: --scale 0.001). Same seed, same numpy, same bytes.
Prints the path of each file written.
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--outdir", default="Benchmarks/data")
    args = ap.parse_args()
    rng = np.random.default_rng(20261206)
    clients = max(50, int(round(500_000 * args.scale)))
    therapists = max(5, int(round(5_000 * args.scale)))
    sessions = 10
    os.makedirs(args.outdir, exist_ok=True)

    ids = np.array([f"c{i:07d}" for i in range(1, clients + 1)])
    therapist = rng.integers(0, therapists, clients)
    t_effect = rng.normal(0, 0.8, therapists)
    intake = np.clip(np.round(rng.normal(16, 5, clients)), 0, 27)
    level = rng.normal(0, 2, clients)
    slope = -3 - 0.1 * (intake - 16) + rng.normal(0, 1, clients) + t_effect[therapist]
    s = np.arange(1, sessions + 1)
    phq = intake[:, None] + level[:, None] * (s[None, :] > 1) + slope[:, None] * np.log(s)[None, :] \
        + rng.normal(0, 2, (clients, sessions))
    phq[:, 0] = intake
    phq = np.clip(np.round(phq), 0, 27).astype(int)
    alliance = rng.normal(0, 1, clients)
    srs = np.clip(np.round(36.5 + 1.5 * alliance[:, None] + rng.normal(0, 1.2, (clients, sessions)), 1), 0, 40)

    path = os.path.join(args.outdir, f"monitoring_sessions_scale{args.scale:g}.csv")
    with open(path, "w") as f:
        f.write("client,session,phq,srs\n")
        chunk = 50_000
        for a in range(0, clients, chunk):
            b = min(clients, a + chunk)
            lines = []
            for i in range(a, b):
                cid = ids[i]
                for k in range(sessions):
                    lines.append(f"{cid},{k + 1},{phq[i, k]},{srs[i, k]:g}\n")
            f.write("".join(lines))
    print(path)

    gad_pre = np.clip(np.round(0.6 * intake * 21 / 27 + rng.normal(0, 3, clients)), 0, 21).astype(int)
    gad_post = np.clip(np.round(gad_pre * 0.6 + rng.normal(0, 3, clients)), 0, 21).astype(int)
    age = np.clip(np.round(rng.normal(38, 13, clients)), 18, 80).astype(int)
    gender = np.where(rng.random(clients) < 0.64, "female", "male")
    dropout = (rng.random(clients) < 0.2).astype(int)
    quarter = rng.integers(0, 8, clients)
    quarters = np.array([f"{2024 + q // 4}-Q{q % 4 + 1}" for q in range(8)])[quarter]
    services = np.array([f"service{k:02d}" for k in range(1, 11)])
    service = services[therapist % len(services)]
    path = os.path.join(args.outdir, f"monitoring_clients_scale{args.scale:g}.csv")
    with open(path, "w") as f:
        f.write("client,therapist,service,quarter,phq_pre,phq_post,gad_pre,gad_post,age,gender,sessions,dropout,srs\n")
        rows = [f"{ids[i]},T{therapist[i]:05d},{service[i]},{quarters[i]},{phq[i, 0]},{phq[i, -1]},{gad_pre[i]},{gad_post[i]},"
                f"{age[i]},{gender[i]},{sessions},{dropout[i]},{srs[i].mean():.2f}\n" for i in range(clients)]
        f.write("".join(rows))
    print(path)


if __name__ == "__main__":
    main()
