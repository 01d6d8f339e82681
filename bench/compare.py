"""The measurement of bench/compare (run that script: it makes the pinned venv and builds mujo).

Every runtime runs Models/default's encoder single-threaded, batch 1, on the same held-out windows
(the committed WISDM subject-1604 recording, a subject the model never trained on, cut at --hop),
after a warm-up. The timing is interleaved: each of --rounds rounds gives every runtime one pass over
all windows, one timed call per window (Python peers: the time of the runtime's run/invoke call;
mujo: `mujo bench --json --iterations 1`, the time of Interpreter.invoke). Reported: the median over
rounds of each pass's median, the ratio to the fastest peer int8 runtime, each runtime's agreement
with the float model (nearest label among the model's labels, and embedding cosine) on the same
windows, and the peak RSS of a separate process that loads the model and classifies 1,000 windows.
With --mujod, the table also has mujod, the board program (Embedded Swift, built for this host):
its peak RSS while it replays the committed recording, looped, as a CSV through its whole loop
(resampling, windows, classify, events) for at least 1,000 windows, and its own median classify
time from its last `stats` event (normalise, invoke, score; not interleaved with the others).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join(ROOT, "Models", "default")
RECORDING = os.path.join(ROOT, "Firmware-host", "Recordings", "wisdm2019-subject1604-excerpt.csv")
WINDOW = 100


def held_out_windows(hop: int):
    """Windows [N, 3, 100] of the committed recording and each one's majority activity."""
    rows = list(csv.reader(open(RECORDING)))[1:]
    xyz = np.array([[float(r[1]), float(r[2]), float(r[3])] for r in rows], dtype=np.float32)
    acts = [r[4] for r in rows]
    starts = range(0, len(rows) - WINDOW + 1, hop)
    windows = np.stack([xyz[s:s + WINDOW].T for s in starts]).astype(np.float32)
    targets = [Counter(acts[s:s + WINDOW]).most_common(1)[0][0] for s in starts]
    return windows, targets


def label_table():
    d = json.load(open(os.path.join(DEFAULT, "labels.json")))
    names = [l["name"] for l in d["labels"]]
    e = np.array([l["embedding"] for l in d["labels"]], dtype=np.float64)
    return names, e / np.linalg.norm(e, axis=1, keepdims=True)


# ---------------------------------------------------------------------------------- runtimes
def ort_session(path):
    import onnxruntime as ort
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
    name = s.get_inputs()[0].name
    return lambda w: s.run(None, {name: w})[0]


def ort_quantized(work, calibration, fmt, act, per_channel=True):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(calibration)

        def get_next(self):
            w = next(self.it, None)
            return None if w is None else {"imu": w[None]}

    out = os.path.join(work, f"encoder.{fmt}.{act}.onnx")
    quantize_static(os.path.join(DEFAULT, "encoder.onnx"), out, Reader(),
                    quant_format=QuantFormat.QDQ if fmt == "QDQ" else QuantFormat.QOperator,
                    per_channel=per_channel, activation_type=QuantType.QUInt8 if act == "U8S8" else QuantType.QInt8,
                    weight_type=QuantType.QInt8)
    return out


def litert_models(work, calibration):
    """(float .tflite, int8 .tflite) through litert-torch: PT2E per-channel symmetric int8."""
    import torch
    import litert_torch
    from litert_torch.quantize.pt2e_quantizer import PT2EQuantizer, get_symmetric_quantization_config
    from litert_torch.quantize.quant_config import QuantConfig
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
    sys.path.insert(0, ROOT)
    from Models.train.evaluate import load_checkpoint
    model, _ = load_checkpoint(os.path.join(DEFAULT, "checkpoint.pt"))
    enc = model.encoder.eval().export_copy().eval()
    sample = (torch.zeros(1, 3, WINDOW),)
    f32 = os.path.join(work, "encoder.float.tflite")
    litert_torch.convert(enc, sample).export(f32)
    quantizer = PT2EQuantizer().set_global(get_symmetric_quantization_config(is_per_channel=True, is_dynamic=False))
    m = prepare_pt2e(torch.export.export(enc, sample).module(), quantizer)
    with torch.no_grad():
        for w in calibration:
            m(torch.from_numpy(w[None]))
    m = convert_pt2e(m, fold_quantize=False)
    s8 = os.path.join(work, "encoder.int8.tflite")
    litert_torch.convert(m, sample, quant_config=QuantConfig(pt2e_quantizer=quantizer)).export(s8)
    return f32, s8


