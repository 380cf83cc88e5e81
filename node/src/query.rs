//! What the node's query RPCs (`machines_*`, `provenance_*`) and their CLIs share: DID
//! arguments, JSON-RPC error objects, and the CLI's round trip to a node.

use std::time::Duration;

use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	types::ErrorObjectOwned,
	ws_client::WsClientBuilder,
};
use pallet_did::document::parse_did;
use serde_json::Value;
use twinchain_primitives::text::quote;
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

/// Why a CLI's call to a node failed; its text is the one line the CLI prints.
#[derive(Debug)]
pub enum CallError {
	/// The client's runtime could not start.
	Runtime(std::io::Error),
	/// The node at `url` could not be reached.
	Connect { url: String, error: jsonrpsee::core::ClientError },
	/// The node answered `method` with an error (or the call failed on the way).
	Call { method: String, error: jsonrpsee::core::ClientError },
}

impl std::fmt::Display for CallError {
	fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
		match self {
			Self::Runtime(e) => write!(f, "cannot start the client: {e}"),
			Self::Connect { url, error } => write!(f, "cannot connect to {url}: {error}"),
			Self::Call { method, error } => write!(f, "{method}: {error}"),
		}
	}
}

impl std::error::Error for CallError {
	fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
		match self {
			Self::Runtime(e) => Some(e),
			Self::Connect { error, .. } | Self::Call { error, .. } => Some(error),
		}
	}
}

/// Calls `method` on the node at `url` (WebSocket JSON-RPC) and returns its result.
pub fn call(url: &str, method: &str, params: ArrayParams) -> Result<Value, CallError> {
	let runtime = tokio::runtime::Builder::new_current_thread()
		.enable_all()
		.build()
		.map_err(CallError::Runtime)?;
	runtime.block_on(async {
		let client = WsClientBuilder::default()
			.connection_timeout(Duration::from_secs(10))
			.build(url)
			.await
			.map_err(|error| CallError::Connect { url: url.to_string(), error })?;
		client
			.request(method, params)
			.await
			.map_err(|error| CallError::Call { method: method.to_string(), error })
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
