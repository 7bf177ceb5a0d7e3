#!/usr/bin/env python3
"""Tables for Benchmarks/mixed.sh, in Markdown on standard output.

  mixed_compare.py OUT WORKLOAD...            each tool's estimates side by side (round-1 outputs in OUT), with
                                              the relative difference from lme4, so the reader sees that the
                                              tools fit the same model
  mixed_compare.py --summary OUT WORKLOAD...  wall, CPU and peak RSS per tool from OUT/cpu_rss.txt (interleaved
                                              rounds) and alliance's hyperfine runs, with ratios to alliance

Parameter names are those mixed_r.R and mixed_statsmodels.py print; alliance's JSON (DESIGN.md §7: coefficients,
random_effects, fit.reml_criterion / fit.log_likelihood) is read into the same names here.
"""
import csv
import json
import math
import os
import re
import statistics
import sys

TOOLS = ["alliance", "r", "r2", "sm"]
LABEL = {"alliance": "alliance", "r": "R fread (default threads) + lmer", "r2": "R fread(nThread = 2) + lmer",
         "sm": "pandas + statsmodels MixedLM"}
COLUMN = {"alliance": "alliance", "r": "lme4", "r2": "lme4 (nThread = 2)", "sm": "statsmodels"}
MODEL = {
    "a": "`y ~ x1 + ... + x10 + site + modality + (1 | therapist)`; every tool fits this model.",
    "b": "`y ~ session + x1 + (1 | therapist) + (session | client)`: alliance and lme4 "
         "(statsmodels cannot correlate a client slope with a client intercept below a therapist level).",
    "b_uncorr": "`y ~ session + x1 + (1 | therapist) + (session || client)`: alliance and lme4; statsmodels "
                "fits it as MixedLM(groups = therapist, re_formula = \"1\", vc_formula = {client: "
                "\"0 + C(client)\", client_session: \"0 + C(client):session\"}).",
}
TIMING = ("seconds_read", "seconds_fit")


def group_name(group):
    # lme4 calls the second group of (x || g) "g.1"; compare by the grouping factor itself
    return re.sub(r"\.[0-9]+$", "", group)


def read_alliance(path):
    with open(path) as f:
        result = json.load(f)
    out = {}
    for c in result["coefficients"]:
        out[f"estimate {c['term']}"] = c["estimate"]
        out[f"std_error {c['term']}"] = c["std_error"]
    for r in result.get("random_effects", []):
        group = group_name(r["group"])
        if group == "Residual":
            out["variance Residual"] = r["variance"]
        elif "correlation" in r:
            out[f"correlation {group} {':'.join(r['terms'])}"] = r["correlation"]
        else:
            out[f"variance {group} {r['term']}"] = r["variance"]
    fit = result.get("fit", {})
    for key in ("reml_criterion", "log_likelihood"):
        if fit.get(key) is not None:
            out[key] = fit[key]
    return out


def read_csv(path):
    with open(path) as f:
        return {row["parameter"]: float(row["value"]) for row in csv.DictReader(f)}


def statuses(out):
    """name -> list of (status, wall s, cpu s, peak MB) over the rounds."""
    runs = {}
    path = os.path.join(out, "cpu_rss.txt")
    if not os.path.exists(path):
        return runs
    for line in open(path):
        _, name, status, user, system, kb, wall = line.split()
        h, m, s = (["0"] + wall.split(":"))[-3:]
        seconds = 3600 * int(h) + 60 * int(m) + float(s)
        runs.setdefault(name, []).append((status, seconds, float(user) + float(system), int(kb) / 1024))
    return runs


def load(out, workload, runs):
    tables = {}
    for tool in TOOLS:
        name = f"{workload}_{tool}"
        if not runs.get(name) or runs[name][0][0] != "ok":
            continue
        path = os.path.join(out, name + (".json" if tool == "alliance" else ".csv"))
        tables[tool] = read_alliance(path) if tool == "alliance" else read_csv(path)
    return tables


def warnings(path, limit=4):
    """A tool's distinct convergence messages from its round-1 standard error."""
    if not os.path.exists(path):
        return []
    found = []
    for line in open(path, errors="replace"):
        m = re.search(r"(ConvergenceWarning: .*|Model failed to converge.*|Model is nearly unidentifiable.*|"
                      r"boundary \(singular\) fit.*|converged = False.*)", line)
        if m and m.group(1).strip() not in found:
            found.append(m.group(1).strip())
    return found[:limit] + ([f"… {len(found) - limit} more"] if len(found) > limit else [])


