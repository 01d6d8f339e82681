#!/usr/bin/env bash
# Regenerates Sources/MuJoONNX/Generated/onnx.pb.swift, the Swift form of ONNX's protobuf schema.
# The generated file is committed; run this only to move to another ONNX or swift-protobuf version.
#
#   onnx.proto       from the `onnx` PyPI package, version ONNX_VERSION below (onnx/onnx.proto)
#   protoc           Debian's protobuf-compiler (apt-get install protobuf-compiler; 3.21.12 used)
#   protoc-gen-swift built once from swift-protobuf SWIFT_PROTOBUF_VERSION with its own scratch path
set -euo pipefail
ONNX_VERSION=1.23.2
SWIFT_PROTOBUF_VERSION=1.39.0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/mujo-onnx-proto}"
mkdir -p "$WORK"

command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }

# 1. onnx.proto from the pinned onnx wheel (no import of onnx needed).
if [ ! -f "$WORK/onnx.proto" ]; then
    python3 -m pip download --no-deps "onnx==$ONNX_VERSION" -d "$WORK/wheel" -q
    python3 - "$WORK" <<'PY'
import glob, sys, zipfile
work = sys.argv[1]
whl = glob.glob(f"{work}/wheel/onnx-*.whl")[0]
with zipfile.ZipFile(whl) as z:
    open(f"{work}/onnx.proto", "wb").write(z.read("onnx/onnx.proto"))
PY
fi

# 2. protoc-gen-swift from the swift-protobuf package the manifest resolves.
if [ ! -x "$WORK/plugin-build/debug/protoc-gen-swift" ]; then
    SRC="$WORK/swift-protobuf"
    [ -d "$SRC" ] || git clone -q --branch "$SWIFT_PROTOBUF_VERSION" https://github.com/apple/swift-protobuf "$SRC"
    (cd "$SRC" && swift build --product protoc-gen-swift --scratch-path "$WORK/plugin-build")
fi

# 3. Generate (internal visibility: only MuJoONNX sees the ONNX types).
protoc --plugin=protoc-gen-swift="$WORK/plugin-build/debug/protoc-gen-swift" \
    --proto_path="$WORK" --swift_opt=Visibility=Internal \
    --swift_out="$ROOT/Sources/MuJoONNX/Generated" "$WORK/onnx.proto"
echo "wrote Sources/MuJoONNX/Generated/onnx.pb.swift (onnx $ONNX_VERSION, swift-protobuf $SWIFT_PROTOBUF_VERSION)"
