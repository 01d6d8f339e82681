#!/usr/bin/env python3
"""Normalises a mujod event stream (JSON lines, docs/events.md) for a cross-machine comparison.

Drops the fields that legitimately differ between two machines running the same binary logic:
  latency_us                        (window events: wall time of one window)
  latency_p50_us, latency_p99_us    (stats events: wall-time percentiles)
  rss_bytes                         (stats events: resident memory of this process)
Everything else — event order, labels, scores, times on the sensor's clock, and the int8
embedding hex of every window (`--verbose --embeddings`) — must match byte for byte.
Keys are kept in their original order, values re-serialised compactly; a line that is not
JSON is kept verbatim (so a crash message still shows up in the diff).

Usage: normalize-events.py [IN.jsonl] > OUT.jsonl     (stdin when no file)
"""
import json
import sys

DROPPED = {"latency_us", "latency_p50_us", "latency_p99_us", "rss_bytes"}


def normalise(line: str) -> str:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return line.rstrip("\n")
    if isinstance(obj, dict):
        obj = {k: v for k, v in obj.items() if k not in DROPPED}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def main() -> None:
    src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    for line in src:
        if line.strip():
            print(normalise(line))


if __name__ == "__main__":
    main()