def rel(a, b):
    if a is None or b is None:
        return None
    return abs(a - b) / abs(b) if b != 0 else abs(a - b)


def estimates(out, workloads):
    runs = statuses(out)
    print("## Estimates side by side (round 1)\n")
    for w in workloads:
        tables = load(out, w, runs)
        print(f"### Workload {w}\n\n{MODEL[w]}\n")
        failed = [t for t in TOOLS if t not in tables and f"{w}_{t}" in runs]
        for tool in failed:
            print(f"- {LABEL[tool]}: {runs[f'{w}_{tool}'][0][0]} (see {w}_{tool}.err)")
        if failed:
            print()
        if not tables:
            continue
        ref = "r" if "r" in tables else ("r2" if "r2" in tables else None)
        shown = [t for t in TOOLS if t in tables and t != "r2" or (t == "r2" and ref == "r2")]
        names = []
        for tool in [ref] + shown if ref else shown:
            names += [p for p in tables[tool] if p not in names and p not in TIMING]
        header = ["parameter"] + [COLUMN[t] for t in shown]
        others = [t for t in shown if t != ref] if ref else []
        header += [f"{COLUMN[t]} vs {COLUMN[ref]} (rel.)" for t in others]
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for p in names:
            cells = [p] + [f"{tables[t][p]:.10g}" if p in tables[t] else "—" for t in shown]
            for t in others:
                d = rel(tables[t].get(p), tables[ref].get(p))
                cells.append("—" if d is None else f"{d:.1e}")
            print("| " + " | ".join(cells) + " |")
        print()
        for t in others:
            common = [p for p in names if p in tables[t] and p in tables[ref]]
            missing = [p for p in names if p not in tables[t]]
            if common:
                worst = max(common, key=lambda p: rel(tables[t][p], tables[ref][p]))
                print(f"- {COLUMN[t]} vs {COLUMN[ref]}: largest relative difference "
                      f"{rel(tables[t][worst], tables[ref][worst]):.1e} ({worst}, {len(common)} parameters)"
                      + (f"; not reported: {', '.join(missing)}" if missing else ""))
        if ref == "r" and "r2" in tables:
            same = all(tables["r2"].get(p) == tables["r"][p] for p in names if p in tables["r"])
            print(f"- lme4 after fread(nThread = 2): {'identical estimates' if same else 'estimates differ'}")
        for t in shown:
            notes = warnings(os.path.join(out, f"{w}_{t}.err"))
            if notes:
                print(f"- {LABEL[t]} warned: " + "; ".join(notes))
        at = os.path.join(out, f"{w}_sm_at_lme4.txt")
        if "r" in tables and os.path.exists(at):
            value = float(open(at).read())
            ll = tables["r"]["log_likelihood"]
            print(f"- statsmodels' own REML log-likelihood at lme4's estimates: {value:.10g} (lme4 {ll:.10g}, "
                  f"relative difference {rel(value, ll):.1e}): "
                  + ("the same model" if rel(value, ll) < 1e-8 else "NOT the same model"))
        for t in shown:
            if all(k in tables[t] for k in TIMING):
                print(f"- {LABEL[t]}: read {tables[t]['seconds_read']:.2f} s, fit {tables[t]['seconds_fit']:.2f} s "
                      "(its own clock, round 1)")
        print()


