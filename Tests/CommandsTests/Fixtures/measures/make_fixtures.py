"""Writes the small CSV fixtures for the measures commands (score, reliability, change).

Deterministic: a fixed linear congruential generator, so re-running gives the same bytes.
Run from this directory: python3 make_fixtures.py
"""

state = 20261121


def draw(lo, hi):
    """Next integer in lo..hi from a 31-bit LCG (no dependence on Python's random module)."""
    global state
    state = (1103515245 * state + 12345) % 2**31
    return lo + (state >> 8) % (hi - lo + 1)


def field(v):
    """RFC 4180: quote a field holding a comma or quote; None is an empty (missing) field."""
    text = "" if v is None else str(v)
    return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text) else text


def write(name, header, rows):
    with open(name, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(field(v) for v in row) + "\n")


# items.csv: 16 clients, PHQ-9 items (0-3) and WAI-SR items (1-5) driven by one latent level each, so that
# the items correlate as real scale items do.
header = ["site"] + [f"phq_{i}" for i in range(1, 10)] + [f"wai_{i}" for i in range(1, 13)] + ["note"]
rows = []
for r in range(16):
    severity = draw(0, 3)
    alliance = draw(1, 5)
    phq = [max(0, min(3, severity + draw(-1, 1))) for _ in range(9)]
    wai = [max(1, min(5, alliance + draw(-1, 1))) for _ in range(12)]
    site = "north" if r % 2 == 0 else "south"
    note = "=SUM(A1)" if r == 0 else ("a, b" if r == 1 else "")
    rows.append([site] + phq + wai + [note])
rows[3][1 + 4] = None      # phq_5 missing on data row 4 (file line 5): no PHQ-9 total (no prorating)
rows[5][1 + 9 + 2] = None  # wai_3 missing on data row 6 (file line 7): no WAI-SR total, no bond subscale
write("items.csv", header, rows)

# items_invalid.csv: the same layout with out-of-range PHQ-9 values on lines 3 (phq_3 = 4) and 6 (phq_7 = 1.5).
bad = [list(r) for r in rows[:6]]
bad[1][1 + 2] = 4
bad[4][1 + 6] = 1.5
write("items_invalid.csv", header, bad)

# change.csv: hand-designed pre/post pairs reaching every Jacobson-Truax category and every NHS Talking
# Therapies branch (expected counts are worked out in MeasuresChangeCommandTests.swift).
header = ["phq_pre", "phq_post", "gad_pre", "gad_post", "sessions_attended"]
rows = [
    [20, 8, 12, 5, 6],
    [15, 9, 9, 8, 4],
    [22, 14, 15, 10, 8],
    [12, 11, 6, 6, 3],
    [8, 16, 5, 4, 5],
    [10, 5, 7, 3, 2],
    [9, 2, 4, 2, 1],
    [18, 18, 10, 15, 6],
    [14, None, 9, 6, 5],
    [11, 17, 8, 3, 7],
    [13, 7.4, 8, 7, None],
]
write("change.csv", header, rows)

# srs.csv: Session Rating Scale items (0-10, decimals allowed); totals 36.5, 35.5, 40, 33.
header = ["srs_1", "srs_2", "srs_3", "srs_4"]
rows = [
    [9.5, 9.0, 9.2, 8.8],
    [8.0, 9.0, 9.0, 9.5],
    [10, 10, 10, 10],
    [7.5, 8, 8.5, 9],
]
write("srs.csv", header, rows)
