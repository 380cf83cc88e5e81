//! Every trait through which one pallet asks another. A pallet names the ones it needs in its
//! `Config`; the runtime says which pallet answers. The traits return what a dispatchable would:
//! `DispatchResult`, or a typed error where the caller decides what it means.

use alloc::vec::Vec;
use sp_runtime::{DispatchError, DispatchResult};

use crate::{
	Capability, CapabilityError, DelegateType, Digest, LotList, MachineStatus, Moment, ProductType,
	Role, StepInput, TaskId, TelemetryRef,
};

// --- identity: the DID and actors pallets ---

/// Lets other pallets ask who may act for a DID (e.g. a machine's gateway setting its status).
pub trait DidAuthority<AccountId> {
	/// The account that controls `did` now (the DID's own account if it is implicit).
	fn controller(did: &AccountId) -> AccountId;
	/// Whether `who` is a delegate of `did` of `kind`, valid now.
	fn is_delegate(did: &AccountId, who: &AccountId, kind: DelegateType) -> bool;
	/// Whether `did` is deactivated.
	fn is_deactivated(did: &AccountId) -> bool;

	/// Whether `who` may act as `did` now: its current controller or one of its authentication
	/// delegates, and the DID is not deactivated. A key that controlled the DID once (before a
	/// rotation) may not; nobody acts for a deactivated DID.
	fn acts_for(did: &AccountId, who: &AccountId) -> bool
	where
		AccountId: PartialEq,
	{
		!Self::is_deactivated(did)
			&& (Self::controller(did) == *who
				|| Self::is_delegate(did, who, DelegateType::Authentication))
	}
}

/// Lets the pallet that owns a thing (a machine) move the thing's DID with it, so that
/// ownership and the power to act for the DID never part.
pub trait DidHandOver<AccountId> {
	/// Hands `did` from its owner to `new_owner`: every delegate and attribute goes (their
	/// deposits go back to whoever paid them), so the old owner's gateways and keys lose their
	/// power; `new_owner` becomes the controller — unless the DID controls itself (a machine's
	/// own key, which stays in the machine), in which case `new_owner` becomes its
	/// authentication delegate, paying that deposit. The DID's nonce advances, so signed
	/// operations made before the hand-over are stale. Fails if the DID is deactivated or
	/// `new_owner` cannot pay.
	fn hand_over(did: &AccountId, new_owner: &AccountId) -> DispatchResult;
	/// An upper bound of [`DidHandOver::hand_over`]'s weight (a DID with every delegate and
	/// attribute it may hold).
	fn hand_over_weight() -> frame_support::weights::Weight;
}

/// Lets other pallets give new things (e.g. products) their own DIDs.
pub trait DidCreator<AccountId> {
	/// Creates a new DID controlled by `creator`, holding the record deposit from it, and
	/// returns the DID's account. The account is derived; no key exists for it.
	fn create_did(creator: &AccountId) -> Result<AccountId, DispatchError>;
}

/// Tells other pallets whether an account is an active actor with a role.
pub trait RoleProvider<AccountId> {
	/// Whether `who` is registered with `role` and is not suspended.
	fn has_role(who: &AccountId, role: Role) -> bool;

	/// Whether `who` is registered and not suspended, with any role.
	fn is_active_actor(who: &AccountId) -> bool {
		Role::ALL.into_iter().any(|role| Self::has_role(who, role))
	}

	/// Whether `who` is registered and suspended (a registrar's or the council's decision,
	/// e.g. after its keys were compromised) — not merely without a role.
	fn is_suspended(_who: &AccountId) -> bool {
		false
	}

	/// Makes `who` an active actor with `role` (benchmarks and tests of other pallets only).
	/// The actors pallet and the test stand-ins implement it; the default is for builds whose
	/// features enable benchmarks here but not in the implementing crate.
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_role(_who: &AccountId, _role: Role) {
		unimplemented!("RoleProvider::grant_role is implemented with runtime-benchmarks only")
	}
}

// --- credentials ---

/// Lets other pallets (e.g. provenance) check a credential about a subject, of any schema.
pub trait CredentialCheck<AccountId> {
	/// The issuer of `credential` if it is anchored, about `subject`, valid now, and neither
	/// revoked nor suspended; otherwise why not (never `WrongCapability`).
	fn check_credential(
		subject: &AccountId,
		credential: &Digest,
	) -> Result<AccountId, CapabilityError>;
}

