#!/usr/bin/env python3
"""Deterministic synthetic clinic CSV for the CSV-reader benchmark (Benchmarks/csv.sh).

15 columns: client ids (c0000001 ...), therapist T01..T40, site, session number, six integer
alliance items (1..7), PHQ-9 pre/post totals (0..27), a seven-decimal change score, and two
full-precision decimals; about 1 in 50 cells of some columns are missing (empty or NA).
Same seed, same bytes: `python3 gen_csv.py --rows 1000000 --out data/clinic_1m.csv`.
"""
import argparse
import random

SITES = ["central_leeds", "east_hull", "north_york", "south_sheffield", "west_bradford"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    header = ["client_id", "therapist", "site", "session"] + [f"wai_{i}" for i in range(1, 7)] + [
        "phq_pre", "phq_post", "gad_change", "alliance_mean", "outcome_z"]
    with open(args.out, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        lines = []
        for r in range(1, args.rows + 1):
            items = [rng.randint(1, 7) for _ in range(6)]
            phq_pre = rng.randint(5, 27)
            phq_post = "" if rng.random() < 0.02 else str(max(0, phq_pre - rng.randint(-3, 12)))
            gad = "NA" if rng.random() < 0.02 else f"{rng.gauss(-3.0, 4.0):.7f}"
            alliance_mean = repr(sum(items) / 6 + rng.random() / 100)
            outcome_z = repr(rng.gauss(0.0, 1.0))
            row = [f"c{r:07d}", f"T{rng.randint(1, 40):02d}", rng.choice(SITES), str(rng.randint(1, 24))]
            row += [str(x) for x in items]
            row += [str(phq_pre), phq_post, gad, alliance_mean, outcome_z]
            lines.append(",".join(row))
            if len(lines) == 10_000:
                f.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
