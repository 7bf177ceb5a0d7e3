#!/usr/bin/env python3
"""lifelines CoxPHFitter from CSV (pandas), Efron ties (lifelines' only method): cox_lifelines.py FILE WORKLOAD"""
import sys

import pandas as pd
from lifelines import CoxPHFitter, CoxTimeVaryingFitter

d = pd.read_csv(sys.argv[1])
if sys.argv[2] == "right":
    fit = CoxPHFitter().fit(d, duration_col="time", event_col="event")
else:
    d["id"] = range(len(d))  # intervals as their own subjects: the same partial likelihood as coxph's (start, stop]
    fit = CoxTimeVaryingFitter().fit(d, id_col="id", start_col="start", stop_col="stop", event_col="event")
for name, b, se in zip(fit.params_.index, fit.params_.values, fit.standard_errors_.values):
    print(f"{name},{b:.10g},{se:.10g}")
