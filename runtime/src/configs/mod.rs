//! The `Config` of every pallet in the runtime.

use super::*;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, EitherOfDiverse, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{ConvertInto, One, OpaqueKeys},
	Perbill, Permill,
};
use sp_version::RuntimeVersion;

/// 90% of a block is for normal transactions; the rest (100 ms of execution) is reserved for
/// operational ones (the council's and sudo's calls, equivocation reports).
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(90);
/// 75% of a block's 5 MiB may be normal transactions: what other validators must download
/// before they can import it stays bounded at 3.75 MiB.
const NORMAL_LENGTH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	/// Half of the 2 s slot may be spent executing a block; the rest is for propagation and
	/// import on the other validators. The fixed cost of a block and of an extrinsic are the
	/// ones measured on this project's machine (`twinchain benchmark overhead`).
	pub RuntimeBlockWeights: BlockWeights = block_weights(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |m| {
			*m = NORMAL_LENGTH_RATIO * *m
		})
		.build();
	/// Generic Substrate SS58 prefix.
	pub const SS58Prefix: u8 = 42;
}

/// What the transaction extensions of a signed extrinsic are charged: each extension's own
/// benchmarked weight (`frame_system_extensions`, `pallet_transaction_payment`), which the
/// runtime adds to every signed extrinsic's weight.
pub fn extensions_weight() -> Weight {
	use frame_system::ExtensionsWeightInfo as _;
	use pallet_transaction_payment::WeightInfo as _;
	type System = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type Payment = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
	System::check_non_zero_sender()
		+ System::check_spec_version()
		+ System::check_tx_version()
		+ System::check_genesis()
		+ System::check_mortality_mortal_transaction()
		+ System::check_nonce()
		+ System::check_weight()
		+ System::weight_reclaim()
		+ Payment::charge_transaction_payment()
}

/// The fixed cost of an extrinsic beyond its call and its extensions. `benchmark overhead`
/// measures a signed no-op (`ExtrinsicBaseWeight`) with its extensions executed, and the
/// extensions are charged again by their own weights: so the extensions' weights are
/// subtracted here (polkadot-sdk issue #9981 describes the double charge). On this machine the
/// extensions' benchmarked weights (with their storage accesses at ParityDB's reference costs)
/// exceed the whole measured overhead, so nothing is left: a signed extrinsic is still charged
/// more than the overhead benchmark measured for it (the runtime tests check that).
pub fn extrinsic_base_weight() -> Weight {
	crate::weights::extrinsic_weights::ExtrinsicBaseWeight::get()
		.saturating_sub(extensions_weight())
}

