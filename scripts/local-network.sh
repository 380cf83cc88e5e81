#!/usr/bin/env bash
# Starts the `local` consortium on loopback: factory-a (Alice), factory-b (Bob) and supplier-a
# (Charlie), each with its own base path and ports. Ctrl-C stops all three cleanly.
#   factory-a:  RPC ws://127.0.0.1:9944  p2p 30333  Prometheus 9615
#   factory-b:  RPC ws://127.0.0.1:9945  p2p 30334  Prometheus 9616
#   supplier-a: RPC ws://127.0.0.1:9946  p2p 30335  Prometheus 9617
# The node keys below are development keys, public like Alice's: never use them for real.
# Options: --chain SPEC (default: local), --base DIR (default: /tmp/twinchain-local),
# --purge (start from genesis).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

chain=local
base=/tmp/twinchain-local
purge=0
while [ $# -gt 0 ]; do
	case "$1" in
		--chain) chain="$2"; shift 2 ;;
		--base) base="$2"; shift 2 ;;
		--purge) purge=1; shift ;;
		-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
		*) echo "local-network.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

[ -x "$TWINCHAIN_BIN" ] || { "$REPO/scripts/setup.sh"; build_node; }
[ "$purge" -eq 0 ] || rm -rf "$base"

names=(factory-a factory-b supplier-a)
seeds=(alice bob charlie)
keys=(1cba511a659d55dd7c5156094d74dda99bf3160f93fec56404257964e994da3d
	b2499bdf0131a713169953559f365693f8978ef00d283edfd222af02447babaa
	cd76e4cd9e5c458aeee4fd84a99fe5be86ada21051724b2e74778b4630d6573c)
peers=(12D3KooWATnFCJBwQHbXqkV5aBgjsQHyQzkyUqaNidpdyjMSj4ad
	12D3KooWAVCugpA7MCBLapCLdn1FxBCTdPBFQBGDn86iyZJU9NRx
	12D3KooWANvcULtz3CX5EewZVkfHZXranKHotomxtb9AzqjBDHMn)

pids=()
stopping=0
stop_all() {
	stopping=1
	trap - INT TERM
	echo "local-network.sh: stopping"
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait
	echo "local-network.sh: stopped"
}
trap stop_all INT TERM

for i in 0 1 2; do
	boot=()
	for j in 0 1 2; do
		[ "$i" -eq "$j" ] || boot+=(--bootnodes "/ip4/127.0.0.1/tcp/$((30333 + j))/p2p/${peers[$j]}")
	done
	mkdir -p "$base/${names[$i]}"
	"$TWINCHAIN_BIN" --chain "$chain" --"${seeds[$i]}" --name "${names[$i]}" \
		--base-path "$base/${names[$i]}" --node-key "${keys[$i]}" \
		--port $((30333 + i)) --rpc-port $((9944 + i)) --prometheus-port $((9615 + i)) \
		--rpc-cors all "${boot[@]}" >"$base/${names[$i]}.log" 2>&1 &
	pids+=($!)
	echo "local-network.sh: ${names[$i]} (pid $!) RPC ws://127.0.0.1:$((9944 + i)), log $base/${names[$i]}.log"
done
# Runs until Ctrl-C, or until a node dies (then the others are stopped too).
wait -n "${pids[@]}" || true
[ "$stopping" -eq 1 ] && exit 0
echo "local-network.sh: a node exited; see the logs in $base" >&2
stop_all
exit 1
