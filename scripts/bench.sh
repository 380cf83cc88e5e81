#!/usr/bin/env bash
# Runs Twinchain's benchmarks and records them.
#   scripts/bench.sh                          everything below, in this order
#   scripts/bench.sh weights [pallet ...]     runtime benchmarks (frame-benchmarking, wasm) of
#                                             our pallets → pallets/<pallet>/src/weights.rs, and
#                                             (pallet `runtime`) of the polkadot-sdk pallets we
#                                             charge for plus the block and extrinsic overhead →
#                                             runtime/src/weights/
#   scripts/bench.sh costs                    what each DID operation is charged (weight, fee)
#                                             beside the gas of the same ERC-1056 operation,
#                                             measured in an in-process EVM (scripts/erc1056/)
#                                             → the costs section of BENCHMARKS.md
#   scripts/bench.sh throughput [scenario ...]
#                                             the load generator (twinchain-load: transfers,
#                                             anchors, tasks) against fresh loopback nodes →
#                                             the throughput section of BENCHMARKS.md
#   scripts/bench.sh m2m                      M2M latency through mosquitto (twinchain-load
#                                             m2m: MQTT trigger → machine command → finalized
#                                             completion and settlement, commands released on
#                                             finality and on best blocks) → the m2m section
#   scripts/bench.sh ingest                   MQTT telemetry ingest through mosquitto (twinchain-load
#                                             ingest: messages per second taken and anchored, CPU
#                                             per 1,000 messages) → the ingest section
#   scripts/bench.sh scale                    state growth per product, step and window, and
#                                             provenance_trace with 10^5 products (twinchain-load
#                                             scale) → the scale section
# STEPS and REPEAT (defaults 50 and 20) set the runtime benchmarks' sampling; LOAD_ARGS passes
# options to twinchain-load (see `twinchain-load --help`), e.g. LOAD_ARGS="--seconds 30".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
build_node
cd "$REPO"

# The polkadot-sdk pallets whose weights the runtime charges from its own measurements.
RUNTIME_PALLETS=(frame_system frame_system_extensions pallet_balances pallet_transaction_payment)

weights() {
	local steps="${STEPS:-50}" repeat="${REPEAT:-20}" pallets=("$@")
	[ ${#pallets[@]} -gt 0 ] || pallets=($(ls "$REPO/pallets") runtime)
	for p in "${pallets[@]}"; do
		if [ "$p" = runtime ]; then
			for crate in "${RUNTIME_PALLETS[@]}"; do
				echo "== weights: $crate"
				"$TWINCHAIN_BIN" benchmark pallet --chain dev --pallet "$crate" --extrinsic '*' \
					--steps "$steps" --repeat "$repeat" --wasm-execution compiled \
					--output "runtime/src/weights/$crate.rs"
			done
			echo "== weights: block and extrinsic overhead"
			"$TWINCHAIN_BIN" benchmark overhead --chain dev --wasm-execution compiled \
				--weight-path runtime/src/weights
			# The generated files name sp-core and sp-weights, which the runtime reaches through
			# frame-support.
			sed -i 's/use sp_core::parameter_types;/use frame_support::parameter_types;/; s/sp_weights::/frame_support::weights::/' \
				runtime/src/weights/block_weights.rs runtime/src/weights/extrinsic_weights.rs
			continue
		fi
		[ -f "pallets/$p/src/benchmarking.rs" ] || continue # pallet-gateway has no calls
		crate="pallet_${p//-/_}"
		echo "== weights: $crate"
		"$TWINCHAIN_BIN" benchmark pallet --chain dev --pallet "$crate" --extrinsic '*' \
			--steps "$steps" --repeat "$repeat" --wasm-execution compiled \
			--template scripts/pallet-weight-template.hbs \
			--output "pallets/$p/src/weights.rs"
	done
	# The generated overhead files are not rustfmt-clean; scripts/test.sh checks formatting.
	(cd "$REPO" && cargo fmt --all)
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

# How long the blocks of each kept load-test database take to import, against the weight they
# were charged (`twinchain benchmark block` re-executes them): Markdown on standard output.
replay() {
	local dir="$1" name best
	for db in "$dir"/twinchain-load-*/db; do
		[ -d "$db" ] || continue
		name="$(basename "$(dirname "$db")")"
		best="$(grep -o 'Imported #[0-9]*' "$dir/$name.log" | tail -1 | tr -dc 0-9)"
		[ -n "$best" ] || continue
		echo "== replaying blocks 2..$best of ${name#twinchain-load-}" >&2
		"$TWINCHAIN_BIN" benchmark block --chain "$(dirname "$db")/spec.json" --base-path "$db" \
			--from 2 --to "$best" --repeat 1 2>&1 |
			python3 "$REPO/scripts/replay-summary.py" "${name#twinchain-load-}"
	done
}

# The first line of a measured section: when, at which commit, on what, by which command ($1).
stamp() {
	echo "Measured $(date -u +%Y-%m-%d) at commit $(git describe --always --dirty) on $(nproc) ×" \
		"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB," \
		"by \`scripts/bench.sh $1\`."
	echo
}

costs() {
	local out
	out="$(mktemp)"
	(cd "$REPO/scripts/erc1056" && npm ci --no-audit --no-fund --silent && node gas.mjs) >"$out.gas"
	stamp costs >"$out"
	"$CARGO_TARGET_DIR/release/twinchain-load" --node "$TWINCHAIN_BIN" --accounts 64 did \
		--erc1056 "$out.gas" --markdown "$out.md" >/dev/null
	cat "$out.md" >>"$out"
	splice costs "$out"
	rm -f "$out" "$out.gas" "$out.md"
	echo "== BENCHMARKS.md: costs section written"
}

throughput() {
	local out logs
	out="$(mktemp)"
	logs="$(mktemp -d)"
	stamp throughput >"$out"
	# shellcheck disable=SC2086
	"$CARGO_TARGET_DIR/release/twinchain-load" --node "$TWINCHAIN_BIN" ${LOAD_ARGS:-} "$@" \
		--log-dir "$logs" --keep-db --markdown "$out.load"
	cat "$out.load" >>"$out"
	replay "$logs" >>"$out"
	splice throughput "$out"
	rm -rf "$out" "$out.load" "$logs"
	echo "== BENCHMARKS.md: throughput section written"
}

# Runs twinchain-load scenario $1 (a table, not a ladder) and writes it into the $1 section.
table() {
	local out logs
	out="$(mktemp)"
	logs="$(mktemp -d)"
	stamp "$1" >"$out"
	# shellcheck disable=SC2086
	"$CARGO_TARGET_DIR/release/twinchain-load" --node "$TWINCHAIN_BIN" ${LOAD_ARGS:-} "$1" \
		--log-dir "$logs" --markdown "$out.md"
	cat "$out.md" >>"$out"
	splice "$1" "$out"
	rm -rf "$out" "$out.md" "$logs"
	echo "== BENCHMARKS.md: $1 section written"
}

case "${1:-all}" in
	weights) shift; weights "$@" ;;
	costs) costs ;;
	throughput) shift; throughput "$@" ;;
	m2m | ingest | scale) table "$1" ;;
	all) weights; costs; throughput; table m2m; table ingest; table scale ;;
	*) echo "usage: scripts/bench.sh [weights [pallet ...] | costs | throughput [scenario ...] | m2m | ingest | scale]" >&2; exit 2 ;;
esac
