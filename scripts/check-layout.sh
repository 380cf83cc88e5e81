#!/usr/bin/env bash
# Checks the code's layout rules, which a compiler does not: run by scripts/test.sh.
#   1. No pallet depends on another Twinchain pallet (normal, build or dev dependency): pallets
#      know each other only through the traits of `twinchain-primitives`; the runtime wires them.
#      A pallet's tests use the stand-ins of `pallet-test-utils` instead.
#   2. `twinchain-primitives` depends on no pallet of ours.
#   3. No source file under node/src, pallets/*/src or mqtt-offchain-worker/src is over 700 lines
#      unless its opening comment says why ("Over 700 lines because …"). Test files and the
#      generated weights.rs are exempt.
# Prints each violation and exits 1 if there is any.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

status=0
cargo metadata --format-version 1 --no-deps --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
ours = {p["name"] for p in meta["packages"] if p["manifest_path"].split("/")[-3] == "pallets"}
allowed = {"pallet-test-utils"}
bad = []
for p in meta["packages"]:
    name = p["name"]
    if name in ours or name == "twinchain-primitives":
        for d in p["dependencies"]:
            if d["name"] in ours and d["name"] not in allowed and d["name"] != name:
                kind = d["kind"] or "normal"
                dep = d["name"]
                bad.append(f"{name} depends on {dep} ({kind}): use a trait of twinchain-primitives")
for b in bad:
    print("check-layout:", b)
sys.exit(1 if bad else 0)
' || status=1

while IFS= read -r f; do
	case "$f" in
	*/tests.rs | */tests/* | */weights.rs | */mock.rs) continue ;;
	esac
	[ -f "$f" ] || continue # deleted in the working tree
	lines=$(wc -l <"$f")
	if [ "$lines" -gt 700 ] && ! head -n 40 "$f" | grep -q 'Over 700 lines because'; then
		echo "check-layout: $f has $lines lines; split it, or say why in its opening comment (\"Over 700 lines because …\")"
		status=1
	fi
done < <(git ls-files -co --exclude-standard -- 'node/src/*.rs' 'pallets/*/src/*.rs' 'mqtt-offchain-worker/src/*.rs')
exit $status
