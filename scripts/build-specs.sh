#!/usr/bin/env bash
# Regenerates the committed chain specs in chain-spec/ from the runtime's presets.
# Only needed when genesis changes: the spec test ignores the wasm blob's bytes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x "$TWINCHAIN_BIN" ] || build_node
for chain in dev local; do
	"$TWINCHAIN_BIN" build-spec --chain "$chain" 2>/dev/null >"$REPO/chain-spec/$chain.json"
	"$TWINCHAIN_BIN" build-spec --chain "$chain" --raw 2>/dev/null >"$REPO/chain-spec/$chain-raw.json"
done
ls -l "$REPO/chain-spec"
