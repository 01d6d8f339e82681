#!/usr/bin/env python3
"""Checks a mujod event stream (JSON lines on stdin) against docs/events.md: every line parses,
has v=1 and a known event type with exactly the documented fields; `start` first, `stop` last;
the final `stats` counts every `window` line. Prints a one-line summary; exit 1 on any problem.
Usage: mujod … --verbose | python3 scripts/check-events.py [--min-windows N]"""
import json
import sys

NUMBER, INTEGER, STRING = (int, float), int, str
SCHEMA = {
    "start": {"model": STRING, "labels": list, "sensor": STRING, "rate_hz": NUMBER, "model_rate_hz": NUMBER,
              "window_samples": INTEGER, "hop_samples": INTEGER},
    "window": {"start_s": NUMBER, "end_s": NUMBER, "top": list, "latency_us": INTEGER},
    "activity": {"label": STRING, "start_s": NUMBER, "end_s": NUMBER, "mean_score": NUMBER, "windows": INTEGER},
    "unknown": {"start_s": NUMBER, "end_s": NUMBER, "best_score": NUMBER, "windows": INTEGER},
    "gap": {"reason": STRING, "start_s": NUMBER, "end_s": NUMBER, "samples_lost": INTEGER},
    "signal": {"problem": STRING, "start_s": NUMBER, "end_s": NUMBER, "windows": INTEGER},
    "sensor_error": {"message": STRING},
    "stats": {"windows": INTEGER, "latency_p50_us": INTEGER, "latency_p99_us": INTEGER, "samples": INTEGER,
              "gaps": INTEGER, "samples_lost": INTEGER, "sensor_s": NUMBER, "rss_bytes": INTEGER,
              "event_readers_dropped": INTEGER},
    "stop": {"reason": STRING},
}
OPTIONAL = {"window": {"embedding": STRING}}


def main() -> int:
    minimum = int(sys.argv[sys.argv.index("--min-windows") + 1]) if "--min-windows" in sys.argv else 1
    problems, events = [], []
    for n, line in enumerate(sys.stdin, 1):
        try:
            e = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {n} is not JSON: {error}")
            continue
        events.append(e)
        kind = e.get("event")
        fields = SCHEMA.get(kind)
        if e.get("v") != 1 or fields is None:
            problems.append(f"line {n}: unknown version or event: {line.strip()}")
            continue
        allowed = {**fields, **OPTIONAL.get(kind, {})}
        for key in set(e) - {"v", "event"} - set(allowed):
            problems.append(f"line {n}: {kind} has an undocumented field {key}")
        for key, kind_of in fields.items():
            if key not in e or not isinstance(e[key], kind_of) or isinstance(e[key], bool):
                problems.append(f"line {n}: {kind}.{key} missing or of the wrong type")
    kinds = [e.get("event") for e in events]
    windows = kinds.count("window")
    if not kinds or kinds[0] != "start" or kinds[-1] != "stop":
        problems.append("the stream must start with start and end with stop")
    stats = [e for e in events if e.get("event") == "stats"]
    if not stats or stats[-1]["windows"] != windows:
        problems.append(f"the last stats does not count the {windows} windows")
    if windows < minimum:
        problems.append(f"{windows} windows, fewer than {minimum}")
    for p in problems[:20]:
        print(p)
    print(f"events checked: {len(events)} lines, {windows} windows, {kinds.count('activity')} activities, "
          f"{kinds.count('gap')} gaps; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