/// `BlockWeights::with_sensible_defaults` with our measured block and extrinsic overheads:
/// `max` per block, `normal` of it for normal extrinsics, the rest reserved for operational
/// ones, 10% expected for initialisation.
fn block_weights(max: Weight, normal: Perbill) -> BlockWeights {
	use crate::weights::block_weights::BlockExecutionWeight;
	BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |w| w.base_extrinsic = extrinsic_base_weight())
		.for_class(DispatchClass::Normal, |w| w.max_total = Some(normal * max))
		.for_class(DispatchClass::Operational, |w| {
			w.max_total = Some(max);
			w.reserved = Some(max - normal * max);
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build()
		.expect("the normal class fits in the block and the base weights in both classes; qed")
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = ConstU32<2400>;
	/// The node stores its state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

/// The origin that governs the consortium: root (sudo on the dev chain) or a 2/3 majority of
/// the council of operators (the multi-party chain, which has no sudo key).
pub type PrivilegedOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

/// The most validators (and so Aura and GRANDPA authorities) the chain supports.
pub const MAX_VALIDATORS: u32 = 32;

impl pallet_validator_set::Config for Runtime {
	type AddRemoveOrigin = PrivilegedOrigin;
	type KeysRegistration = Session;
	type MinValidators = ConstU32<1>;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SessionKeysForBenchmarks;
}

/// Registers (fake but well-formed) session keys for benchmark accounts.
#[cfg(feature = "runtime-benchmarks")]
pub struct SessionKeysForBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_validator_set::BenchmarkHelper<AccountId> for SessionKeysForBenchmarks {
	fn register_keys(who: &AccountId) {
		use codec::Decode;
		let raw: [u8; 32] = *who.as_ref();
		let keys = SessionKeys {
			aura: AuraId::decode(&mut &raw[..]).expect("32 bytes decode to an sr25519 key"),
			grandpa: pallet_grandpa::AuthorityId::decode(&mut &raw[..])
				.expect("32 bytes decode to an ed25519 key"),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}

parameter_types! {
	/// Held from a validator's balance while its session keys are registered.
	pub const SessionKeyDeposit: Balance = UNIT;
}

/// Ends a session at a multiple of `SESSION_PERIOD` blocks only when the rotation changes
/// something: the validator set changed (the rotation queues the new set), the last rotation
/// queued a change of validators or keys (this one applies it), or `KEYS_PERIOD` has passed
/// (to queue keys validators rotated). pallet-session charges a whole block's weight for a
/// rotation, so rotating every period would leave every tenth block without transactions.
pub struct RotateOnChange;

impl RotateOnChange {
	/// Whether the next period boundary must rotate.
	fn change_waiting() -> bool {
		ValidatorSet::change_pending() || pallet_session::QueuedChanged::<Runtime>::get()
	}

	/// The first block after `now` that is a multiple of `period`.
	fn next_multiple(now: BlockNumber, period: BlockNumber) -> BlockNumber {
		now.saturating_add(period - now % period)
	}
}

impl pallet_session::ShouldEndSession<BlockNumber> for RotateOnChange {
	fn should_end_session(now: BlockNumber) -> bool {
		now.is_multiple_of(SESSION_PERIOD)
			&& (now.is_multiple_of(KEYS_PERIOD) || Self::change_waiting())
	}
}

impl frame_support::traits::EstimateNextSessionRotation<BlockNumber> for RotateOnChange {
	fn average_session_length() -> BlockNumber {
		KEYS_PERIOD
	}

	fn estimate_current_session_progress(now: BlockNumber) -> (Option<Permill>, Weight) {
		let progress = Permill::from_rational(now % KEYS_PERIOD, KEYS_PERIOD);
		(Some(progress), Weight::zero())
	}

	/// The next period boundary when a change waits, else the next `KEYS_PERIOD` boundary.
	fn estimate_next_session_rotation(now: BlockNumber) -> (Option<BlockNumber>, Weight) {
		let period = if Self::change_waiting() { SESSION_PERIOD } else { KEYS_PERIOD };
		(
			Some(Self::next_multiple(now, period)),
			<Runtime as frame_system::Config>::DbWeight::get().reads(2),
		)
	}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = RotateOnChange;
	type NextSessionRotation = RotateOnChange;
	type SessionManager = ValidatorSet;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = ConstU64<SLOT_DURATION>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A council motion stays open for a day.
	pub const CouncilMotionDuration: BlockNumber = DAYS;
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The council of the consortium's operators (one per factory or supplier).
pub type CouncilCollective = pallet_collective::Instance1;

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Only council members may propose, so motions need no deposit.
	type Consideration = ();
}

impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = PrivilegedOrigin;
	type RemoveOrigin = PrivilegedOrigin;
	type SwapOrigin = PrivilegedOrigin;
	type ResetOrigin = PrivilegedOrigin;
	type PrimeOrigin = PrivilegedOrigin;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = ConstU32<64>;
	type MaxPeerIdLength = ConstU32<128>;
	type AddOrigin = PrivilegedOrigin;
	type RemoveOrigin = PrivilegedOrigin;
	type SwapOrigin = PrivilegedOrigin;
	type ResetOrigin = PrivilegedOrigin;
	/// Upstream ships no benchmarks for this pallet; its own fixed weights apply.
	type WeightInfo = ();
}

parameter_types! {
	pub const ManufacturerRole: twinchain_primitives::Role = twinchain_primitives::Role::Manufacturer;
	pub const CertifierRole: twinchain_primitives::Role = twinchain_primitives::Role::Certifier;
	pub const SupplierRole: twinchain_primitives::Role = twinchain_primitives::Role::Supplier;
}

parameter_types! {
	/// Held for a registered machine (nameplate, counters, status history of 64 entries).
	pub const MachineDeposit: Balance = 500 * MILLI_UNIT;
}

impl pallet_machines::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	/// Only active manufacturers register machines.
	type RegisterOrigin = pallet_actors::EnsureActorWithRole<Runtime, ManufacturerRole>;
	type Did = Did;
	/// Two thirds of the council (or root) retire or re-own any machine.
	type ForceOrigin = PrivilegedOrigin;
	type Credentials = Credentials;
	type MachineDeposit = MachineDeposit;
	type MaxCapabilities = ConstU32<16>;
	type MaxStatusHistory = ConstU32<64>;
	type WeightInfo = pallet_machines::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MachinesBenchmarkHelper;
}

/// Anchors a credential of `issuer` about `subject`, valid from the epoch on, directly in
/// storage (for benchmarks of pallets that check credentials).
#[cfg(feature = "runtime-benchmarks")]
fn bench_anchor(
	issuer: &AccountId,
	subject: &AccountId,
	capability: Option<twinchain_primitives::Capability>,
) -> twinchain_primitives::Digest {
	use codec::Encode;
	let digest = sp_io::hashing::blake2_256(&(issuer, subject, &capability).encode());
	pallet_credentials::Anchors::<Runtime>::insert(
		digest,
		pallet_credentials::Credential {
			issuer: issuer.clone(),
			subject: subject.clone(),
			schema: [0u8; 32],
			valid_from: 0,
			valid_until: None,
			status_index: 0,
			anchored: twinchain_primitives::Stamp { block: 0, time: 0 },
			capability,
			deposit: 0,
		},
	);
	digest
}

/// Anchors capability credentials and adds gateways directly in storage, for the machines
/// pallet's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct MachinesBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_machines::BenchmarkHelper<AccountId> for MachinesBenchmarkHelper {
	fn anchor_capability(machine: &AccountId, capability: &[u8]) -> twinchain_primitives::Digest {
		let issuer: AccountId = frame_benchmarking::account("issuer", 0, 0);
		let capability = twinchain_primitives::Capability {
			id: capability.to_vec().try_into().expect("benchmark capability ids fit"),
			params: Default::default(),
		};
		bench_anchor(&issuer, machine, Some(capability))
	}

	fn make_gateway(machine: &AccountId, gateway: &AccountId) {
		pallet_did::Delegates::<Runtime>::insert(
			machine,
			(twinchain_primitives::DelegateType::Authentication, gateway.clone()),
			pallet_did::Delegate {
				validity: pallet_did::Validity { valid_from: 0, valid_until: None },
				depositor: gateway.clone(),
				deposit: 0,
			},
		);
	}
}

impl pallet_actors::Config for Runtime {
	type RegistrarOrigin = PrivilegedOrigin;
	type MaxRegistrars = ConstU32<16>;
	type WeightInfo = pallet_actors::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held for a DID's record (about 150 bytes of state).
	pub const DidRecordDeposit: Balance = 100 * MILLI_UNIT;
	/// Held for each delegate or attribute (up to about 330 bytes of state).
	pub const DidItemDeposit: Balance = 50 * MILLI_UNIT;
}

impl pallet_did::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type OffchainSignature = Signature;
	type SigningPublicKey = <Signature as sp_runtime::traits::Verify>::Signer;
	/// Only active manufacturers create DIDs for machines and products.
	type CreateOrigin = pallet_actors::EnsureActorWithRole<Runtime, ManufacturerRole>;
	type RecordDeposit = DidRecordDeposit;
	type ItemDeposit = DidItemDeposit;
	type MaxDelegates = ConstU32<16>;
	type MaxAttributes = ConstU32<16>;
	type WeightInfo = pallet_did::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = DidBenchmarkKeys;
}

