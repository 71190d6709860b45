#!/bin/sh
# Minified browser bundles of the two probes; prints bytes and gzip -9 bytes of each, and the difference.
set -e
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/tfjs-solver-bundle"
mkdir -p "$out"
for e in tfjs solver; do
  npx esbuild "bench/bundle/$e-entry.ts" --bundle --minify --platform=browser --format=esm \
    --outfile="$out/$e.js" --metafile="$out/$e.meta.json" --log-level=error --external:node:*
  echo "$e: $(wc -c < "$out/$e.js") bytes minified, $(gzip -9c "$out/$e.js" | wc -c) bytes gzipped"
done
echo "difference (gzipped): $(( $(gzip -9c "$out/solver.js" | wc -c) - $(gzip -9c "$out/tfjs.js" | wc -c) )) bytes"
