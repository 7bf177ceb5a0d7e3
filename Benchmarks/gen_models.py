#!/usr/bin/env python3
"""Deterministic synthetic data for the model benchmark (Benchmarks/models.sh).

Columns: y (continuous outcome, full precision), yb (0/1 outcome for logit), x1..x12 predictors and a
3-level site factor. x1..x6 are 1..7 item scores, x7 a 0..27 total, x8 an age 18..80 (integers);
x9 has 2 decimals, x10 3 decimals, x11 and x12 are full-precision (shortest round-trip) decimals.
No missing values, so all three tools use every row. Both outcomes depend on every predictor and on site.
Same seed, same bytes (stdlib `random` only): `python3 gen_models.py --rows 1000000 --out data/models_1m.csv`.
"""
import argparse
import math
import random

SITES = ["hull", "leeds", "york"]
SITE_EFFECT = {"hull": 0.0, "leeds": 0.4, "york": -0.3}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    header = ["y", "yb"] + [f"x{i}" for i in range(1, 13)] + ["site"]
    items_beta = [0.30, -0.20, 0.15, 0.10, -0.05, 0.25]
    with open(args.out, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        lines = []
        for _ in range(args.rows):
            items = [rng.randint(1, 7) for _ in range(6)]
            x7 = rng.randint(0, 27)
            x8 = rng.randint(18, 80)
            x9 = round(rng.gauss(50.0, 10.0), 2)
            x10 = round(rng.uniform(0.0, 1.0), 3)
            x11 = rng.gauss(0.0, 1.0)
            x12 = rng.lognormvariate(0.0, 0.5)
            site = rng.choice(SITES)
            eta = (sum(b * (v - 4) for b, v in zip(items_beta, items)) + 0.04 * (x7 - 13.5)
                   - 0.01 * (x8 - 49) + 0.02 * (x9 - 50) + 0.5 * (x10 - 0.5) + 0.3 * x11
                   - 0.2 * (x12 - 1.1) + SITE_EFFECT[site])
            y = 10.0 + 2.0 * eta + rng.gauss(0.0, 3.0)
            yb = 1 if rng.random() < 1.0 / (1.0 + math.exp(-(eta - 0.2))) else 0
            row = [repr(y), str(yb)] + [str(v) for v in items]
            row += [str(x7), str(x8), f"{x9:.2f}", f"{x10:.3f}", repr(x11), repr(x12), site]
            lines.append(",".join(row))
            if len(lines) == 10_000:
                f.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