/// Signs DID payloads in benchmarks with an Sr25519 key generated in the host's keystore.
#[cfg(feature = "runtime-benchmarks")]
pub struct DidBenchmarkKeys;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_did::BenchmarkHelper<AccountId, Signature> for DidBenchmarkKeys {
	fn controller() -> AccountId {
		let key = sp_io::crypto::sr25519_generate(BENCHMARK_KEY_TYPE, Some(b"//DidBench".to_vec()));
		key.into()
	}
	fn sign(controller: &AccountId, message: &[u8]) -> Signature {
		let public = sp_core::sr25519::Public::from_raw(*controller.as_ref());
		sp_io::crypto::sr25519_sign(BENCHMARK_KEY_TYPE, &public, message)
			.expect("the key was generated in the keystore")
			.into()
	}
}

#[cfg(feature = "runtime-benchmarks")]
const BENCHMARK_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bdid");

parameter_types! {
	/// Held for a registered schema (up to 4 KiB of JSON on chain).
	pub const CredentialSchemaDeposit: Balance = UNIT;
	/// Held for an anchored credential (about 500 bytes of state at most).
	pub const CredentialAnchorDeposit: Balance = 50 * MILLI_UNIT;
}

impl pallet_credentials::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	/// Only active certifiers anchor credentials.
	type IssuerOrigin = pallet_actors::EnsureActorWithRole<Runtime, CertifierRole>;
	/// The council (or root) revokes any credential.
	type ForceOrigin = PrivilegedOrigin;
	type Issuers = Actors;
	type SchemaDeposit = CredentialSchemaDeposit;
	type CredentialDeposit = CredentialAnchorDeposit;
	/// 16 KiB per list: 131,072 credentials per issuer, the W3C Bitstring Status List's
	/// recommended minimum size for herd privacy.
	type MaxStatusListBytes = ConstU32<16_384>;
	type WeightInfo = pallet_credentials::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held for a product (type, lots, counters); its DID's record deposit comes on top.
	pub const ProductDeposit: Balance = 10 * MILLI_UNIT;
	/// Held for a supplier lot.
	pub const LotDeposit: Balance = 10 * MILLI_UNIT;
	/// A process step takes at most a day.
	pub const MaxStepDuration: u64 = 24 * 60 * 60 * 1000;
}

