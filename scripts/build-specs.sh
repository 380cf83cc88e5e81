#!/usr/bin/env bash
# Regenerates the committed chain specs in chain-spec/ from the runtime's presets.
# Only when genesis changes: the spec test ignores the wasm blob's bytes. Each file carries the
# whole runtime (~9.5 MB of hex); every regeneration adds ~76 MB to a submission's diffs, and a
# submission may carry at most 256 MiB. Regenerate once, at the end of the work that changed
# genesis.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -x "$TWINCHAIN_BIN" ] || build_node
for chain in dev local; do
	"$TWINCHAIN_BIN" build-spec --chain "$chain" --disable-default-bootnode 2>/dev/null >"$REPO/chain-spec/$chain.json"
	"$TWINCHAIN_BIN" build-spec --chain "$chain" --raw --disable-default-bootnode 2>/dev/null >"$REPO/chain-spec/$chain-raw.json"
done
ls -l "$REPO/chain-spec"
