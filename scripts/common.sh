# Shared settings of the scripts. Source it; do not run it.

# One target dir for every build (node, runtime, tests, CI), outside the clone, so that a fresh
# clone (CI) reuses the build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/twinchain/target}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
TWINCHAIN_BIN="${TWINCHAIN_BIN:-$CARGO_TARGET_DIR/release/twinchain}"
export TWINCHAIN_BIN

# Builds the node (and with it the runtime and pallets) in release, the one profile we use. It
# builds the whole workspace, exactly as scripts/test.sh does: building only `-p twinchain`
# would unify features differently and rebuild the runtime on every switch.
build_node() {
	(cd "$REPO" && cargo build --release --locked --workspace)
}
