"""Reference strings for the certification-log interop (issue 4, item 7).

Writes test/fixtures/certify-log.json: how Cohen et al.'s code (locuslab/smoothing,
code/certify.py and code/predict.py) formats radii ('{:.3}'), times (str(datetime.timedelta)) and
whole log lines, with the Python that runs this script. Run: /usr/bin/python3 scripts/make-log-fixtures.py
"""
import datetime
import json
import platform
import random

radii = [0.0, 0.5, 1.0, 7.0, 12.0, 99.9, 99.95, 100.0, 123.4, 1234.5, 0.123456, 0.9999, 0.99951,
         9.996, 2.5, 0.0001, 0.00012, 0.000123456, 1e-05, 5e-05, 1e16, 0.1, 1.05, 3.14159, 0.25, 0.7745966]
seconds = [0, 1.5, 1e-06, 0.123456, 59.999999, 3661.25, 90000.5, 200000.0]

rng = random.Random(0)
certify_lines = ["idx\tlabel\tpredict\tradius\tcorrect\ttime"]
predict_lines = ["idx\tlabel\tpredict\tcorrect\ttime"]
rows = []
for i in range(0, 50, 5):
    label = rng.randrange(10)
    prediction = label if rng.random() < 0.7 else (-1 if rng.random() < 0.5 else (label + 1) % 10)
    radius = 0.0 if prediction == -1 else rng.random() * 1.2
    correct = int(prediction == label)
    elapsed = rng.random() * 3
    time_elapsed = str(datetime.timedelta(seconds=elapsed))
    certify_lines.append("{}\t{}\t{}\t{:.3}\t{}\t{}".format(i, label, prediction, radius, correct, time_elapsed))
    predict_lines.append("{}\t{}\t{}\t{}\t{}".format(i, label, prediction, correct, time_elapsed))
    rows.append({"idx": i, "label": label, "predict": prediction, "radius": float("{:.3}".format(radius)), "correct": correct, "time": round(elapsed, 6)})

fixture = {
    "made_by": "/usr/bin/python3 scripts/make-log-fixtures.py (Python %s)" % platform.python_version(),
    "radius_format": [[r, "{:.3}".format(r)] for r in radii],
    "timedelta": [[s, str(datetime.timedelta(seconds=s))] for s in seconds],
    "certify_log": "\n".join(certify_lines) + "\n",
    "predict_log": "\n".join(predict_lines) + "\n",
    "rows": rows,
}
with open("test/fixtures/certify-log.json", "w") as f:
    json.dump(fixture, f, indent=1)
print("wrote test/fixtures/certify-log.json")
