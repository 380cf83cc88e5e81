#!/usr/bin/env bash
# Reliability runs too long for scripts/test.sh (RELIABILITY.md):
#   scripts/soak.sh                 all of the below
#   scripts/soak.sh fuzz [target ...]
#     every cargo-fuzz target in fuzz/ (MQTT payloads, factory configurations, VC-JWTs, DIDs)
#     for FUZZ_SECONDS each (default 300), on the corpora kept in fuzz/corpus/<target>/ (new
#     interesting inputs are added there; commit them);
#   scripts/soak.sh import
#     SIGKILL during a heavy import (tests/soak/heavy-import.test.mjs): blocks full of transfers
#     from the load generator, imported by a fresh node that is killed three times (≈ 5 min).
#   scripts/soak.sh try-runtime
#     the runtime built natively with its `try-runtime` feature (a second build of the runtime
#     and of the FRAME crates, ≈ 15 min cold): the runtime's tests, among them every pallet's
#     `try_state` invariants at both presets' genesis and after the storage migrations.
# Needs the nightly toolchain and cargo-fuzz; installs them when missing. A crash stops the
# script: libFuzzer's input is in fuzz/artifacts/<target>/ (reproduce with
# `cargo +nightly fuzz run <target> <file>`). Prints a Markdown table: target, seconds, inputs
# tried, corpus size, coverage.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
mode="${1:-all}"
case "$mode" in
fuzz | import | try-runtime) shift ;;
all) ;;
*) mode=fuzz ;; # target names alone, as before
esac

if [ "$mode" = all ] || [ "$mode" = try-runtime ]; then
	echo "== soak: the runtime with try-runtime (every pallet's try_state)" >&2
	# Natively only: the wasm runtime is not needed for these tests, and a try-runtime wasm
	# would be a third runtime build.
	(cd "$REPO" && SKIP_WASM_BUILD=1 cargo test --release --locked -p twinchain-runtime \
		--features try-runtime -- --include-ignored)
	[ "$mode" = try-runtime ] && exit 0
fi

if [ "$mode" = all ] || [ "$mode" = import ]; then
	echo "== soak: SIGKILL during a heavy import" >&2
	build_node
	(cd "$REPO/tests" && node --test --test-reporter=spec soak/heavy-import.test.mjs)
	[ "$mode" = import ] && exit 0
fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
SECONDS_EACH="${FUZZ_SECONDS:-300}"
# Fuzz builds (nightly, sanitizers) live beside the main build, in the one target directory.
FUZZ_TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
cd "$REPO/fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
# The repository's clippy-driver wrapper (.cargo/config.toml) is for the stable build; the
# nightly toolchain has no clippy installed, and the fuzz build needs no lints.
export RUSTC_WORKSPACE_WRAPPER=
cargo +nightly fuzz build --target-dir "$FUZZ_TARGET_DIR" >&2
rows=()
for t in "${targets[@]}"; do
	mkdir -p "corpus/$t"
	echo "== fuzz: $t for ${SECONDS_EACH} s" >&2
	cargo +nightly fuzz run --target-dir "$FUZZ_TARGET_DIR" "$t" "corpus/$t" -- \
		-max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -max_len=16384 -print_final_stats=1 \
		2>"$logs/$t.log" || { tail -40 "$logs/$t.log" >&2; echo "fuzz target $t failed" >&2; exit 1; }
	runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$t.log" | grep -o '[0-9]*$' | tail -1)"
	cov="$(grep -o 'cov: [0-9]*' "$logs/$t.log" | tail -1 | grep -o '[0-9]*')"
	rows+=("| \`$t\` | $SECONDS_EACH | $runs | $(ls "corpus/$t" | wc -l) | $cov |")
done
echo "| target | seconds | inputs tried | corpus | coverage (edges) |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
