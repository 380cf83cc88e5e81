#!/usr/bin/env bash
# Every test: set up, build, run the Rust unit and benchmark tests, then the integration tests
# (real node processes on loopback, driven through JSON-RPC and @polkadot/api), and the code's
# habits: `cargo fmt --check`, no compiler or clippy warning in the workspace's crates (clippy
# lints them as they are built, see .cargo/config.toml, so no second build), and the layout
# rules of scripts/check-layout.sh. A broken habit counts as a failed test.
# Ends with every skipped test and why, then one line `tests: N passed, N failed, N skipped`
# (ignored Rust tests count as skipped).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# A run that cannot get as far as the tests still ends with the summary line.
abort() { echo "$1"; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
"$REPO/scripts/setup.sh" --with-browser || abort "setup failed"

cd "$REPO"

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

# Counts from a run's saved output, cargo test's (`$1`) and node's TAP report (`$2`): sets
# `passed`, `failed` and `skipped` (ignored Rust tests count as skipped).
count_tests() {
	local p f s
	# cargo: `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; …`, once per test binary.
	read -r passed failed skipped < <(grep -hE '^test result:' "$1" 2>/dev/null | awk '
		{ for (i = 2; i <= NF; i++) {
			if ($i ~ /^passed;?$/) p += $(i - 1)
			if ($i ~ /^failed;?$/) f += $(i - 1)
			if ($i ~ /^ignored;?$/) s += $(i - 1)
		} }
		END { print p + 0, f + 0, s + 0 }')
	# node: the TAP report ends with `# pass N`, `# fail N`, `# skipped N`.
	p=$(grep -E '^# pass [0-9]+$' "$2" 2>/dev/null | awk '{print $3}' | tail -1)
	f=$(grep -E '^# fail [0-9]+$' "$2" 2>/dev/null | awk '{print $3}' | tail -1)
	s=$(grep -E '^# skipped [0-9]+$' "$2" 2>/dev/null | awk '{print $3}' | tail -1)
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
}

# Every skipped test in the same output, one line each: `  name: reason`.
list_skipped() {
	# cargo: `test path::name ... ignored` or `test path::name ... ignored, <reason>`.
	grep -hE '^test .+ \.\.\. ignored(, .*)?$' "$1" 2>/dev/null | sed -E \
		-e 's/^test (.+) \.\.\. ignored, (.*)$/  \1: \2/' \
		-e 's/^test (.+) \.\.\. ignored$/  \1: (ignored, no reason given)/'
	# node: `ok N - name # SKIP <reason>`, indented 4 spaces per level below its parents'
	# `# Subtest: name` lines; a subtest is shown as `parent > name`.
	awk '
		{
			match($0, /^ */); level = int(RLENGTH / 4); line = substr($0, RLENGTH + 1)
			if (line ~ /^# Subtest: /) { parent[level] = substr(line, 12); next }
			if (line !~ /^ok [0-9]+ - / || !(at = index(line, " # SKIP"))) next
			name = substr(line, 1, at - 1); sub(/^ok [0-9]+ - /, "", name)
			reason = substr(line, at + 7); sub(/^ +/, "", reason)
			for (i = level - 1; i >= 0; i--) name = parent[i] " > " name
			gsub(/\\#/, "#", name); gsub(/\\#/, "#", reason)
			print "  " name ": " (reason == "" ? "(no reason given)" : reason)
		}' "$2" 2>/dev/null
}

echo "== build"
cargo build --release --locked --workspace 2>&1 | tee "$log/build.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || abort "the build failed"
(cd web && npm run build --silent) || abort "the web app's build failed"

echo "== cargo test (unit and benchmark tests)"
cargo test --release --locked --workspace 2>&1 | tee "$log/cargo.txt"
cargo_rc=${PIPESTATUS[0]}

echo "== integration tests (tests/*.test.mjs)"
(cd tests && node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$log/node.tap" ./*.test.mjs)
node_rc=$?

echo "== habits (formatting, warnings, layout)"
habits=0
cargo fmt --all --check >"$log/fmt.txt" 2>&1 ||
	{ habits=$((habits + 1)); echo "cargo fmt --check: not formatted (run cargo fmt):"; head -40 "$log/fmt.txt"; }
# Cargo repeats the warnings of crates it did not need to rebuild, so this sees every warning of
# the workspace's crates (dependencies' are capped) in the build and in the test build.
if grep -hE '^warning: .* generated [0-9]+ warnings?' "$log/build.txt" "$log/cargo.txt"; then
	habits=$((habits + 1)); echo "warnings: the crates above have compiler or clippy warnings"
fi
bash scripts/check-layout.sh || habits=$((habits + 1))
[ "$habits" -eq 0 ] && echo "habits: fmt, warnings and layout clean"

count_tests "$log/cargo.txt" "$log/node.tap"
failed=$((failed + habits))
if [ "$cargo_rc" -ne 0 ] || [ "$node_rc" -ne 0 ]; then
	[ "$failed" -gt 0 ] || failed=1
fi
if [ "$skipped" -gt 0 ]; then
	echo "skipped:"
	list_skipped "$log/cargo.txt" "$log/node.tap"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
