#!/usr/bin/env python3
"""Deterministic synthetic data for the mixed-model benchmark (Benchmarks/mixed.sh).

Workload a (therapist effects; at --scale 1: 1,000,000 client rows, 2,000 therapists):
  columns y, x1..x10, site, modality, therapist.
  x1..x6 are 1..7 item scores, x7 a 0..27 total, x8 the therapist's years of experience (0..30, constant
  within therapist), x9 has 2 decimals, x10 is full precision; site (4 levels, one per therapist) and
  modality (3 levels, per row) are text. Caseloads vary (gamma-weighted multinomial, at least 2 rows each).
  Model: y = fixed part + u_therapist (SD 0.7) + e (SD 3), i.e. y ~ x1 + ... + x10 + site + modality
  + (1 | therapist); the therapist share of the residual variance is about 5 %.
Workload b (sessions; at --scale 1: 200,000 session rows, 20,000 clients in 500 therapists):
  columns y, session, x1, client, therapist; rows sorted by client then session, clients in random
  therapist order. Clients have 3 + multinomial sessions (mean 10), numbered 1..n; x1 is a session-level
  alliance score with 2 decimals (client mean + session noise).
  Model: y = 15 - 0.4 session - 0.8 (x1 - 4.5) + u_therapist (SD 1.2) + b0_client (SD 3)
  + b1_client * session (SD 0.25, correlation(b0, b1) = -0.4) + e (SD 2),
  i.e. y ~ session + x1 + (1 | therapist) + (session | client), clients nested in therapists with codes
  unique across therapists.

--scale multiplies rows, therapists and clients alike (a smoke test: --scale 0.01). No missing values, so
every tool uses every row. Numbers are written in shortest round-trip form. Same seed, same numpy, same
bytes:  python3 Benchmarks/gen_mixed.py --workload both --scale 1 --outdir Benchmarks/data
Prints the path of each file written; --print-paths prints them without writing.
"""
import argparse
import os

import numpy as np

SITES = np.array(["hull", "leeds", "sheffield", "york"])
SITE_EFFECT = np.array([0.0, 0.5, -0.3, 0.2])
MODALITIES = np.array(["cbt", "ipt", "pdt"])
MODALITY_EFFECT = np.array([0.0, 0.3, -0.2])


def sizes(rng, total, groups, minimum, concentration):
    """Group sizes summing to total, each >= minimum, gamma(concentration)-weighted (unequal caseloads)."""
    if groups * minimum > total:
        raise SystemExit(f"cannot give {groups} groups at least {minimum} of {total} rows: raise --scale")
    weights = rng.gamma(concentration, 1.0, groups)
    return minimum + rng.multinomial(total - groups * minimum, weights / weights.sum())


def shortest(values):
    """Shortest round-trip decimal strings (Python's repr), as every tool reads back the same double."""
    return [repr(v) for v in values.tolist()]


def write_csv(path, header, columns):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        rows = len(columns[0])
        for start in range(0, rows, 50_000):
            chunk = [c[start:start + 50_000] for c in columns]
            f.write("".join(",".join(cells) + "\n" for cells in zip(*chunk)))
    os.replace(tmp, path)


def workload_a(scale, seed, path):
    rng = np.random.default_rng([seed, 1])
    n, k = round(1_000_000 * scale), round(2_000 * scale)
    counts = sizes(rng, n, k, 2, 4.0)
    therapist = np.repeat(np.arange(k), counts)
    rng.shuffle(therapist)  # rows in no particular therapist order
    site_of = rng.integers(0, len(SITES), k)
    experience_of = rng.integers(0, 31, k)
    u = rng.normal(0.0, 0.7, k)
    items = rng.integers(1, 8, (6, n))
    x7 = rng.integers(0, 28, n)
    x8 = experience_of[therapist]
    x9 = np.round(rng.normal(50.0, 10.0, n), 2)
    x10 = rng.normal(0.0, 1.0, n)
    site = site_of[therapist]
    modality = rng.integers(0, len(MODALITIES), n)
    beta = np.array([0.30, -0.20, 0.15, 0.10, -0.05, 0.25])
    eta = ((beta[:, None] * (items - 4)).sum(axis=0) + 0.04 * (x7 - 13.5) + 0.03 * (x8 - 15)
           + 0.02 * (x9 - 50) + 0.3 * x10 + SITE_EFFECT[site] + MODALITY_EFFECT[modality])
    y = 10.0 + eta + u[therapist] + rng.normal(0.0, 3.0, n)
    codes = np.array([f"T{i + 1:04d}" for i in range(k)])
    header = ["y"] + [f"x{i}" for i in range(1, 11)] + ["site", "modality", "therapist"]
    columns = [shortest(y)] + [list(map(str, items[i].tolist())) for i in range(6)]
    columns += [list(map(str, x7.tolist())), list(map(str, x8.tolist())), [f"{v:.2f}" for v in x9.tolist()],
                shortest(x10), SITES[site].tolist(), MODALITIES[modality].tolist(), codes[therapist].tolist()]
    write_csv(path, header, columns)


def workload_b(scale, seed, path):
    rng = np.random.default_rng([seed, 2])
    n, m, k = round(200_000 * scale), round(20_000 * scale), round(500 * scale)
    per_therapist = sizes(rng, m, k, 2, 4.0)
    therapist_of = np.repeat(np.arange(k), per_therapist)
    rng.shuffle(therapist_of)  # client c sees therapist_of[c]
    sessions = sizes(rng, n, m, 3, 50.0)
    client = np.repeat(np.arange(m), sessions)
    starts = np.repeat(np.cumsum(sessions) - sessions, sessions)
    session = np.arange(n) - starts + 1
    u = rng.normal(0.0, 1.2, k)
    sd0, sd1, rho = 3.0, 0.25, -0.4
    z = rng.normal(0.0, 1.0, (2, m))
    b0 = sd0 * z[0]
    b1 = sd1 * (rho * z[0] + np.sqrt(1.0 - rho * rho) * z[1])
    alliance_of = rng.normal(0.0, 0.6, m)
    x1 = np.round(4.5 + alliance_of[client] + rng.normal(0.0, 0.5, n), 2)
    therapist = therapist_of[client]
    y = (15.0 - 0.4 * session - 0.8 * (x1 - 4.5) + u[therapist] + b0[client] + b1[client] * session
         + rng.normal(0.0, 2.0, n))
    client_codes = np.array([f"c{i + 1:06d}" for i in range(m)])
    therapist_codes = np.array([f"T{i + 1:04d}" for i in range(k)])
    write_csv(path, ["y", "session", "x1", "client", "therapist"],
              [shortest(y), list(map(str, session.tolist())), [f"{v:.2f}" for v in x1.tolist()],
               client_codes[client].tolist(), therapist_codes[therapist].tolist()])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=["a", "b", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--outdir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--print-paths", action="store_true", help="print the file names only")
    args = parser.parse_args()
    if not 0 < args.scale <= 10:
        raise SystemExit("--scale must be in (0, 10]")
    jobs = {"a": (workload_a, 1_000_000), "b": (workload_b, 200_000)}
    for name in (["a", "b"] if args.workload == "both" else [args.workload]):
        make, rows = jobs[name]
        path = os.path.join(args.outdir, f"mixed_{name}_{round(rows * args.scale)}.csv")
        if not args.print_paths:
            os.makedirs(args.outdir, exist_ok=True)
            make(args.scale, args.seed, path)
        print(path)


if __name__ == "__main__":
    main()
