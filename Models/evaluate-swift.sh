#!/usr/bin/env bash
# Measures every model-card figure through the Swift runtime (`mujo eval`): the int8 model file
# Models/default.mujo and, beside it, the float ONNX encoder run by the same interpreter.
# Reports land in Models/default/eval/*.json; the evaluation windows are regenerated from
# ../shared/datasets into Models/.cache/eval (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
D=Models/default
E=Models/.cache/eval
OUT=$D/eval
mkdir -p "$OUT"
swift build -c release --product mujo >/dev/null
MUJO=.build/release/mujo
[ -f "$E/wisdm-test.npy" ] || python3 -m Models.export.eval_sets --out "$E"
for set in motionsense6 hapt6; do
  [ -f "$OUT/labels-$set.json" ] || python3 -m Models.export labels Models/labels/$set.txt --projection $D/text_projection.npz --out "$OUT/labels-$set.json"
done
F="--float $D/encoder.onnx"
$MUJO eval Models/default.mujo --windows $E/wisdm-test.npy --targets $E/wisdm-test.txt $F --name "WISDM held-out" --report $OUT/wisdm.json
$MUJO eval Models/default.mujo --labels $D/labels-seglearn.json --windows $E/seglearn-test.npy --targets $E/seglearn-test.txt $F --name "seglearn held-out" --report $OUT/seglearn.json
$MUJO eval Models/default.mujo --labels $OUT/labels-motionsense6.json --windows $E/motionsense.npy --targets $E/motionsense.txt $F --name "MotionSense zero-shot" --report $OUT/motionsense-zero-shot.json
$MUJO eval Models/default.mujo --labels $OUT/labels-motionsense6.json --windows $E/motionsense-query.npy --targets $E/motionsense-query.txt \
  --few-shot 1,5,10 --support-windows $E/motionsense-support.npy --support-targets $E/motionsense-support.txt --name "MotionSense few-shot" --report $OUT/motionsense-few-shot.json
$MUJO eval Models/default.mujo --labels $OUT/labels-hapt6.json --windows $E/hapt.npy --targets $E/hapt.txt $F --name "UCI-HAPT zero-shot" --report $OUT/hapt-zero-shot.json
$MUJO eval Models/default.mujo --labels $OUT/labels-hapt6.json --windows $E/hapt-query.npy --targets $E/hapt-query.txt \
  --few-shot 1,5,10 --support-windows $E/hapt-support.npy --support-targets $E/hapt-support.txt --name "UCI-HAPT few-shot" --report $OUT/hapt-few-shot.json
