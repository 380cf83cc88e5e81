//! The runtime APIs the node and clients call.

use super::*;
use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};

#[cfg(feature = "runtime-benchmarks")]
frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_collective, Council]
	[pallet_membership, CouncilMembership]
	[pallet_validator_set, ValidatorSet]
	[pallet_actors, Actors]
	[pallet_did, Did]
	[pallet_credentials, Credentials]
	[pallet_machines, Machines]
	[pallet_provenance, Provenance]
	[pallet_tasks, Tasks]
	[pallet_telemetry, Telemetry]
);

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		/// Equivocations are not reported on chain: validators are known organisations and
		/// misbehaviour is handled by the consortium removing the validator.
		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: pallet_grandpa::AuthorityId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::{
				extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
			};

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, AllPalletsWithSystem::storage_info())
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkBatch};
			use frame_support::traits::WhitelistedStorageKeys;
			use frame_system_benchmarking::{
				extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
			};
			use sp_storage::TrackedStorageKey;

			impl frame_system_benchmarking::Config for Runtime {}
			impl pallet_transaction_payment::BenchmarkConfig for Runtime {}
			impl frame_benchmarking::baseline::Config for Runtime {}

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl pallet_did::runtime_api::DidApi<Block> for Runtime {
		fn resolve(did: Vec<u8>, key_format: pallet_did::KeyFormat) -> Vec<u8> {
			pallet_did::document::resolve_json::<Runtime>(&did, key_format)
		}

		fn attribute(
			did: Vec<u8>,
			name: Vec<u8>,
		) -> Option<(pallet_did::AttributeValue, pallet_did::Validity)> {
			pallet_did::document::attribute::<Runtime>(&did, &name)
		}
	}

	impl pallet_actors::runtime_api::ActorsApi<Block, AccountId, BlockNumber> for Runtime {
		fn actor(who: AccountId) -> Option<pallet_actors::Actor<AccountId, BlockNumber>> {
			pallet_actors::ActorRecords::<Runtime>::get(who)
		}
	}

	impl pallet_credentials::runtime_api::CredentialsApi<Block, AccountId> for Runtime {
		fn credential(
			digest: twinchain_primitives::Digest,
		) -> Option<(Vec<u8>, pallet_credentials::CredentialStatus)> {
			use codec::Encode;
			let record = pallet_credentials::Anchors::<Runtime>::get(digest)?;
			let status = Credentials::status(&digest)?;
			Some((record.encode(), status))
		}

		fn schema(id: pallet_credentials::SchemaId) -> Option<(Vec<u8>, Vec<u8>)> {
			pallet_credentials::Schemas::<Runtime>::get(id)
				.map(|s| (s.name.into_inner(), s.body.into_inner()))
		}

		fn status_list(issuer: AccountId, suspension: bool) -> Vec<u8> {
			let purpose = if suspension {
				pallet_credentials::StatusPurpose::Suspension
			} else {
				pallet_credentials::StatusPurpose::Revocation
			};
			pallet_credentials::StatusLists::<Runtime>::get(issuer, purpose).into_inner()
		}
	}

	impl pallet_machines::runtime_api::MachinesApi<Block, AccountId> for Runtime {
		fn by_capability(capability: Vec<u8>) -> Vec<(AccountId, twinchain_primitives::MachineStatus)> {
			Machines::by_capability(&capability)
		}

		fn status_at(
			machine: AccountId,
			time: Option<twinchain_primitives::Moment>,
		) -> Option<twinchain_primitives::MachineStatus> {
			match time {
				Some(t) => Machines::status_at(&machine, t),
				None => pallet_machines::MachineRecords::<Runtime>::get(&machine).map(|m| m.status),
			}
		}
	}

	impl pallet_provenance::runtime_api::ProvenanceApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn trace(
			product: AccountId,
			from: u32,
			limit: u32,
		) -> Option<pallet_provenance::Trace<AccountId, Balance, BlockNumber>> {
			Provenance::trace(&product, from, limit)
		}

		fn products_by_machine(
			machine: AccountId,
			from: twinchain_primitives::Moment,
			to: twinchain_primitives::Moment,
			after: Option<(twinchain_primitives::Moment, AccountId, u32)>,
			limit: u32,
		) -> Vec<pallet_provenance::MachineStep<AccountId>> {
			Provenance::products_by_machine(&machine, from, to, after, limit)
		}

		fn product_by_tag(tag: Vec<u8>) -> Option<AccountId> {
			let tag = twinchain_primitives::TagId::try_from(tag).ok()?;
			pallet_provenance::ProductByTag::<Runtime>::get(tag)
		}

		fn lot_products(
			lot: twinchain_primitives::LotId,
			after: Option<AccountId>,
			limit: u32,
		) -> Option<Vec<AccountId>> {
			Provenance::lot_products(lot, after, limit)
		}
	}

	impl pallet_telemetry::TelemetryApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn window(
			machine: AccountId,
			start: twinchain_primitives::Moment,
		) -> Option<pallet_telemetry::Window<AccountId, BlockNumber>> {
			Telemetry::window(&machine, start)
		}

		fn windows(
			machine: AccountId,
			from: twinchain_primitives::Moment,
			limit: u32,
		) -> Vec<(twinchain_primitives::Moment, pallet_telemetry::Window<AccountId, BlockNumber>)> {
			Telemetry::windows_from(&machine, from, limit)
		}

		fn rules(machine: AccountId) -> Vec<pallet_telemetry::Rule<AccountId, Balance>> {
			pallet_telemetry::Rules::<Runtime>::get(&machine).into_inner()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
