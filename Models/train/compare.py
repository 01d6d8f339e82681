"""Markdown tables from `evaluate --all-sets --json` files (issue 13's comparison and ablation).

    python3 -m Models.train.compare NAME=results.json [NAME=results.json ...]
"""
from __future__ import annotations

import json
import sys

SETS = [("wisdm_heldout", "WISDM held-out 18-way"), ("seglearn_heldout", "seglearn held-out 7-way"),
        ("motionsense_zeroshot", "MotionSense zero-shot 6-way"), ("hapt_zeroshot", "UCI-HAPT zero-shot 6-way"),
        ("utd_heldout_real_wrist", "UTD-MHAD real wrist, subjects 7-8, 21-way")]
STYLES = ("short", "sentence", "synonym")


def tables(runs: dict) -> str:
    out = ["| set | " + " | ".join(runs) + " |", "|---|" + "---:|" * len(runs)]
    for key, title in SETS:
        row = [f"{runs[n][key]['own']['macro_f1']:.3f}" if key in runs[n] else "–" for n in runs]
        out.append(f"| {title}, own prompts | " + " | ".join(row) + " |")
        for st in STYLES:
            if all(st in runs[n].get(key, {}) for n in runs):
                out.append(f"| … paraphrases '{st}' | " + " | ".join(f"{runs[n][key][st]['macro_f1']:.3f}" for n in runs) + " |")
        if all("paraphrase_max_drop" in runs[n].get(key, {}) for n in runs):
            out.append("| … largest drop own → paraphrase (points) | "
                       + " | ".join(f"{100 * runs[n][key]['paraphrase_max_drop']:+.1f}" for n in runs) + " |")
        for k in ("1", "3", "5", "10"):
            if all(k in runs[n].get(key, {}).get("few_shot", {}) for n in runs):
                out.append(f"| … few-shot k = {k} | " + " | ".join(
                    f"{runs[n][key]['few_shot'][k]['macro_f1']:.3f} ± {runs[n][key]['few_shot'][k]['macro_f1_sd']:.3f}"
                    for n in runs) + " |")
    return "\n".join(out)


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    runs = {}
    for a in argv:
        name, path = a.split("=", 1)
        with open(path) as f:
            runs[name] = json.load(f)
    print(tables(runs))


if __name__ == "__main__":
    main()
