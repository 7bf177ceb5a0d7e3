#!/usr/bin/env python3
"""Python side of Benchmarks/models.sh: pandas.read_csv, statsmodels formula OLS or Logit, then the
coefficient table (estimate, std error, statistic, p) at full precision as CSV on standard output.
Usage: python3 models_statsmodels.py ols|logit data.csv
"""
import sys

import pandas as pd
import statsmodels.formula.api as smf

RHS = " + ".join([f"x{i}" for i in range(1, 13)] + ["site"])


def main():
    model, path = sys.argv[1], sys.argv[2]
    data = pd.read_csv(path)
    if model == "ols":
        res = smf.ols("y ~ " + RHS, data=data).fit()
    elif model == "logit":
        res = smf.logit("yb ~ " + RHS, data=data).fit(disp=0)
    else:
        sys.exit("model must be ols or logit")
    table = pd.DataFrame({"estimate": res.params, "std_error": res.bse,
                          "statistic": res.tvalues, "p_value": res.pvalues})
    table.index.name = "term"
    sys.stdout.write(table.to_csv(float_format="%.17g"))


if __name__ == "__main__":
    main()
