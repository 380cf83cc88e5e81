#!/usr/bin/env bash
# Runs Twinchain's benchmarks and records them.
#   scripts/bench.sh                          everything below, in this order
#   scripts/bench.sh weights [pallet ...]     runtime benchmarks (frame-benchmarking, wasm) of
#                                             our pallets → pallets/<pallet>/src/weights.rs
#   scripts/bench.sh throughput [scenario ...]
#                                             the load generator (twinchain-load: transfers,
#                                             anchors, tasks) against fresh loopback nodes →
#                                             the throughput section of BENCHMARKS.md
# STEPS and REPEAT (defaults 50 and 20) set the runtime benchmarks' sampling; LOAD_ARGS passes
# options to twinchain-load (see `twinchain-load --help`), e.g. LOAD_ARGS="--seconds 30".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
build_node
cd "$REPO"

weights() {
	local steps="${STEPS:-50}" repeat="${REPEAT:-20}" pallets=("$@")
	[ ${#pallets[@]} -gt 0 ] || pallets=($(ls "$REPO/pallets"))
	for p in "${pallets[@]}"; do
		[ -f "pallets/$p/src/benchmarking.rs" ] || continue # pallet-gateway has no calls
		crate="pallet_${p//-/_}"
		echo "== weights: $crate"
		"$TWINCHAIN_BIN" benchmark pallet --chain dev --pallet "$crate" --extrinsic '*' \
			--steps "$steps" --repeat "$repeat" --wasm-execution compiled \
			--template scripts/pallet-weight-template.hbs \
			--output "pallets/$p/src/weights.rs"
	done
}

# Replaces the text between `<!-- $1:begin -->` and `<!-- $1:end -->` in BENCHMARKS.md with
# the file $2.
splice() {
	python3 - "$1" "$2" <<'PY'
import sys
name, path = sys.argv[1], sys.argv[2]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
doc = open("BENCHMARKS.md").read()
if begin not in doc or end not in doc:
    sys.exit(f"BENCHMARKS.md has no {begin} … {end} section")
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open("BENCHMARKS.md", "w").write(head + begin + "\n" + open(path).read().rstrip() + "\n" + end + tail)
PY
}

throughput() {
	local out
	out="$(mktemp)"
	{
		echo "Measured $(date -u +%Y-%m-%d) at commit $(git describe --always --dirty) on $(nproc) ×" \
			"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB," \
			"by \`scripts/bench.sh throughput\`."
		echo
	} >"$out"
	# shellcheck disable=SC2086
	"$CARGO_TARGET_DIR/release/twinchain-load" --node "$TWINCHAIN_BIN" ${LOAD_ARGS:-} "$@" \
		--markdown "$out.load"
	cat "$out.load" >>"$out"
	splice throughput "$out"
	rm -f "$out" "$out.load"
	echo "== BENCHMARKS.md: throughput section written"
}

case "${1:-all}" in
	weights) shift; weights "$@" ;;
	throughput) shift; throughput "$@" ;;
	all) weights; throughput ;;
	*) echo "usage: scripts/bench.sh [weights [pallet ...] | throughput [scenario ...]]" >&2; exit 2 ;;
esac
