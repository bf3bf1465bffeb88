"""pyhf's upper limit as its API gives it by default (toms748 scan on the POI bounds,
asymptotic qtilde): observed and expected limits of a workspace."""
import json
import sys

import pyhf

ws = pyhf.Workspace(json.load(open(sys.argv[1])))
model = ws.model()
data = ws.data(model)
obs, exp = pyhf.infer.intervals.upper_limits.upper_limit(data, model, scan=None)
print(json.dumps({"obs": float(obs), "exp": [float(e) for e in exp]}))
