#!/usr/bin/env bash
# The main job: set up, build, and start a development chain with the embedded defaults
# (one validator, Alice; JSON-RPC on ws://127.0.0.1:9944; Prometheus on 9615).
# Extra arguments go to the node, e.g. `scripts/run.sh --base-path /tmp/twin` to keep the chain.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
build_node
exec "$TWINCHAIN_BIN" --dev "$@"