def litert_runner(path):
    from ai_edge_litert.interpreter import Interpreter
    it = Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    din, dout = it.get_input_details()[0], it.get_output_details()[0]
    i, o = din["index"], dout["index"]
    if din["dtype"] == np.float32:
        def run(w):
            it.set_tensor(i, w)
            it.invoke()
            return it.get_tensor(o)
        return run
    # An int8 model with int8 input and output: quantize and dequantize here (inside the timed call,
    # as mujo's Quantize/Dequantize are inside its invoke).
    (si, zi), (so, zo) = din["quantization"], dout["quantization"]

    def run_int8(w):
        it.set_tensor(i, np.clip(np.round(w / si) + zi, -128, 127).astype(np.int8))
        it.invoke()
        y = it.get_tensor(o)
        return y if dout["dtype"] == np.float32 else (y.astype(np.float32) - zo) * so
    return run_int8


def make_runner(kind, path):
    return ort_session(path) if kind == "ort" else litert_runner(path)


# ---------------------------------------------------------------------------------- measuring
def time_pass(run, windows):
    t = []
    for w in windows:
        x = w[None]
        s = time.perf_counter_ns()
        run(x)
        t.append((time.perf_counter_ns() - s) / 1e3)
    return float(np.median(t))


def mujo_pass(mujo, windows_npy, float_encoder=None, warmup=50):
    cmd = [mujo, "bench", os.path.join(ROOT, "Models", "default.mujo"), "--windows", windows_npy,
           "--iterations", "1", "--warmup", str(warmup), "--json"]
    if float_encoder:
        cmd += ["--float", float_encoder]
    r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return r["kernels"][0]["latency"]["median_us"], r


PEAK_RSS = os.path.join(ROOT, ".build", "bench-compare", "peak-rss")  # bench/peak_rss.c, built by bench/compare