impl pallet_provenance::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	/// Only active manufacturers create products.
	type CreateOrigin = pallet_actors::EnsureActorWithRole<Runtime, ManufacturerRole>;
	/// Only active suppliers register lots.
	type SupplierOrigin = pallet_actors::EnsureActorWithRole<Runtime, SupplierRole>;
	/// Sudo or the council recall any lot or machine range.
	type RecallOrigin = PrivilegedOrigin;
	type Dids = Did;
	type Machines = Machines;
	type Credentials = Credentials;
	type Actors = Actors;
	/// Step environments are windows anchored in pallet-telemetry.
	type Environment = Telemetry;
	type ProductDeposit = ProductDeposit;
	type LotDeposit = LotDeposit;
	type MaxSteps = ConstU32<1000>;
	type MaxStepDuration = MaxStepDuration;
	type MaxComponents = ConstU32<64>;
	type MaxTransfers = ConstU32<64>;
	type MaxCredentials = ConstU32<16>;
	type MaxRecallRanges = ConstU32<16>;
	type MaxQueuedRecalls = ConstU32<16>;
	type MaxQueuedRecallsPerCaller = ConstU32<2>;
	type MaxRecallItemsPerBlock = ConstU32<500>;
	type WeightInfo = pallet_provenance::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ProvenanceBenchmarkHelper;
}

