#!/usr/bin/env python3
"""How often mujod's signal checks (Sources/MuJoDevice/SignalCheck.swift) fire on real data.

Every WISDM 2019 watch subject's 18 activities are played back to back through
`mujod --sensor csv:… --verbose` (the CSV built as scripts/measure-smoothing.py builds it) and
its events counted: windows classified (`window` lines) and windows refused (`signal` spans), by
problem. The limits in SignalCheck.swift were set from the training subjects' signal
statistics; this reports both the training subjects and the 9 held-out ones, where every
refused window is a false alarm (the data are real, working watches).

Usage: python3 scripts/measure-signal-checks.py MUJOD [WISDM_ROOT] [--out=FILE.json] [--subjects=1600,1601]
"""
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_spec = importlib.util.spec_from_file_location("smoothing", Path(__file__).with_name("measure-smoothing.py"))
smoothing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(smoothing)


def count(mujod: str, csv: Path) -> dict:
    out = subprocess.run([mujod, "--model", "Models/default.mujo", "--sensor", f"csv:{csv}", "--verbose",
                          "--stats-every", "0"], check=True, capture_output=True, text=True).stdout
    result = {"windows": 0, "refused": 0, "by_problem": {}}
    for line in out.splitlines():
        e = json.loads(line)
        if e["event"] == "window":
            result["windows"] += 1
        elif e["event"] == "signal":
            result["refused"] += e["windows"]
            result["by_problem"][e["problem"]] = result["by_problem"].get(e["problem"], 0) + e["windows"]
    return result


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    mujod, root = args[0], Path(args[1] if len(args) > 1 else "../shared/datasets/wisdm2019")
    subjects = sorted(int(p.name.split("_")[1]) for p in (root / "raw/watch/accel").glob("data_*_accel_watch.txt.xz"))
    if "subjects" in opts:
        subjects = [int(s) for s in opts["subjects"].split(",")]
    report = {"training": {"windows": 0, "refused": 0, "by_problem": {}}, "held_out": {"windows": 0, "refused": 0, "by_problem": {}},
              "subjects": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for s in subjects:
            csv = Path(tmp) / f"{s}.csv"
            smoothing.subject_csv(root, s, csv)
            r = count(mujod, csv)
            csv.unlink()
            report["subjects"][str(s)] = r
            part = report["held_out" if s in smoothing.HELD_OUT else "training"]
            part["windows"] += r["windows"]
            part["refused"] += r["refused"]
            for k, v in r["by_problem"].items():
                part["by_problem"][k] = part["by_problem"].get(k, 0) + v
            print(f"{s}: {r['windows']} windows classified, {r['refused']} refused {r['by_problem'] or ''}", flush=True)
    for part in ("training", "held_out"):
        p = report[part]
        print(f"{part}: {p['windows']} classified, {p['refused']} refused {p['by_problem'] or ''}")
    if "out" in opts:
        tmpname = opts["out"] + ".tmp"
        Path(tmpname).write_text(json.dumps(report, indent=2) + "\n")
        Path(tmpname).replace(opts["out"])


if __name__ == "__main__":
    main()
