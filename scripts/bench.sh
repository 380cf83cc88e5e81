#!/usr/bin/env bash
# Runs the runtime benchmarks of our pallets and writes their weights.rs files.
#   scripts/bench.sh                 every pallet of ours
#   scripts/bench.sh validator-set   one pallet (its folder name under pallets/)
# STEPS and REPEAT (defaults 50 and 20) can be set in the environment.
# The printed summaries are what BENCHMARKS.md reports.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
build_node

steps="${STEPS:-50}"
repeat="${REPEAT:-20}"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=($(ls "$REPO/pallets"))
cd "$REPO"
for p in "${pallets[@]}"; do
	crate="pallet_${p//-/_}"
	echo "== $crate"
	"$TWINCHAIN_BIN" benchmark pallet --chain dev --pallet "$crate" --extrinsic '*' \
		--steps "$steps" --repeat "$repeat" --wasm-execution compiled \
		--template scripts/pallet-weight-template.hbs \
		--output "pallets/$p/src/weights.rs"
done