/// Registers machines, anchors credentials, grants roles and funds accounts directly in
/// storage, for the provenance pallet's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct ProvenanceBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_provenance::BenchmarkHelper<AccountId> for ProvenanceBenchmarkHelper {
	fn machine(owner: &AccountId, machine: &AccountId, capability: &[u8]) {
		use pallet_machines::BenchmarkHelper as _;
		let stamp = twinchain_primitives::Stamp { block: 0, time: 0 };
		pallet_machines::MachineRecords::<Runtime>::insert(
			machine,
			pallet_machines::Machine {
				owner: owner.clone(),
				manufacturer: owner.clone(),
				nameplate: pallet_machines::Nameplate {
					manufacturer_name: Default::default(),
					model: Default::default(),
					serial_number: Default::default(),
					year_of_construction: 2026,
				},
				status: twinchain_primitives::MachineStatus::Idle,
				status_since: stamp,
				registered: stamp,
				tasks_completed: 0,
				tasks_failed: 0,
				maintenance_events: 0,
				capabilities: 1,
				deposit: 0,
			},
		);
		let digest = MachinesBenchmarkHelper::anchor_capability(machine, capability);
		let key: twinchain_primitives::CapabilityKey =
			capability.to_vec().try_into().expect("benchmark capability ids fit");
		pallet_machines::Capabilities::<Runtime>::insert(machine, &key, digest);
		pallet_machines::ByCapability::<Runtime>::insert(&key, machine, ());
		pallet_machines::IdleByCapability::<Runtime>::insert(&key, machine, ());
	}

	fn make_gateway(machine: &AccountId, gateway: &AccountId) {
		use pallet_machines::BenchmarkHelper as _;
		MachinesBenchmarkHelper::make_gateway(machine, gateway)
	}

	fn credential(issuer: &AccountId, subject: &AccountId) -> twinchain_primitives::Digest {
		bench_anchor(issuer, subject, None)
	}

	fn actor(who: &AccountId, role: twinchain_primitives::Role) {
		<Actors as twinchain_primitives::RoleProvider<AccountId>>::grant_role(who, role)
	}

	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::set_balance(who, 1_000_000 * UNIT);
	}

	fn environment(
		sensor: &AccountId,
		start: twinchain_primitives::Moment,
		end: twinchain_primitives::Moment,
	) -> twinchain_primitives::TelemetryRef {
		let root = [7u8; 32];
		pallet_telemetry::Windows::<Runtime>::insert(
			sensor,
			pallet_telemetry::window_key(start),
			pallet_telemetry::Window {
				end,
				root,
				count: 1,
				metrics: Default::default(),
				gateway: sensor.clone(),
				anchored: twinchain_primitives::Stamp { block: 0, time: 0 },
			},
		);
		root
	}
}

parameter_types! {
	/// The smallest task reward (above the existential deposit, so a settlement always pays).
	pub const MinTaskReward: Balance = 10 * MILLI_UNIT;
	/// Held for a recipe.
	pub const RecipeDeposit: Balance = 100 * MILLI_UNIT;
	/// A requester has 5 minutes (150 blocks) after completion to dispute, unless it set its
	/// own period for the task (from 10 s up to a day); its gateway's confirmation settles at
	/// once.
	pub const TaskChallengePeriod: BlockNumber = 5 * MINUTES;
	/// The shortest challenge period a requester may set: 10 s.
	pub const MinTaskChallengePeriod: BlockNumber = 5;
	/// A provider's owner stakes a fifth of the reward on each task its machine takes.
	pub const TaskProviderStake: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(20);
	/// The registrars have a week to decide a dispute; undecided, the completion stands.
	pub const TaskDisputePeriod: BlockNumber = 7 * DAYS;
	/// Deadlines lie at most a day ahead (a provenance step takes at most a day).
	pub const MaxTaskDeadline: BlockNumber = DAYS;
	/// Each task's and order's record holds 10 mTWIN plus 10 µTWIN per byte it may take (a
	/// task with empty parameters ≈ 12 mTWIN, an order ≈ 11 mTWIN) until it is reaped.
	pub const TaskRecordDepositBase: Balance = 10 * MILLI_UNIT;
	pub const TaskRecordDepositPerByte: Balance = 10 * MICRO_UNIT;
	/// An over task's record stays 30 days past its deadline (beyond a day's challenge and a
	/// week's dispute) before anyone may reap it.
	pub const TaskRetention: BlockNumber = 30 * DAYS;
}

