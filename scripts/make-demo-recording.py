#!/usr/bin/env python3
"""Cuts the demo's committed recording from WISDM 2019 (Firmware-host/Recordings/README.md).

Subject 1604 (held out from the default model's training), watch accelerometer, activities
A B C D E F P R (walking, jogging, stairs, sitting, standing, typing, dribbling, clapping):
30 s of each after skipping its first 20 s, played back to back. The clock is the demo's: each
row advances it by the recording's own step, and a step <= 0 or > 1 s (between sessions) by
50 ms; an activity ends 50 ms after its last row. Values are copied as they are (m/s²).

Usage: python3 scripts/make-demo-recording.py [WISDM_ROOT] [OUT.csv]
"""
import lzma
import sys
from pathlib import Path

ACTIVITIES = {"A": "walking", "B": "jogging", "C": "stairs", "D": "sitting", "E": "standing",
              "F": "typing", "P": "dribbling", "R": "clapping"}
CODES, SECONDS, SKIP = "ABCDEFPR", 30, 20


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/wisdm2019")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv")
    rows: dict[str, list[tuple[int, str, str, str]]] = {}
    with lzma.open(root / "raw/watch/accel/data_1604_accel_watch.txt.xz", "rt") as f:
        for line in f:
            parts = line.strip().rstrip(";").split(",")
            if len(parts) != 6:
                continue
            rows.setdefault(parts[1], []).append((int(parts[2]), parts[3], parts[4], parts[5]))
    lines = ["t[ns],ax[m/s2],ay[m/s2],az[m/s2],activity"]
    clock, first = 0, True
    for code in CODES:
        all_rows = rows[code]
        t0 = all_rows[0][0]
        part = [r for r in all_rows if SKIP * 1e9 <= r[0] - t0 < (SKIP + SECONDS) * 1e9]
        last = part[0][0]
        for t, x, y, z in part:
            dt = t - last
            clock += (0 if first else 50_000_000) if (dt <= 0 or dt > 1_000_000_000) else dt
            first = False
            last = t
            lines.append(f"{clock},{x},{y},{z},{ACTIVITIES[code]}")
        clock += 50_000_000
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(out)
    print(f"{out}: {len(lines) - 1} rows, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
