//! In-memory stand-ins for the Twinchain pallets, for the unit tests of the pallets that ask
//! them through the traits of `twinchain-primitives`. A pallet's tests wire these into its mock
//! runtime instead of the real pallets (whose own tests cover them), so each test states exactly
//! which machine can do what, which credential is valid and who holds which role.
//!
//! Accounts are `u64`, as in every mock runtime. The stand-ins keep their state in
//! [`mock_state`], so a failed call rolls it back and every test starts empty.

use codec::{Decode, Encode};
use core::marker::PhantomData;
use frame_support::traits::{Get, SortedMembers, UnixTime};
use sp_runtime::{DispatchError, DispatchResult};
use std::collections::BTreeMap;
use twinchain_primitives::{
	Capability, CapabilityCheck, CapabilityError, CredentialCheck, DelegateType, DidAuthority,
	DidCreator, DidHandOver, Digest, MachineRegistry, MachineStatus, Moment, Role, RoleProvider,
	TaskId,
};

/// State for the stand-ins, kept in unhashed storage under a key of each stand-in's own: it is
/// rolled back with a failed call and starts empty in every test and every benchmark run, like
/// the storage of the pallet it stands in for (a thread-local would do neither).
pub mod mock_state {
	use codec::{Decode, Encode};

	/// The value under `key`, or its default.
	pub fn get<V: Decode + Default>(key: &[u8]) -> V {
		frame_support::storage::unhashed::get(key).unwrap_or_default()
	}

	/// Runs `f` on the value under `key` (its default if absent) and stores the result.
	pub fn with<V: Decode + Encode + Default, R>(key: &[u8], f: impl FnOnce(&mut V) -> R) -> R {
		let mut value = get::<V>(key);
		let r = f(&mut value);
		frame_support::storage::unhashed::put(key, &value);
		r
	}
}

const DELEGATES: &[u8] = b":mock:delegates";
const DEACTIVATED: &[u8] = b":mock:deactivated";
const CONTROLLERS: &[u8] = b":mock:controllers";
const NEXT_DID: &[u8] = b":mock:next_did";
const ACTORS: &[u8] = b":mock:actors";
const SUSPENDED: &[u8] = b":mock:suspended";
const MACHINES: &[u8] = b":mock:machines";
const CREDENTIALS: &[u8] = b":mock:credentials";

/// The first account [`MockDid`] hands out for a new DID.
pub const FIRST_DID: u64 = 1000;

/// pallet-did stand-in: a DID controls itself until [`MockDid::set_controller`] hands it to
/// another account (a key rotation); `(did, gateway)` pairs are authentication delegates; new
/// DIDs are accounts [`FIRST_DID`], [`FIRST_DID`] + 1, …, controlled by their creator.
pub struct MockDid;

impl MockDid {
	/// Makes `gateway` an authentication delegate of `did`.
	pub fn add_gateway(did: u64, gateway: u64) {
		mock_state::with(DELEGATES, |d: &mut Vec<(u64, u64)>| d.push((did, gateway)));
	}
	/// Deactivates `did`.
	pub fn deactivate(did: u64) {
		mock_state::with(DEACTIVATED, |d: &mut Vec<u64>| d.push(did));
	}
	/// Hands control of `did` to `controller` (a key rotation).
	pub fn set_controller(did: u64, controller: u64) {
		mock_state::with(CONTROLLERS, |c: &mut BTreeMap<u64, u64>| c.insert(did, controller));
	}
}

impl DidAuthority<u64> for MockDid {
	fn controller(did: &u64) -> u64 {
		mock_state::get::<BTreeMap<u64, u64>>(CONTROLLERS)
			.get(did)
			.copied()
			.unwrap_or(*did)
	}
	fn is_delegate(did: &u64, who: &u64, kind: DelegateType) -> bool {
		kind == DelegateType::Authentication
			&& mock_state::get::<Vec<(u64, u64)>>(DELEGATES).contains(&(*did, *who))
	}
	fn is_deactivated(did: &u64) -> bool {
		mock_state::get::<Vec<u64>>(DEACTIVATED).contains(did)
	}
}