impl pallet_tasks::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type Machines = Machines;
	type Dids = Did;
	type Provenance = Provenance;
	type Actors = Actors;
	/// Active manufacturers register recipes and place orders.
	type RecipeOrigin = pallet_actors::EnsureActorWithRole<Runtime, ManufacturerRole>;
	/// Registrars decide disputes.
	type ArbiterOrigin = pallet_actors::EnsureRegistrar<Runtime>;
	type MinReward = MinTaskReward;
	type RecipeDeposit = RecipeDeposit;
	/// An order budget costs what a recipe does.
	type BudgetDeposit = RecipeDeposit;
	type ChallengePeriod = TaskChallengePeriod;
	type MinChallengePeriod = MinTaskChallengePeriod;
	type MaxChallengePeriod = MaxTaskDeadline;
	type ProviderStake = TaskProviderStake;
	type DisputePeriod = TaskDisputePeriod;
	type MaxDeadline = MaxTaskDeadline;
	type MaxTasksPerBlock = ConstU32<64>;
	type MaxCandidates = ConstU32<32>;
	type MaxWaiting = ConstU32<256>;
	/// A requester's tasks take at most 16 of the 256 places: filling the queue takes 16
	/// requesters.
	type MaxWaitingPerRequester = ConstU32<16>;
	/// 32 tasks not yet over per requester: filling the 16 blocks of deadlines an order step
	/// may use (64 each) takes 32 requesters.
	type MaxLiveTasksPerRequester = ConstU32<32>;
	type MaxRetriesPerBlock = ConstU32<16>;
	type RecordDepositBase = TaskRecordDepositBase;
	type RecordDepositPerByte = TaskRecordDepositPerByte;
	type TaskRetention = TaskRetention;
	type WeightInfo = pallet_tasks::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TasksBenchmarkHelper;
}

/// Registers machines, funds accounts and grants roles directly in storage, for the tasks
/// pallet's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct TasksBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_tasks::BenchmarkHelper<AccountId> for TasksBenchmarkHelper {
	fn machine(owner: &AccountId, machine: &AccountId, capability: &[u8]) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::machine(owner, machine, capability)
	}

	fn fund(who: &AccountId) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::fund(who)
	}

	fn actor(who: &AccountId, role: twinchain_primitives::Role) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::actor(who, role)
	}
}

parameter_types! {
	/// Held for a telemetry rule, besides its maintenance reward.
	pub const TelemetryRuleDeposit: Balance = 100 * MILLI_UNIT;
	/// A window covers at most 10 minutes.
	pub const MaxWindowLength: u64 = 10 * 60_000;
	/// A window may end at most 30 s after the chain's clock (gateway clocks drift).
	pub const MaxClockSkew: u64 = 30_000;
	/// A maintenance task may take an hour.
	pub const MaintenanceBlocks: BlockNumber = HOURS;
	/// After a rule opened a maintenance task, the machine's rules open none for 30 minutes.
	pub const MaintenanceCooldown: BlockNumber = 30 * MINUTES;
	/// A window holds 0.1 mTWIN plus 1 µTWIN per byte (≈ 0.3 mTWIN with two metrics) from its
	/// anchorer: a gateway anchoring a 10 s window per machine holds ≈ 23 TWIN per machine
	/// over the ten days of retention.
	pub const WindowDepositBase: Balance = 100 * MICRO_UNIT;
	pub const WindowDepositPerByte: Balance = MICRO_UNIT;
	/// Windows are kept ten days after the block that anchored them: longer than a task's
	/// deadline, challenge and dispute periods together (at most 9 days), so the readings
	/// behind any disputable completion can still be checked (the steps they cover keep their
	/// roots for good).
	pub const WindowRetention: BlockNumber = 10 * DAYS;
}