/// Lets other pallets (e.g. M2M tasks) check a machine's capability credential.
pub trait CapabilityCheck<AccountId> {
	/// The capability `credential` grants `subject`, if it is anchored, about `subject`, claims
	/// `capability`, valid now, and neither revoked nor suspended.
	fn check_capability(
		subject: &AccountId,
		capability: &[u8],
		credential: &Digest,
	) -> Result<Capability, CapabilityError>;
}

// --- machines ---

/// Tells other pallets (M2M tasks) about machines and lets them record task outcomes.
pub trait MachineRegistry<AccountId> {
	/// Whether `machine` is registered, not retired, and holds `capability` backed by a valid
	/// credential now.
	fn can_perform(machine: &AccountId, capability: &[u8]) -> bool;
	/// The machine's status, if registered.
	fn status(machine: &AccountId) -> Option<MachineStatus>;
	/// The machine's owner, if registered.
	fn owner(machine: &AccountId) -> Option<AccountId>;
	/// Idle machines that can perform `capability` now and that `usable` accepts, from at most
	/// `max` entries of the index of idle machines by capability: each with its load (tasks
	/// completed and failed) and since when it is idle (ms since the epoch). An entry whose
	/// credential is no longer valid, or that `usable` refuses (e.g. its owner is suspended),
	/// leaves the index, so that no set of unusable machines hides the usable ones for long; it
	/// returns when the machine is set idle again or its capability is backed again.
	fn idle_candidates(
		capability: &[u8],
		max: u32,
		usable: &dyn Fn(&AccountId) -> bool,
	) -> Vec<(AccountId, u32, Moment)>;
	/// Marks `machine` busy with `task` (from `Idle`).
	fn start_task(machine: &AccountId, task: TaskId) -> DispatchResult;
	/// Marks `machine` idle again and counts the task as completed or failed. A machine put
	/// into maintenance while busy stays in maintenance.
	fn finish_task(machine: &AccountId, task: TaskId, success: bool) -> DispatchResult;
	/// Puts `machine` into maintenance (from `Idle` or `Busy`; a task it is busy with may still
	/// be completed). Fails for unknown, offline, retired machines and ones already in
	/// maintenance.
	fn enter_maintenance(machine: &AccountId) -> DispatchResult;
}

// --- products: provenance and the telemetry it refers to ---

/// The anchored telemetry windows (pallet-telemetry), which step environments must refer to.
pub trait EnvironmentAnchors<AccountId> {
	/// The end and Merkle root of `sensor`'s anchored window starting at `start`.
	fn window(sensor: &AccountId, start: Moment) -> Option<(Moment, TelemetryRef)>;
}

/// No telemetry: no environment can be referred to.
impl<AccountId> EnvironmentAnchors<AccountId> for () {
	fn window(_: &AccountId, _: Moment) -> Option<(Moment, TelemetryRef)> {
		None
	}
}

/// Lets the M2M tasks pallet write a product's provenance as tasks complete.
pub trait ProvenanceRecorder<AccountId> {
	/// Appends `step` to `product`'s log on behalf of `recorder` (the task's provider), with
	/// the same checks as the `record_step` call except who may record.
	fn record_step(
		recorder: &AccountId,
		product: &AccountId,
		step: StepInput<AccountId>,
	) -> DispatchResult;
	/// Marks `product` finished.
	fn finish(product: &AccountId) -> DispatchResult;
	/// Whether `product` exists and is in production.
	fn in_production(product: &AccountId) -> bool;
	/// Who has `product` now, if it exists.
	fn custodian(product: &AccountId) -> Option<AccountId>;
	/// Creates a product for `manufacturer` (with the checks and deposits of `create_product`,
	/// except the origin) and returns its DID's account.
	fn create_product(
		manufacturer: &AccountId,
		product_type: ProductType,
		lots: LotList,
	) -> Result<AccountId, DispatchError>;
}

// --- M2M tasks ---

/// How another pallet (telemetry rules) takes a machine out of service for maintenance.
pub trait MaintenanceRequest<AccountId, Balance, BlockNumber> {
	/// Puts `machine` into maintenance and opens a task for `capability` (its parameters name
	/// the machine: its SCALE-encoded account) requested by `payer`, who pays `reward` (held in
	/// escrow from its free balance) if a capable machine completes it within `blocks`. The
	/// chain assigns it. Returns the task, or why nothing changed.
	fn open_maintenance(
		machine: &AccountId,
		payer: &AccountId,
		capability: &[u8],
		reward: Balance,
		blocks: BlockNumber,
	) -> Result<TaskId, DispatchError>;
}