impl DidHandOver<u64> for MockDid {
	fn hand_over(did: &u64, new_owner: &u64) -> DispatchResult {
		if Self::is_deactivated(did) {
			return Err(DispatchError::Other("deactivated"));
		}
		mock_state::with(DELEGATES, |d: &mut Vec<(u64, u64)>| d.retain(|(x, _)| x != did));
		if Self::controller(did) == *did {
			Self::add_gateway(*did, *new_owner);
		} else {
			Self::set_controller(*did, *new_owner);
		}
		Ok(())
	}
	fn hand_over_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

impl DidCreator<u64> for MockDid {
	fn create_did(creator: &u64) -> Result<u64, DispatchError> {
		let did = mock_state::with(NEXT_DID, |n: &mut u64| {
			*n += 1;
			FIRST_DID + *n - 1
		});
		MockDid::set_controller(did, *creator);
		Ok(did)
	}
}

/// pallet-actors stand-in: `(account, role)` pairs, and the suspended accounts (which keep
/// their roles but may not use them).
pub struct MockActors;

impl MockActors {
	/// Replaces every actor with `actors`.
	pub fn set(actors: Vec<(u64, Role)>) {
		mock_state::with(ACTORS, |a: &mut Vec<(u64, Role)>| *a = actors);
	}
	/// Gives `who` `role`.
	pub fn grant(who: u64, role: Role) {
		mock_state::with(ACTORS, |a: &mut Vec<(u64, Role)>| a.push((who, role)));
	}
	/// Takes `role` from `who`.
	pub fn revoke(who: u64, role: Role) {
		mock_state::with(ACTORS, |a: &mut Vec<(u64, Role)>| a.retain(|e| *e != (who, role)));
	}
	/// Suspends `who`.
	pub fn suspend(who: u64) {
		mock_state::with(SUSPENDED, |s: &mut Vec<u64>| s.push(who));
	}
	/// Whether `who` is suspended.
	pub fn is_suspended(who: &u64) -> bool {
		mock_state::get::<Vec<u64>>(SUSPENDED).contains(who)
	}
	/// Lets a suspended `who` act again.
	pub fn reactivate(who: u64) {
		mock_state::with(SUSPENDED, |s: &mut Vec<u64>| s.retain(|w| *w != who));
	}
	/// The accounts holding `role` and not suspended, sorted.
	pub fn with_role(role: Role) -> Vec<u64> {
		let suspended = mock_state::get::<Vec<u64>>(SUSPENDED);
		let mut members: Vec<u64> = mock_state::get::<Vec<(u64, Role)>>(ACTORS)
			.into_iter()
			.filter(|(w, r)| *r == role && !suspended.contains(w))
			.map(|(w, _)| w)
			.collect();
		members.sort();
		members.dedup();
		members
	}
}

impl RoleProvider<u64> for MockActors {
	fn has_role(who: &u64, role: Role) -> bool {
		mock_state::get::<Vec<(u64, Role)>>(ACTORS).contains(&(*who, role))
			&& !mock_state::get::<Vec<u64>>(SUSPENDED).contains(who)
	}
	fn is_suspended(who: &u64) -> bool {
		mock_state::get::<Vec<u64>>(SUSPENDED).contains(who)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_role(who: &u64, role: Role) {
		MockActors::grant(*who, role);
	}
}

/// The active actors with the role `R`, for `frame_system::EnsureSignedBy` origins (the
/// stand-in of `pallet_actors::EnsureActorWithRole`).
pub struct ActorsWithRole<R>(PhantomData<R>);

impl<R: Get<Role>> SortedMembers<u64> for ActorsWithRole<R> {
	fn sorted_members() -> Vec<u64> {
		MockActors::with_role(R::get())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add(who: &u64) {
		MockActors::grant(*who, R::get());
	}
}

/// A machine of [`MockMachines`].
#[derive(Clone, Debug, Decode, Encode)]
pub struct MockMachine {
	/// Its owner.
	pub owner: u64,
	/// What it is doing.
	pub status: MachineStatus,
	/// The capabilities it holds with a valid credential.
	pub caps: Vec<Vec<u8>>,
	/// Tasks completed.
	pub completed: u32,
	/// Tasks failed.
	pub failed: u32,
	/// Since when it is idle (ms since the epoch).
	pub idle_since: Moment,
	/// Whether matching dropped it from the idle index (until it is set idle again).
	pub unlisted: bool,
}

/// pallet-machines stand-in, reading the time from `Time` (the mock's `Timestamp`).
pub struct MockMachines<Time>(PhantomData<Time>);

fn with_machines<R>(f: impl FnOnce(&mut BTreeMap<u64, MockMachine>) -> R) -> R {
	mock_state::with(MACHINES, f)
}

fn machines() -> BTreeMap<u64, MockMachine> {
	mock_state::get(MACHINES)
}

impl<Time: UnixTime> MockMachines<Time> {
	fn now() -> Moment {
		Time::now().as_millis() as Moment
	}
	/// Registers an idle `machine` of `owner` holding `caps`.
	pub fn add(machine: u64, owner: u64, caps: &[&str]) {
		let m = MockMachine {
			owner,
			status: MachineStatus::Idle,
			caps: caps.iter().map(|c| c.as_bytes().to_vec()).collect(),
			completed: 0,
			failed: 0,
			idle_since: Self::now(),
			unlisted: false,
		};
		with_machines(|ms| ms.insert(machine, m));
	}
	/// The machine; panics if there is none.
	pub fn get(machine: u64) -> MockMachine {
		machines().get(&machine).cloned().expect("a machine")
	}
	/// Changes the machine with `f`.
	pub fn set(machine: u64, f: impl FnOnce(&mut MockMachine)) {
		with_machines(|ms| f(ms.get_mut(&machine).expect("a machine")));
	}
	/// Sets the machine's status.
	pub fn set_status(machine: u64, status: MachineStatus) {
		Self::set(machine, |m| {
			m.status = status;
			m.unlisted = false;
		});
	}
	/// The credential behind `capability` stops being valid.
	pub fn invalidate(machine: u64, capability: &str) {
		Self::set(machine, |m| m.caps.retain(|c| c != capability.as_bytes()));
	}
}

impl<Time: UnixTime> MachineRegistry<u64> for MockMachines<Time> {
	fn can_perform(machine: &u64, capability: &[u8]) -> bool {
		machines().get(machine).is_some_and(|m| {
			m.status != MachineStatus::Retired && m.caps.iter().any(|c| c == capability)
		})
	}
	fn status(machine: &u64) -> Option<MachineStatus> {
		machines().get(machine).map(|m| m.status)
	}
	fn owner(machine: &u64) -> Option<u64> {
		machines().get(machine).map(|m| m.owner)
	}
	fn idle_candidates(
		capability: &[u8],
		max: u32,
		usable: &dyn Fn(&u64) -> bool,
	) -> Vec<(u64, u32, Moment)> {
		let listed: Vec<(u64, MockMachine)> = machines()
			.into_iter()
			.filter(|(_, m)| {
				m.status == MachineStatus::Idle
					&& !m.unlisted && m.caps.iter().any(|c| c == capability)
			})
			.take(max as usize)
			.collect();
		let mut found = Vec::new();
		for (id, m) in listed {
			if usable(&id) {
				found.push((id, m.completed + m.failed, m.idle_since));
			} else {
				Self::set(id, |m| m.unlisted = true);
			}
		}
		found
	}
	fn start_task(machine: &u64, task: TaskId) -> DispatchResult {
		with_machines(|ms| {
			let m = ms.get_mut(machine).ok_or(DispatchError::Other("unknown machine"))?;
			if m.status != MachineStatus::Idle {
				return Err(DispatchError::Other("not idle"));
			}
			m.status = MachineStatus::Busy(task);
			Ok(())
		})
	}
	fn finish_task(machine: &u64, task: TaskId, success: bool) -> DispatchResult {
		let now = Self::now();
		with_machines(|ms| {
			let m = ms.get_mut(machine).ok_or(DispatchError::Other("unknown machine"))?;
			if m.status == MachineStatus::Busy(task) {
				m.status = MachineStatus::Idle;
				m.idle_since = now;
				m.unlisted = false;
			} else if m.status != MachineStatus::Maintenance {
				return Err(DispatchError::Other("not busy with the task"));
			}
			if success {
				m.completed += 1;
			} else {
				m.failed += 1;
			}
			Ok(())
		})
	}
	fn enter_maintenance(machine: &u64) -> DispatchResult {
		with_machines(|ms| {
			let m = ms.get_mut(machine).ok_or(DispatchError::Other("unknown machine"))?;
			if !matches!(m.status, MachineStatus::Idle | MachineStatus::Busy(_)) {
				return Err(DispatchError::Other("neither idle nor busy"));
			}
			m.status = MachineStatus::Maintenance;
			Ok(())
		})
	}
}

/// A credential of [`MockCredentials`].
#[derive(Clone, Debug, Decode, Encode)]
pub struct MockCredential {
	/// Whom it is about.
	pub subject: u64,
	/// Who issued it.
	pub issuer: u64,
	/// The capability it claims (empty: none).
	pub capability: Vec<u8>,
	/// Why it is not valid, if it is not.
	pub failure: Option<CapabilityError>,
}

/// pallet-credentials stand-in: anchored credentials by digest.
pub struct MockCredentials;

impl MockCredentials {
	/// Anchors `digest` (any bytes) about `subject` by `issuer`, claiming `capability`.
	pub fn insert(digest: Digest, subject: u64, issuer: u64, capability: &[u8]) {
		let c = MockCredential { subject, issuer, capability: capability.to_vec(), failure: None };
		mock_state::with(CREDENTIALS, |cs: &mut BTreeMap<Digest, MockCredential>| {
			cs.insert(digest, c)
		});
	}
	/// Anchors the credential `[digest; 32]` about `subject` by `issuer`, claiming nothing.
	pub fn anchor(digest: u8, subject: u64, issuer: u64) -> Digest {
		Self::insert([digest; 32], subject, issuer, b"");
		[digest; 32]
	}
	/// Anchors the capability credential `[digest; 32]` about `subject`, claiming `capability`.
	pub fn anchor_capability(digest: u8, subject: u64, capability: &str) -> Digest {
		Self::insert([digest; 32], subject, 0, capability.as_bytes());
		[digest; 32]
	}
	/// The credential `[digest; 32]` fails with `error` from now on.
	pub fn fail(digest: u8, error: CapabilityError) {
		mock_state::with(CREDENTIALS, |cs: &mut BTreeMap<Digest, MockCredential>| {
			cs.get_mut(&[digest; 32]).expect("an anchored credential").failure = Some(error)
		});
	}
	fn get(digest: &Digest) -> Result<MockCredential, CapabilityError> {
		mock_state::get::<BTreeMap<Digest, MockCredential>>(CREDENTIALS)
			.get(digest)
			.cloned()
			.ok_or(CapabilityError::Unknown)
	}
}

impl CapabilityCheck<u64> for MockCredentials {
	fn check_capability(
		subject: &u64,
		capability: &[u8],
		credential: &Digest,
	) -> Result<Capability, CapabilityError> {
		let c = Self::get(credential)?;
		if c.subject != *subject {
			return Err(CapabilityError::WrongSubject);
		}
		if c.capability != capability {
			return Err(CapabilityError::WrongCapability);
		}
		if let Some(e) = c.failure {
			return Err(e);
		}
		let id = c.capability.try_into().map_err(|_| CapabilityError::WrongCapability)?;
		Ok(Capability { id, params: Default::default() })
	}
}

impl CredentialCheck<u64> for MockCredentials {
	fn check_credential(subject: &u64, credential: &Digest) -> Result<u64, CapabilityError> {
		let c = Self::get(credential)?;
		if c.subject != *subject {
			return Err(CapabilityError::WrongSubject);
		}
		c.failure.map_or(Ok(c.issuer), Err)
	}
}