impl pallet_telemetry::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type Dids = Did;
	type Machines = Machines;
	/// A rule that fires opens a maintenance task in pallet-tasks.
	type Maintenance = Tasks;
	type RuleDeposit = TelemetryRuleDeposit;
	type MaxRules = ConstU32<8>;
	type MaxStreak = ConstU8<16>;
	type MaxWindowLength = MaxWindowLength;
	type MaxClockSkew = MaxClockSkew;
	type MaintenanceBlocks = MaintenanceBlocks;
	type MaintenanceCooldown = MaintenanceCooldown;
	type WindowDepositBase = WindowDepositBase;
	type WindowDepositPerByte = WindowDepositPerByte;
	type WindowRetention = WindowRetention;
	type MaxPrunedPerAnchor = ConstU32<2>;
	type MaxPrunedPerCall = ConstU32<64>;
	type WeightInfo = pallet_telemetry::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TelemetryBenchmarkHelper;
}

/// Registers machines, gateways and funds directly in storage, for the telemetry pallet's
/// benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct TelemetryBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_telemetry::BenchmarkHelper<AccountId> for TelemetryBenchmarkHelper {
	fn machine(owner: &AccountId, machine: &AccountId) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::machine(owner, machine, b"mill")
	}

	fn make_gateway(machine: &AccountId, gateway: &AccountId) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::make_gateway(machine, gateway)
	}

	fn fund(who: &AccountId) {
		use pallet_provenance::BenchmarkHelper as _;
		ProvenanceBenchmarkHelper::fund(who)
	}
}

/// The calls a factory gateway may have its offchain worker sign: anchoring telemetry,
/// reporting on its machines' tasks and status, linking steps to telemetry, placing orders
/// (for its owner, within the order budget), confirming its orders' steps.
pub struct GatewayCalls;
impl frame_support::traits::Contains<RuntimeCall> for GatewayCalls {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::Telemetry(pallet_telemetry::Call::anchor_window { .. })
				| RuntimeCall::Tasks(
					pallet_tasks::Call::start_task { .. }
						| pallet_tasks::Call::complete_task { .. }
						| pallet_tasks::Call::fail_task { .. }
						| pallet_tasks::Call::place_order { .. }
						| pallet_tasks::Call::place_order_for { .. }
						| pallet_tasks::Call::confirm_task { .. }
				) | RuntimeCall::Provenance(pallet_provenance::Call::attach_environment { .. })
				| RuntimeCall::Machines(pallet_machines::Call::set_status { .. })
		)
	}
}

impl pallet_gateway::Config for Runtime {
	type AuthorityId = pallet_gateway::crypto::GatewayAuthId;
	type GatewayCalls = GatewayCalls;
	/// Resubmitted after 10 blocks (20 s) unless seen finalized by then.
	type RetryAfter = ConstU32<10>;
	type MaxAttempts = ConstU32<5>;
	type MaxPerBlock = ConstU32<64>;
}

impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <Signature as sp_runtime::traits::Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	/// Builds a transaction as wallets do: mortal for ~68 minutes from the parent block, no
	/// tip, signed by the offchain worker's key.
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: <Signature as sp_runtime::traits::Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		use codec::Encode;
		use frame_support::traits::Get;
		use sp_runtime::{
			generic::Era,
			traits::{SaturatedConversion, StaticLookup},
		};
		let period = <<Runtime as frame_system::Config>::BlockHashCount as Get<BlockNumber>>::get()
			.checked_next_power_of_two()
			.map(|c| c / 2)
			.unwrap_or(2) as u64;
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension = crate::tx_extension(Era::mortal(period, current), nonce);
		let raw = SignedPayload::new(call, extension).ok()?;
		let signature = raw.using_encoded(|payload| A::sign(payload, public))?;
		let (call, extension, _) = raw.deconstruct();
		let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
		Some(UncheckedExtrinsic::new_signed(call, address, signature, extension))
	}
}
