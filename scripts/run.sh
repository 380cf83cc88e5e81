#!/usr/bin/env bash
# The main job: set up, build, and start a development chain with the embedded defaults (one
# validator, Alice; JSON-RPC on ws://127.0.0.1:9944; Prometheus on 9615), its embedded MQTT
# broker (127.0.0.1:1883) serving the dev chain's demo factory, and the factory simulator
# (fischertechnik Training Factory 4.0 topics) on that broker, and the web app on
# http://127.0.0.1:8000/ (`WEB_PORT` to change it). Ctrl-C stops them all.
# Extra arguments go to the node, e.g. `scripts/run.sh --base-path /tmp/twin` to keep the chain.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$REPO/scripts/setup.sh"
build_node
(cd "$REPO/web" && npm run build --silent)

"$TWINCHAIN_BIN" --dev "$@" &
node_pid=$!
sim_pid=""
web_pid=""
trap 'kill $web_pid $sim_pid $node_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
	curl -sf -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
		http://127.0.0.1:9944 >/dev/null 2>&1 && break
	kill -0 "$node_pid" 2>/dev/null || { echo "run.sh: the node exited" >&2; exit 1; }
	sleep 0.5
done

"$CARGO_TARGET_DIR/release/factory-sim" --broker mqtt://127.0.0.1:1883 &
sim_pid=$!
node "$REPO/web/serve.mjs" --port "${WEB_PORT:-8000}" &
web_pid=$!

cat <<GUIDE

  Twinchain dev chain + demo factory are running.

  Web app:  http://127.0.0.1:${WEB_PORT:-8000}/  (products, factory board, tasks, actions)
  Watch:    polkadot.js apps → Development → Local Node (ws://127.0.0.1:9944)
  Order:    mosquitto_pub -p 1883 -t f/o/order -m '{"type":"RED"}'
  Trace:    twinchain provenance trace <product DID>   (the DID is in the OrderPlaced event)
  Machines: twinchain machines by-capability oven
  Readings: twinchain telemetry windows <machine DID>, then
            twinchain telemetry verify <machine DID> --start <ms> --index 0
  Faults:   mosquitto_pub -p 1883 -t sim/control -m '{"overheat":true}'   (kiln → maintenance)
            mosquitto_pub -p 1883 -t sim/control -m '{"garbage":20}'
  Metrics:  curl -s http://127.0.0.1:9615/metrics | grep twinchain_mqtt

GUIDE
wait "$node_pid"