def peak_rss_child(argv, stdout=subprocess.DEVNULL):
    """Peak RSS (bytes) of a fresh process running argv (through peak-rss: see bench/peak_rss.c)."""
    r = subprocess.run([PEAK_RSS] + argv, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return int(r.stderr.strip().split("\n")[-1].split()[-1])


def rss_worker(kind, path, windows_npy, count):
    """--rss-worker: load one model and classify `count` windows (cycling), nothing else."""
    windows = np.load(windows_npy)
    run = make_runner(kind, path)
    for k in range(count):
        run(windows[k % len(windows)][None])


def mujod_row(mujod, work, at_least=1000):
    """mujod's peak RSS (bytes), windows classified and p50 latency (µs), replaying the recording looped."""
    rows = list(csv.reader(open(RECORDING)))
    header, body = rows[0], rows[1:]
    t = [int(r[0]) for r in body]
    period = t[-1] + (t[-1] - t[0]) // (len(t) - 1)  # the next copy starts one sample step after the last
    copies = -(-at_least * 50 // len(body)) + 1       # hop 50 samples; each copy also loses windows at its joins
    path = os.path.join(work, "recording-looped.csv")
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for c in range(copies):
            for r, ti in zip(body, t):
                out.writerow([ti + c * period] + r[1:])
    events = os.path.join(work, "mujod-events.jsonl")
    with open(events, "w") as f:
        rss = peak_rss_child([mujod, "--model", os.path.join(ROOT, "Models", "default.mujo"), "--sensor", f"csv:{path}", "--events", "-"], f)
    stats = [json.loads(l) for l in open(events) if '"event":"stats"' in l][-1]
    if stats["windows"] < at_least:
        raise SystemExit(f"mujod classified only {stats['windows']} windows of the looped recording (wanted {at_least})")
    return rss, stats["windows"], float(stats["latency_p50_us"])


def agreement(embeddings, reference, labels):
    e = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    r = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    return float(np.mean(np.argmax(e @ labels.T, 1) == np.argmax(r @ labels.T, 1))), float(np.mean(np.sum(e * r, 1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mujo", required=True)
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 7)))
    ap.add_argument("--hop", type=int, default=int(os.environ.get("HOP", 25)))
    ap.add_argument("--mujod", help="mujod built as Embedded Swift for this host (scripts/embedded-build.sh mujod)")
    ap.add_argument("--rss-worker", nargs=4, metavar=("KIND", "MODEL", "WINDOWS", "COUNT"))
    a = ap.parse_args()
    if a.rss_worker:
        kind, path, npy, count = a.rss_worker
        return rss_worker(kind, path, npy, int(count))

    work = os.path.join(ROOT, ".build", "bench-compare")
    os.makedirs(work, exist_ok=True)
    windows, targets = held_out_windows(a.hop)
    calibration = np.load(os.path.join(DEFAULT, "calibration.npy")).astype(np.float32)
    held_npy = os.path.join(work, "held-out.npy")
    np.save(held_npy, windows)
    with open(os.path.join(work, "held-out-targets.txt"), "w") as f:
        f.write("\n".join(targets) + "\n")
    names, labels = label_table()
    float_onnx = os.path.join(DEFAULT, "encoder.onnx")

    peers = {"onnxruntime float": ("ort", float_onnx, "float32")}
    for fmt in ("QDQ", "QOperator"):
        for act in ("U8S8", "S8S8"):
            peers[f"onnxruntime int8 {fmt} {act}"] = ("ort", ort_quantized(work, calibration, fmt, act), "int8")
    notes = []
    try:
        f32, s8 = litert_models(work, calibration)
        peers["LiteRT int8 (PT2E)"] = ("litert", s8, "int8")
        peers["LiteRT float"] = ("litert", f32, "float32")
    except Exception as e:  # reported, not hidden: the table says LiteRT was not measured
        notes.append(f"LiteRT not measured: {type(e).__name__}: {e}")

    runners = {n: make_runner(k, p) for n, (k, p, _) in peers.items()}
    reference = np.concatenate([runners["onnxruntime float"](w[None]) for w in windows])
    rows = {}
    for n, run in runners.items():
        emb = np.concatenate([run(w[None]) for w in windows])
        rows[n] = {"precision": peers[n][2], "agreement": agreement(emb, reference, labels)}
        for w in windows[:50]:
            run(w[None])  # warm-up
    # mujo's agreement through its own evaluation (int8 vs the float ONNX run by the same interpreter).
    report = os.path.join(work, "mujo-eval.json")
    subprocess.run([a.mujo, "eval", os.path.join(ROOT, "Models", "default.mujo"), "--windows", held_npy, "--targets",
                    os.path.join(work, "held-out-targets.txt"), "--float", float_onnx, "--report", report],
                   check=True, capture_output=True)
    fid = json.load(open(report))["fidelity"]
    rows["mujo int8"] = {"precision": "int8", "agreement": (1 - fid["label_flips"], fid["cosine_mean"])}
    # mujo float is the float model itself run by mujo's interpreter (within 1e-5 of onnxruntime's).
    rows["mujo float"] = {"precision": "float32", "agreement": None}

    times = {n: [] for n in rows}
    for _ in range(a.rounds):
        for n, run in runners.items():
            times[n].append(time_pass(run, windows))
        times["mujo int8"].append(mujo_pass(a.mujo, held_npy)[0])
        times["mujo float"].append(mujo_pass(a.mujo, held_npy, float_onnx)[0])

    n_rss = 1000
    for n, (k, p, _) in peers.items():
        rows[n]["rss"] = peak_rss_child([sys.executable, __file__, "--mujo", a.mujo, "--rss-worker", k, p, held_npy, str(n_rss)])
    iters = str(-(-n_rss // len(windows)))
    mujo_bench = [a.mujo, "bench", os.path.join(ROOT, "Models", "default.mujo"), "--windows", held_npy, "--iterations", iters, "--warmup", "0"]
    rows["mujo int8"]["rss"] = peak_rss_child(mujo_bench)
    rows["mujo float"]["rss"] = peak_rss_child(mujo_bench + ["--float", float_onnx])

    for n in rows:
        rows[n]["median_us"] = float(np.median(times[n]))
    mujod_windows = None
    if a.mujod:
        rss, mujod_windows, p50 = mujod_row(a.mujod, work)
        rows["mujod int8 (the board program) †"] = {"precision": "int8", "agreement": rows["mujo int8"]["agreement"],
                                                     "median_us": p50, "rss": rss}
    fastest_ort = min(rows[n]["median_us"] for n in rows if n.startswith("onnxruntime int8"))
    litert = rows.get("LiteRT int8 (PT2E)", {}).get("median_us")
    fastest_peer = min(r["median_us"] for n, r in rows.items() if not n.startswith("mujo"))  # mujo and mujod
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    lines = [f"CPU: {cpu}; 1 thread, batch 1; {len(windows)} held-out windows (WISDM subject 1604, hop {a.hop}) × {a.rounds} interleaved rounds",
             "",
             "| runtime | precision | median µs | × fastest peer | label agreement with float | cosine to float | peak RSS (1,000 windows) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for n, r in sorted(rows.items(), key=lambda kv: kv[1]["median_us"]):
        ag = f"{r['agreement'][0] * 100:.1f} % | {r['agreement'][1]:.4f}" if r["agreement"] else "(the float model) | —"
        lines.append(f"| {n} | {r['precision']} | {r['median_us']:.0f} | {r['median_us'] / fastest_peer:.2f} | {ag} | {r['rss'] / 2**20:.1f} MB |")
    m = rows["mujo int8"]["median_us"]
    lines.append("")
    lines.append(f"mujo int8 / fastest onnxruntime int8: {m / fastest_ort:.2f} (target ≤ 0.5)"
                 + (f"; mujo int8 / LiteRT int8: {m / litert:.2f} (target ≤ 0.7)" if litert else ""))
    if mujod_windows:
        lines.append(f"† mujod: Embedded Swift, this host's build of the program the board runs; peak RSS while it replays the "
                     f"recording, looped, through its whole loop ({mujod_windows} windows; target ≤ 4 MB); its time is its own "
                     f"median classify (normalise, invoke, score) from its last stats event, not interleaved; the same "
                     f"interpreter, kernels and model as mujo int8, so the same agreement.")
    lines += notes
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(work, "table.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
