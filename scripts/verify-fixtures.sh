#!/usr/bin/env bash
# Every committed fixture model (or every model in $MODELS), as a user would run it: inspect's
# coverage, then `prune --ratio 0.3 --verify`, then whether onnxruntime loads what was written.
# One line per model. Usage: [MODELS=DIR] scripts/verify-fixtures.sh [OUT_DIR]   (needs `npm run build`)
set -u
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
for f in "${MODELS:-fixtures/models}"/*.onnx; do
  n=$(basename "$f" .onnx)
  cov=$(node bin/pruneguard.js inspect "$f" --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      try { console.log(Number(JSON.parse(s).coverage.analysedPercent).toFixed(1)); } catch { console.log("?"); }
    });')
  timeout 300 node bin/pruneguard.js prune "$f" --ratio 0.3 --verify -o "$out/$n.onnx" > "$out/$n.log" 2>&1
  rc=$?
  verdict=$(grep -E "^verify|nothing|pruneguard prune" "$out/$n.log" | head -1 | cut -c1-100)
  loads=-
  [ -f "$out/$n.onnx" ] && loads=$(node -e '
    require("onnxruntime-node").InferenceSession.create(process.argv[1]).then(
      () => console.log("loads"), () => console.log("REFUSED"));' "$out/$n.onnx")
  echo "$n analysed=$cov% exit=$rc $loads :: $verdict"
done
