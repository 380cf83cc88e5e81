//! What the node's query RPCs (`machines_*`, `provenance_*`) and their CLIs share: DID
//! arguments, JSON-RPC error objects, and the CLI's round trip to a node.

use std::time::Duration;

use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	types::ErrorObjectOwned,
	ws_client::WsClientBuilder,
};
use pallet_did::document::{parse_did, quote};
use serde_json::Value;
use twinchain_runtime::{AccountId, Runtime};

/// The account of a `did:twin` argument, or an invalid-params error.
pub fn account_of(did: &str) -> Result<AccountId, ErrorObjectOwned> {
	parse_did::<Runtime>(did)
		.ok_or_else(|| invalid(format!("{} is not a did:twin DID", quote(did))))
}

/// JSON-RPC "invalid params" (-32602).
pub fn invalid(message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(-32602, message, None::<()>)
}

/// JSON-RPC "internal error" (-32603): the runtime API call failed.
pub fn internal(message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(-32603, message, None::<()>)
}

/// Something the chain does not know (-32001).
pub fn not_found(message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(-32001, message, None::<()>)
}

/// Calls `method` on the node at `url` (WebSocket JSON-RPC) and returns its result, or the one
/// line that says why not.
pub fn call(url: &str, method: &str, params: ArrayParams) -> Result<Value, String> {
	let runtime = tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.build()
		.map_err(|e| format!("cannot start the client: {e}"))?;
	runtime.block_on(async {
		let client = WsClientBuilder::default()
			.connection_timeout(Duration::from_secs(10))
			.build(url)
			.await
			.map_err(|e| format!("cannot connect to {url}: {e}"))?;
		client.request(method, params).await.map_err(|e| format!("{method}: {e}"))
	})
}

/// The CLI's query commands: calls `method`, prints the JSON answer, or prints one
/// `error: …` line and exits with status 1.
pub fn print_call(url: &str, method: &str, params: ArrayParams) -> sc_cli::Result<()> {
	match call(url, method, params) {
		Ok(value) => {
			println!("{}", serde_json::to_string_pretty(&value).expect("JSON serializes"));
			Ok(())
		},
		Err(e) => {
			eprintln!("error: {e}");
			std::process::exit(1)
		},
	}
}
