#!/usr/bin/env bash
# Installs what building and testing Twinchain needs, and only what is missing. Idempotent.
#   - apt: clang, libclang-dev, protobuf-compiler (the C parts), mosquitto and mosquitto-clients
#     (the MQTT tests' broker, publisher and subscriber), iproute2 (the network fault test);
#     Node.js and npm only if absent (machines that have Node.js 20 keep it);
#   - rustup: the wasm targets and rust-src for the runtime, clippy and rustfmt;
#   - npm: the integration tests' packages (tests/package-lock.json), the web app's
#     (web/package-lock.json) and the ERC-1056 gas measurement's (scripts/erc1056/);
#   - with --with-browser (scripts/test.sh): Debian's chromium, for the web app's tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

fail() { echo "setup.sh: $*" >&2; exit 1; }

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang*.so >/dev/null 2>&1 || need_apt+=(libclang-dev)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_sub >/dev/null || need_apt+=(mosquitto-clients)
# tests/16-network.test.mjs cuts a node off in a network namespace (`ip netns`).
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || need_apt+=(iproute2)
# The web app's end-to-end tests drive Debian's chromium (scripts/test.sh asks for it).
if [ "${1:-}" = "--with-browser" ]; then
	command -v chromium >/dev/null || need_apt+=(chromium)
fi
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
	echo "setup.sh: installing ${need_apt[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq || fail "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null ||
		fail "could not install ${need_apt[*]} with apt-get"
fi

command -v cargo >/dev/null || fail "no Rust toolchain (cargo) on PATH; install rustup first"
command -v rustup >/dev/null || fail "rustup is needed to add the wasm targets"
installed_targets="$(cd "$REPO" && rustup target list --installed)"
for t in wasm32v1-none wasm32-unknown-unknown; do
	grep -qx "$t" <<<"$installed_targets" || (cd "$REPO" && rustup target add "$t") ||
		fail "could not add the rust target $t"
done
installed_components="$(cd "$REPO" && rustup component list --installed)"
# rust-src for the wasm runtime; clippy (clippy-driver compiles the workspace's crates, see
# .cargo/config.toml) and rustfmt (scripts/test.sh checks the formatting).
for c in rust-src clippy rustfmt; do
	grep -q "^$c" <<<"$installed_components" || (cd "$REPO" && rustup component add "$c") ||
		fail "could not add the rust component $c"
done

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js >= 20 is needed for the integration tests (found $(node --version))"
# The npm packages of the integration tests, the web app and the ERC-1056 gas measurement,
# each installed again only when its lock file changed.
for dir in tests web scripts/erc1056; do
	lock="$REPO/$dir/package-lock.json"
	stamp="$REPO/$dir/node_modules/.twinchain-lock"
	if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
		echo "setup.sh: installing the npm packages of $dir/"
		(cd "$REPO/$dir" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed in $dir/"
		cp "$lock" "$stamp"
	fi
done
echo "setup.sh: all set (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
