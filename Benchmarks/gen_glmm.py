#!/usr/bin/env python3
"""Deterministic synthetic data for the GLMM benchmark (Benchmarks/glmm.sh).

Workload c (dropout; at --scale 1: 200,000 clients in 2,000 therapists):
  columns dropout (0/1), wai (1..7, 2 decimals), phq_pre (0..27), arm (f2f/tele), therapist.
  Model: logit P(dropout) = -1 - 0.5 (wai - 5) + 0.04 (phq_pre - 14) + 0.3 tele + u_therapist (SD 0.5),
  i.e. dropout ~ wai + phq_pre + arm + (1 | therapist).
Workload d (the 1,000,000-row workload of Benchmarks/mixed.sh with a binary outcome; 2,000 therapists):
  columns dropout, x1..x10, site, modality, therapist, as gen_mixed.py's workload a, and
  logit P(dropout) = -0.5 + 0.1 (x1 - 4) - 0.1 (x2 - 4) + 0.05 (x7 - 13.5) + site + modality + u_therapist (SD 0.5),
  i.e. dropout ~ x1 + ... + x10 + site + modality + (1 | therapist).
--scale multiplies rows and therapists (smoke test: --scale 0.01). No missing values. Same seed, same bytes.
"""
import argparse
import os

import numpy as np

SITES = np.array(["hull", "leeds", "sheffield", "york"])
SITE_EFFECT = np.array([0.0, 0.3, -0.2, 0.1])
MODALITIES = np.array(["cbt", "ipt", "pdt"])
MODALITY_EFFECT = np.array([0.0, 0.2, -0.1])


def caseloads(rng, total, groups):
    """Therapist of each row: gamma-weighted caseloads, at least 2 rows each, shuffled."""
    weights = rng.gamma(2.0, 1.0, groups)
    counts = 2 + rng.multinomial(total - 2 * groups, weights / weights.sum())
    return rng.permutation(np.repeat(np.arange(groups), counts))


def write(path, columns):
    names = list(columns)
    n = len(columns[names[0]])
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        cols = [columns[k] for k in names]
        for i in range(n):
            f.write(",".join(str(c[i]) for c in cols) + "\n")
    print(path)


def workload_c(rng, scale, outdir):
    n, k = int(200_000 * scale), max(2, int(2_000 * scale))
    t = caseloads(rng, n, k)
    u = rng.normal(0, 0.5, k)
    wai = np.round(np.clip(rng.normal(5, 1, n), 1, 7), 2)
    phq = rng.integers(0, 28, n)
    tele = rng.random(n) < 0.5
    eta = -1 - 0.5 * (wai - 5) + 0.04 * (phq - 14) + 0.3 * tele + u[t]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    write(os.path.join(outdir, f"glmm_c_scale{scale}.csv"),
          {"dropout": y, "wai": [f"{v:.2f}" for v in wai], "phq_pre": phq,
           "arm": np.where(tele, "tele", "f2f"), "therapist": [f"T{v:05d}" for v in t]})


def workload_d(rng, scale, outdir):
    n, k = int(1_000_000 * scale), max(2, int(2_000 * scale))
    t = caseloads(rng, n, k)
    u = rng.normal(0, 0.5, k)
    site = rng.integers(0, 4, k)[t]
    modality = rng.integers(0, 3, n)
    x = {f"x{j}": rng.integers(1, 8, n) for j in range(1, 7)}
    x["x7"] = rng.integers(0, 28, n)
    x["x8"] = rng.integers(0, 31, k)[t]
    x["x9"] = np.round(rng.normal(0, 1, n), 2)
    x["x10"] = rng.normal(0, 1, n)
    eta = (-0.5 + 0.1 * (x["x1"] - 4) - 0.1 * (x["x2"] - 4) + 0.05 * (x["x7"] - 13.5)
           + SITE_EFFECT[site] + MODALITY_EFFECT[modality] + u[t])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    columns = {"dropout": y}
    columns.update({key: (x[key] if key != "x10" else [repr(float(v)) for v in x[key]]) for key in x})
    columns.update({"site": SITES[site], "modality": MODALITIES[modality], "therapist": [f"T{v:05d}" for v in t]})
    write(os.path.join(outdir, f"glmm_d_scale{scale}.csv"), columns)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=["c", "d", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--outdir", default="Benchmarks/data")
    a = parser.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    if a.workload in ("c", "both"):
        workload_c(np.random.default_rng(13_2026), a.scale, a.outdir)
    if a.workload in ("d", "both"):
        workload_d(np.random.default_rng(13_2027), a.scale, a.outdir)
