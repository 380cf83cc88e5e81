//! # Twinchain runtime
//!
//! The FRAME runtime of Twinchain, a permissioned proof-of-authority chain for factories.
//! This file composes the runtime: its types, version and pallets. Each pallet's `Config` lives
//! in [`configs`], the runtime APIs in [`apis`], the genesis presets in
//! [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
pub mod configs;
pub mod dev_factory;
pub mod genesis_config_presets;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know of blocks without knowing the runtime's calls.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.setKeys`: Aura for authoring, GRANDPA for
	/// finality votes.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. Bump `spec_version` with every runtime change that is deployed.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("twinchain"),
	impl_name: alloc::borrow::Cow::Borrowed("twinchain"),
	authoring_version: 1,
	spec_version: 114,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// Block time. **The slot is 2 seconds**: one Aura slot, one block. This is the only place it is
/// set; Aura's slot duration, the timestamp pallet's minimum period and the block weight budget
/// all derive from it.
pub const MILLI_SECS_PER_BLOCK: u64 = 2000;
/// Aura's slot duration, equal to the block time.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute, hour and day at the 2 s block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Sessions end only at a multiple of this many blocks (20 s), and only when the rotation
/// changes something (see `configs::RotateOnChange`). Validator set changes take effect at the
/// session after next, i.e. within two periods.
pub const SESSION_PERIOD: BlockNumber = 10;

/// Without a validator change, a session still ends every this many blocks (10 minutes), so
/// that session keys a validator rotated (`session.setKeys`) are queued, then applied at the
/// next period.
pub const KEYS_PERIOD: BlockNumber = 10 * MINUTES;

/// The chain's token, TWIN, has 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// The smallest balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Signatures: sr25519, ed25519 or ECDSA.
pub type Signature = MultiSignature;
/// An account is the public key of its signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Balance = u128;
pub type Nonce = u32;
pub type Hash = sp_core::H256;
pub type BlockNumber = u32;
pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type SignedBlock = generic::SignedBlock<Block>;

/// The checks every signed transaction passes.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The extensions of a transaction from an account at `nonce`, valid over `era`, without tip:
/// the one place that builds them (the offchain workers' signing, the node's commands and the
/// load generator all use it).
pub fn tx_extension(era: generic::Era, nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `call` from `pair`'s account at `nonce`, immortal and without tip, signed for the chain with
/// `genesis` at runtime `spec_version`/`tx_version` (what the signature commits to besides the
/// call and the extensions): the extrinsic to submit. For clients outside the runtime.
#[cfg(feature = "std")]
pub fn sign_immortal(
	pair: &sp_core::sr25519::Pair,
	nonce: Nonce,
	call: RuntimeCall,
	genesis: Hash,
	spec_version: u32,
	tx_version: u32,
) -> UncheckedExtrinsic {
	use sp_core::Pair as _;
	let signer = pair.public();
	sign_immortal_with(
		signer,
		|p| Some(pair.sign(p)),
		nonce,
		call,
		genesis,
		spec_version,
		tx_version,
	)
	.expect("a key pair always signs")
}

/// Like [`sign_immortal`], with the signature made by `sign` for the sr25519 key `signer`
/// (e.g. by a keystore); `None` if `sign` made none.
#[cfg(feature = "std")]
pub fn sign_immortal_with(
	signer: sp_core::sr25519::Public,
	sign: impl FnOnce(&[u8]) -> Option<sp_core::sr25519::Signature>,
	nonce: Nonce,
	call: RuntimeCall,
	genesis: Hash,
	spec_version: u32,
	tx_version: u32,
) -> Option<UncheckedExtrinsic> {
	use codec::Encode;
	let account: AccountId = sp_runtime::MultiSigner::from(signer).into_account();
	let extension = tx_extension(generic::Era::Immortal, nonce);
	let implicit = ((), spec_version, tx_version, genesis, genesis, (), (), (), ());
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(sign)?;
	Some(UncheckedExtrinsic::new_signed(call, account.into(), signature.into(), extension))
}

/// Storage migrations run at the next runtime upgrade. Each is versioned: it runs only on a
/// chain whose pallet is at the version it migrates from (a new chain starts at the newest), so
/// an entry stays until every live chain has been upgraded past it.
type Migrations = (
	// spec 109: `ActorOf`, and the two storages called `Registry`, renamed.
	pallet_actors::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_machines::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_tasks::migrations::v1::MigrateV0ToV1<Runtime>,
	// spec 110: disputes lapse, live-task counts.
	pallet_tasks::migrations::v2::MigrateV1ToV2<Runtime>,
	// spec 111: the idle index that matching reads; requesters' shares of the waiting queue.
	pallet_machines::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_tasks::migrations::v3::MigrateV2ToV3<Runtime>,
	// spec 113: running orders counted per recipe, so a recipe in use cannot be removed.
	pallet_tasks::migrations::v4::MigrateV3ToV4<Runtime>,
);

pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Consensus. The validator set feeds the session, the session feeds Aura and GRANDPA; the
	// genesis of each is built in this order.
	#[runtime::pallet_index(10)]
	pub type ValidatorSet = pallet_validator_set;
	#[runtime::pallet_index(11)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(12)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(13)]
	pub type Grandpa = pallet_grandpa;

	// Governance: sudo on the dev chain, the consortium council elsewhere.
	#[runtime::pallet_index(20)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(21)]
	pub type Council = pallet_collective<Instance1>;
	#[runtime::pallet_index(22)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	// Permissioned peers.
	#[runtime::pallet_index(30)]
	pub type NodeAuthorization = pallet_node_authorization;

	// Identity: who takes part in which role, and every account's did:twin DID.
	#[runtime::pallet_index(40)]
	pub type Actors = pallet_actors;
	#[runtime::pallet_index(41)]
	pub type Did = pallet_did;

	// Verifiable credentials: schemas, anchors, status lists.
	#[runtime::pallet_index(42)]
	pub type Credentials = pallet_credentials;

	// Digital twins.
	#[runtime::pallet_index(50)]
	pub type Machines = pallet_machines;
	#[runtime::pallet_index(51)]
	pub type Provenance = pallet_provenance;
	#[runtime::pallet_index(52)]
	pub type Telemetry = pallet_telemetry;

	// Machine-to-machine work: task escrow, recipes, production orders.
	#[runtime::pallet_index(60)]
	pub type Tasks = pallet_tasks;

	// The factory bridge: the gateway's offchain worker signs what the node's MQTT side queued.
	#[runtime::pallet_index(70)]
	pub type Gateway = pallet_gateway;
}

#[cfg(test)]
mod tests;