def summary(out, workloads):
    runs = statuses(out)
    timeout = os.environ.get("TIMEOUT", "1800")
    hf = {}
    path = os.path.join(out, "hyperfine.json")
    if os.path.exists(path):
        hf = {r["command"]: r for r in json.load(open(path))["results"]}
    print("## Time and memory\n")
    print("Wall, CPU and peak RSS from interleaved rounds under /usr/bin/time -v (every tool alike); alliance "
          "also by hyperfine (1 warm-up). Ratios: tool ÷ alliance (wall, CPU), alliance ÷ tool (RSS).\n")
    print("| workload | tool | runs | wall s (median) | wall s (mean ± sd) | CPU s user+sys (median) | peak RSS MB "
          "| wall ratio (medians) | CPU ratio | RSS alliance/tool |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")

    def sd(xs):
        return statistics.stdev(xs) if len(xs) > 1 else 0.0

    for w in workloads:
        base = [r for r in runs.get(f"{w}_alliance", []) if r[0] == "ok"]
        a_wall = statistics.median(r[1] for r in base) if base else None
        a_cpu = statistics.median(r[2] for r in base) if base else None
        a_rss = max(r[3] for r in base) if base else None
        for tool in TOOLS:
            name = f"{w}_{tool}"
            if name not in runs:
                continue
            ok = [r for r in runs[name] if r[0] == "ok"]
            bad = [r for r in runs[name] if r[0] != "ok"]
            if ok:
                wall = statistics.median(r[1] for r in ok)
                mean = statistics.mean(r[1] for r in ok)
                cpu = statistics.median(r[2] for r in ok)
                rss = max(r[3] for r in ok)
                extra = "".join(f" (+{sum(r[0] == k for r in bad)} {k})" for k in ("timeout", "failed")
                                if any(r[0] == k for r in bad))
                cells = [f"{len(ok)}{extra}", f"{wall:.2f}", f"{mean:.2f} ± {sd([r[1] for r in ok]):.2f}", f"{cpu:.2f}",
                         f"{rss:.0f}",
                         f"{wall / a_wall:.1f}×" if a_wall else "—", f"{cpu / a_cpu:.1f}×" if a_cpu else "—",
                         f"{a_rss / rss:.2f}" if a_rss else "—"]
            elif bad[0][0] == "timeout":
                rss = bad[0][3]
                cells = ["1", f"> {timeout} (stopped)", "—", "—", f"≥ {rss:.0f}",
                         f"> {float(timeout) / a_wall:.0f}×" if a_wall else "—", "—",
                         f"≤ {a_rss / rss:.2f}" if a_rss else "—"]
            else:
                cells = ["0", "failed", "—", "—", "—", "—", "—", "—"]
            print(f"| {w} | {LABEL[tool]} | " + " | ".join(cells) + " |")
        if f"{w}_alliance" in hf:
            r = hf[f"{w}_alliance"]
            print(f"| {w} | alliance, hyperfine | {len(r['times'])} | {r['median']:.2f} | {r['mean']:.2f} ± {r['stddev'] or 0:.2f} "
                  "| | | | | |")
    aims(runs, workloads, float(timeout))


def aims(runs, workloads, timeout):
    """Issue 12's aims: wall >= 20x lme4 and >= 100x statsmodels, peak RSS below half of lme4's. Judged on the ratio of
    median walls (as Benchmarks/cox.sh judges issue 14's), the ratio of means shown beside it."""
    lines = []
    for w in workloads:
        base = [r for r in runs.get(f"{w}_alliance", []) if r[0] == "ok"]
        if not base:
            continue
        wall = statistics.median(r[1] for r in base)
        mean_wall = statistics.mean(r[1] for r in base)
        rss = max(r[3] for r in base)
        for tool, aim in (("r", 20), ("r2", 20), ("sm", 100)):
            peer = runs.get(f"{w}_{tool}", [])
            ok = [r for r in peer if r[0] == "ok"]
            if ok:
                ratio = statistics.median(r[1] for r in ok) / wall
                means = statistics.mean(r[1] for r in ok) / mean_wall
                text = f"{ratio:.1f}× (medians; means {means:.1f}×; aim ≥ {aim}×: {'met' if ratio >= aim else 'not met'})"
                if tool != "sm":
                    share = rss / max(r[3] for r in ok)
                    text += f", peak RSS {share:.2f} of lme4's (aim < 0.5: {'met' if share < 0.5 else 'not met'})"
            elif peer and peer[0][0] == "timeout":
                ratio = timeout / wall
                text = f"> {ratio:.0f}× (stopped at {timeout:.0f} s; aim ≥ {aim}×: " + \
                       ("met" if ratio >= aim else "undecided") + ")"
            else:
                continue
            lines.append(f"- {w}, {LABEL[tool]}: wall {text}")
    if lines:
        print("\nAims of issue 12, from the interleaved rounds:\n")
        print("\n".join(lines))


def main():
    args = sys.argv[1:]
    if args and args[0] == "--summary":
        summary(args[1], args[2:])
    elif len(args) >= 2:
        estimates(args[0], args[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
