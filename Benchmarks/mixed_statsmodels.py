#!/usr/bin/env python3
"""Python side of Benchmarks/mixed.sh: pandas.read_csv, statsmodels MixedLM with its default settings
(REML, its default optimizer sequence), then the estimates as CSV `parameter,value` at full precision on
standard output, in the names mixed.sh compares across tools (see mixed_r.R).

MixedLM has one grouping factor (`groups`) with correlated random effects inside it (`re_formula`), and
independent variance components nested in it (`vc_formula`), each a single variance times an identity.
So what it fits:
  a        groups = therapist, intercept only:                lme4's  (1 | therapist)
  b_uncorr groups = therapist, re_formula "1" (therapist intercept),
           vc_formula client = "0 + C(client)" (a client intercept) and
           client_session = "0 + C(client):session" (a client slope for session, independent of it):
                                                              lme4's  (1 | therapist) + (session || client)
The correlated client slope of workload b, `(1 | therapist) + (session | client)`, is not expressible:
`re_formula = "~session"` correlates effects only within the single `groups` factor, and grouping by client
would drop the therapist level. statsmodels therefore runs b_uncorr, which alliance and lme4 also fit.

Names: cov_re's intercept -> variance therapist (Intercept); vcomp client -> variance client (Intercept);
vcomp client_session -> variance client session; scale -> variance Residual; llf (REML log-likelihood) ->
log_likelihood, -2 llf -> reml_criterion; fixed effects Intercept -> (Intercept), site[T.leeds] -> site[leeds].
Usage: python3 mixed_statsmodels.py a|b_uncorr data.csv
       python3 mixed_statsmodels.py a|b_uncorr data.csv --loglike-at lme4.csv
The second form (not timed) prints MixedLM's own REML log-likelihood at lme4's estimates (mixed_r.R's
output): equal to lme4's logLik when the two specify the same model, whatever MixedLM's optimizer finds.
"""
import re
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.regression.mixed_linear_model import MixedLMParams

FIXED = {"a": "y ~ " + " + ".join([f"x{i}" for i in range(1, 11)] + ["site", "modality"]),
         "b_uncorr": "y ~ session + x1"}
VC = {"client": "0 + C(client)", "client_session": "0 + C(client):session"}
VC_NAMES = {"client": "variance client (Intercept)", "client_session": "variance client session"}


def term_name(term):
    if term == "Intercept":
        return "(Intercept)"
    return re.sub(r"\[T\.([^]]+)\]", r"[\1]", term)


def make_model(workload, data):
    if workload == "a":
        return smf.mixedlm(FIXED[workload], data, groups="therapist")
    return smf.mixedlm(FIXED[workload], data, groups="therapist", re_formula="1", vc_formula=VC)


def loglike_at(model, path):
    """MixedLM's REML log-likelihood at lme4's fixed effects and variances (given relative to the residual
    variance, as MixedLM parameterises them)."""
    with open(path) as f:
        lme4 = dict(line.strip().rsplit(",", 1) for line in f.readlines()[1:])
    lme4 = {k: float(v) for k, v in lme4.items()}
    fe = [lme4[f"estimate {term_name(t)}"] for t in model.exog_names]
    s2 = lme4["variance Residual"]
    params = MixedLMParams.from_components(
        np.array(fe), cov_re=np.array([[lme4["variance therapist (Intercept)"] / s2]]),
        vcomp=np.array([lme4[VC_NAMES[name]] / s2 for name in model.exog_vc.names]))
    model.reml, model.cov_pen, model.fe_pen = True, None, None  # what fit() sets before it optimises
    return model.loglike(params, profile_fe=False)


def main():
    args = sys.argv[1:]
    if len(args) not in (2, 4) or args[0] not in FIXED or (len(args) == 4 and args[2] != "--loglike-at"):
        sys.exit("usage: mixed_statsmodels.py a|b_uncorr data.csv [--loglike-at lme4.csv]")
    workload, path = args[0], args[1]
    t0 = time.perf_counter()
    data = pd.read_csv(path)
    t1 = time.perf_counter()
    model = make_model(workload, data)
    if len(args) == 4:
        print(repr(float(loglike_at(model, args[3]))))
        return
    res = model.fit()
    t2 = time.perf_counter()
    rows = [(f"estimate {term_name(t)}", v) for t, v in res.fe_params.items()]
    rows += [(f"std_error {term_name(t)}", v) for t, v in res.bse_fe.items()]
    if res.cov_re.shape != (1, 1):
        sys.exit(f"unexpected random-effects covariance {res.cov_re}")
    rows.append(("variance therapist (Intercept)", res.cov_re.iloc[0, 0]))
    for name, value in zip(model.exog_vc.names, res.vcomp):
        rows.append((VC_NAMES[name], value))
    rows += [("variance Residual", res.scale), ("reml_criterion", -2.0 * res.llf), ("log_likelihood", res.llf),
             ("seconds_read", t1 - t0), ("seconds_fit", t2 - t1)]
    if not res.converged:
        print("statsmodels: MixedLM reports converged = False", file=sys.stderr)
    sys.stdout.write("parameter,value\n" + "".join(f"{p},{float(v)!r}\n" for p, v in rows))


if __name__ == "__main__":
    main()
