//! Digital-twin queries on the node: the `machines_*` JSON-RPC methods and their CLI
//! equivalents (`twinchain machines by-capability|status`). Answers come from the runtime API
//! `MachinesApi` at the best block; machines are named by their DIDs.

use std::sync::Arc;

use crate::query::{account_of, internal};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_did::document::did_of;
use pallet_machines::runtime_api::MachinesApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use twinchain_primitives::MachineStatus;
use twinchain_runtime::{opaque::Block, AccountId, Runtime};

/// A status as JSON: `"idle"`, `{"busy": <task>}`, `"maintenance"`, `"offline"`, `"retired"`.
pub fn status_json(status: &MachineStatus) -> Value {
	match status {
		MachineStatus::Idle => json!("idle"),
		MachineStatus::Busy(task) => json!({ "busy": task }),
		MachineStatus::Maintenance => json!("maintenance"),
		MachineStatus::Offline => json!("offline"),
		MachineStatus::Retired => json!("retired"),
	}
}

/// The `machines_*` methods.
#[rpc(server)]
pub trait MachinesRpcApi {
	/// The machines that can perform `capability` now (a capability backed by a valid
	/// credential, not retired), idle ones first: `[{ "machine": <did>, "status": … }]`.
	#[method(name = "machines_byCapability")]
	fn by_capability(&self, capability: String) -> RpcResult<Value>;

	/// What the machine `did` was doing at `at` (ms since the Unix epoch; omitted = now):
	/// `{ "machine", "at", "status" }`, `status` null when unknown (not registered, or older
	/// than the on-chain history).
	#[method(name = "machines_status")]
	fn status(&self, did: String, at: Option<u64>) -> RpcResult<Value>;
}

/// Serves the `machines_*` methods from a client's runtime API.
pub struct Machines<C> {
	client: Arc<C>,
}

impl<C> Machines<C> {
	/// Over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> MachinesRpcApiServer for Machines<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MachinesApi<Block, AccountId>,
{
	fn by_capability(&self, capability: String) -> RpcResult<Value> {
		let best = self.client.info().best_hash;
		let found = self
			.client
			.runtime_api()
			.by_capability(best, capability.into_bytes())
			.map_err(|e| internal(format!("MachinesApi_by_capability: {e}")))?;
		Ok(Value::Array(
			found
				.iter()
				.map(|(m, s)| json!({ "machine": did_of::<Runtime>(m), "status": status_json(s) }))
				.collect(),
		))
	}

	fn status(&self, did: String, at: Option<u64>) -> RpcResult<Value> {
		let machine = account_of(&did)?;
		let best = self.client.info().best_hash;
		let status = self
			.client
			.runtime_api()
			.status_at(best, machine, at)
			.map_err(|e| internal(format!("MachinesApi_status_at: {e}")))?;
		Ok(json!({
			"machine": did,
			"at": at,
			"status": status.as_ref().map(status_json),
		}))
	}
}

/// `twinchain machines …`: asks a node and prints the JSON answer.
pub fn machines_cmd(cmd: &crate::cli::MachinesCmd) -> sc_cli::Result<()> {
	use jsonrpsee::rpc_params;
	let (url, method, params) = match cmd {
		crate::cli::MachinesCmd::ByCapability { capability, url } => {
			(url, "machines_byCapability", rpc_params![capability])
		},
		crate::cli::MachinesCmd::Status { did, at, url } => {
			(url, "machines_status", rpc_params![did, at.map(|s| s * 1000)])
		},
	};
	crate::query::print_call(url, method, params)
}
