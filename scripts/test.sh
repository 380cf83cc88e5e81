#!/usr/bin/env bash
# Every test: set up, build, run the Rust unit and benchmark tests, then the integration tests
# (real node processes on loopback, driven through JSON-RPC and @polkadot/api).
# Ends with one line `tests: N passed, N failed`.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh" --with-browser || exit 1
cd "$REPO"

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

echo "== build"
cargo build --release --locked --workspace || exit 1
(cd web && npm run build --silent) || exit 1

echo "== cargo test (unit and benchmark tests)"
cargo test --release --locked --workspace 2>&1 | tee "$log/cargo.txt"
cargo_rc=${PIPESTATUS[0]}

echo "== integration tests (tests/*.test.mjs)"
(cd tests && node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$log/node.tap" ./*.test.mjs)
node_rc=$?

passed=0
failed=0
while read -r p f; do
	passed=$((passed + p)); failed=$((failed + f))
done < <(grep -E '^test result:' "$log/cargo.txt" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/')
node_pass=$(grep -E '^# pass ' "$log/node.tap" | awk '{print $3}' | tail -1)
node_fail=$(grep -E '^# fail ' "$log/node.tap" | awk '{print $3}' | tail -1)
passed=$((passed + ${node_pass:-0}))
failed=$((failed + ${node_fail:-0}))
if [ "$cargo_rc" -ne 0 ] || [ "$node_rc" -ne 0 ]; then
	[ "$failed" -gt 0 ] || failed=1
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
