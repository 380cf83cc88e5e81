//! The node's JSON-RPC extensions beyond the standard Substrate set: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_queryInfo`) and DID resolution
//! (`did_resolve`, see [`crate::did`]), digital-twin queries (`machines_*`, see
//! [`crate::twins`]), product provenance (`provenance_*`, see [`crate::provenance`]) and
//! telemetry (`telemetry_*`, see [`crate::telemetry`]).

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use twinchain_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The factory bridge's raw readings, if this node runs one.
	pub telemetry_proofs: Option<Arc<dyn crate::telemetry::ProofSource>>,
}

/// All RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_did::runtime_api::DidApi<Block>,
	C::Api: pallet_machines::runtime_api::MachinesApi<Block, AccountId>,
	C::Api: pallet_provenance::runtime_api::ProvenanceApi<Block, AccountId, Balance, BlockNumber>,
	C::Api: pallet_telemetry::TelemetryApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, telemetry_proofs } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(crate::did::DidRpcApiServer::into_rpc(crate::did::DidResolver::new(
		client.clone(),
	)))?;
	module.merge(crate::twins::MachinesRpcApiServer::into_rpc(crate::twins::Machines::new(
		client.clone(),
	)))?;
	module.merge(crate::provenance::ProvenanceRpcApiServer::into_rpc(
		crate::provenance::Provenance::new(client.clone()),
	))?;
	module.merge(crate::telemetry::TelemetryRpcApiServer::into_rpc(
		crate::telemetry::Telemetry::new(client, telemetry_proofs),
	))?;
	Ok(module)
}
