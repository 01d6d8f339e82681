#!/usr/bin/env python3
"""What mujod's smoothing does, measured on real recordings through mujod itself.

For each WISDM 2019 watch subject, all 18 activities are played back to back as a CSV
(`t[ns],ax,ay,az,activity`; each activity session joined with a 50 ms step) through
`mujod --sensor csv:… --verbose`. From its events:
  window accuracy    windows lying inside one activity whose best label is that activity
                     (raw: the window's own top label; smoothed: the activity span holding the
                     window's middle — an `unknown` span counts as wrong)
  changes per hour   activity changes mujod reports (consecutive spans with different labels,
                     unknown included) per hour of recording; the recordings themselves change
                     activity 17 times per subject.
Settings are chosen on TRAINING subjects (a validation split; the held-out subjects are never
used to choose), then reported on the held-out subjects with and without smoothing.

Usage: python3 scripts/measure-smoothing.py MUJOD [WISDM_ROOT] [--out FILE.json]
"""
import json
import lzma
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = {"A": "walking", "B": "jogging", "C": "stairs", "D": "sitting", "E": "standing", "F": "typing",
         "G": "brushing teeth", "H": "eating soup", "I": "eating chips", "J": "eating pasta", "K": "drinking",
         "L": "eating sandwich", "M": "kicking", "O": "playing catch", "P": "dribbling", "Q": "writing",
         "R": "clapping", "S": "folding clothes"}
HELD_OUT = (1604, 1609, 1614, 1619, 1624, 1630, 1635, 1644, 1649)   # Models/train/data.py
VALIDATION = (1600, 1601, 1602, 1603, 1605, 1606)                 # training subjects
GRID = [(1, 1), (2, 1), (3, 1), (3, 2), (5, 2), (5, 3), (8, 3)]   # (smooth, hold)


def subject_csv(root: Path, subject: int, out: Path) -> list[tuple[int, int, str]]:
    rows: dict[str, list[tuple[int, str, str, str]]] = {}
    with lzma.open(root / f"raw/watch/accel/data_{subject}_accel_watch.txt.xz", "rt") as f:
        for line in f:
            p = line.strip().rstrip(";").split(",")
            if len(p) == 6:
                rows.setdefault(p[1], []).append((int(p[2]), p[3], p[4], p[5]))
    lines, segments, clock, first = ["t[ns],ax[m/s2],ay[m/s2],az[m/s2],activity"], [], 0, True
    for code in NAMES:
        if code not in rows:
            continue
        start, last = clock, rows[code][0][0]
        for t, x, y, z in rows[code]:
            dt = t - last
            clock += (0 if first else 50_000_000) if (dt <= 0 or dt > 1_000_000_000) else dt
            first, last = False, t
            lines.append(f"{clock},{x},{y},{z},{NAMES[code]}")
        clock += 50_000_000
        segments.append((start, clock, NAMES[code]))
    out.write_text("\n".join(lines) + "\n")
    return segments


def measure(mujod: str, csv: Path, segments, smooth: int, hold: int) -> dict:
    events = [json.loads(l) for l in subprocess.run(
        [mujod, "--model", "Models/default.mujo", "--sensor", f"csv:{csv}", "--verbose", "--smooth", str(smooth),
         "--hold", str(hold), "--stats-every", "0"], check=True, capture_output=True, text=True).stdout.splitlines()]
    spans = [e for e in events if e["event"] in ("activity", "unknown")]

    def truth(a: float, b: float):
        for s, e, name in segments:
            if a >= s / 1e9 and b < e / 1e9:
                return name
        return None

    def span_at(t: float):
        for s in spans:
            if s["start_s"] <= t < s["end_s"]:
                return s.get("label")  # None for unknown
        return None

    judged = raw = smoothed = 0
    for w in (e for e in events if e["event"] == "window"):
        name = truth(w["start_s"], w["end_s"])
        if name is None:
            continue
        judged += 1
        raw += bool(w["top"]) and w["top"][0]["label"] == name
        smoothed += span_at((w["start_s"] + w["end_s"]) / 2) == name
    changes = sum(1 for a, b in zip(spans, spans[1:]) if a.get("label") != b.get("label") or a["event"] != b["event"])
    hours = (segments[-1][1] - segments[0][0]) / 3.6e12
    return {"judged": judged, "raw": raw, "smoothed": smoothed, "changes": changes, "hours": hours,
            "true_changes": len(segments) - 1}


def total(results: list[dict]) -> dict:
    t = {k: sum(r[k] for r in results) for k in ("judged", "raw", "smoothed", "changes", "hours", "true_changes")}
    return {"window_accuracy_raw": t["raw"] / t["judged"], "window_accuracy_smoothed": t["smoothed"] / t["judged"],
            "changes_per_hour": t["changes"] / t["hours"], "true_changes_per_hour": t["true_changes"] / t["hours"],
            "windows": t["judged"], "hours": t["hours"]}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--out")]
    out = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--out=")), None)
    mujod, root = args[0], Path(args[1] if len(args) > 1 else "../shared/datasets/wisdm2019")
    with tempfile.TemporaryDirectory() as tmp:
        csvs = {s: (Path(tmp) / f"{s}.csv") for s in VALIDATION + HELD_OUT}
        segs = {s: subject_csv(root, s, p) for s, p in csvs.items()}
        report = {"validation": {}, "held_out": {}}
        for smooth, hold in GRID:
            r = total([measure(mujod, csvs[s], segs[s], smooth, hold) for s in VALIDATION])
            report["validation"][f"smooth={smooth},hold={hold}"] = r
            print(f"validation smooth {smooth} hold {hold}: raw {r['window_accuracy_raw']:.4f} smoothed "
                  f"{r['window_accuracy_smoothed']:.4f}, {r['changes_per_hour']:.1f} changes/h (true {r['true_changes_per_hour']:.1f})", flush=True)
        # The choice: the best smoothed window accuracy on the validation subjects.
        best = max(GRID, key=lambda g: report["validation"][f"smooth={g[0]},hold={g[1]}"]["window_accuracy_smoothed"])
        report["chosen"] = {"smooth": best[0], "hold": best[1]}
        for smooth, hold in [(1, 1), best]:
            r = total([measure(mujod, csvs[s], segs[s], smooth, hold) for s in HELD_OUT])
            report["held_out"][f"smooth={smooth},hold={hold}"] = r
            print(f"held-out   smooth {smooth} hold {hold}: raw {r['window_accuracy_raw']:.4f} smoothed "
                  f"{r['window_accuracy_smoothed']:.4f}, {r['changes_per_hour']:.1f} changes/h (true {r['true_changes_per_hour']:.1f}), "
                  f"{r['windows']} windows, {r['hours']:.2f} h", flush=True)
    if out:
        Path(out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
