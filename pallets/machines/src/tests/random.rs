//! Random call sequences against a reference model: deposits, indices and history hold after
//! every call.

use super::*;
use pallet_test_utils::{refusal, refuse};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use std::collections::BTreeMap;
use twinchain_primitives::CapabilityCheck;

/// The machines the random sequences use: 100 ..= 103 consent to the manufacturer's
/// registration (100 and 101 also have [`GATEWAY`] as gateway), 104 does not, 105's DID is
/// deactivated.
const IDS: [u64; 6] = [MILL, 101, 102, 103, 104, 105];
const DEACTIVATED_DID: u64 = 105;
/// An account with no role and no funds.
const NOBODY: u64 = 30;
/// Who calls: the manufacturer, the factory, a stranger, the gateway and the machines.
const ACTORS: [u64; 9] = [MANUFACTURER, FACTORY, NOBODY, GATEWAY, MILL, 101, 102, 103, 104];
/// Four capabilities, one more than `MaxCapabilities`.
const CAPS: [&str; 4] = ["mill", "drill", "kiln", "sort"];

/// The digest of the credential anchored for `machine` (100 ..= 104) and `CAPS[cap]`.
fn credential(machine: u64, cap: usize) -> Digest {
	[1 + (machine - MILL) as u8 * 4 + cap as u8; 32]
}

type Caller = pallet_test_utils::Caller<u64>;

/// Mostly (70%) one of `right` (who may make the call), sometimes any actor, root or no one.
fn pick(rng: &mut StdRng, right: &[u64]) -> Caller {
	Caller::pick(rng, right, &ACTORS, 70)
}

fn credential_error_name(e: CapabilityError) -> &'static str {
	match e {
		CapabilityError::Unknown => "CredentialUnknown",
		CapabilityError::WrongSubject => "CredentialNotForMachine",
		CapabilityError::WrongCapability => "CredentialWrongCapability",
		CapabilityError::OutsideValidity => "CredentialNotValidNow",
		CapabilityError::Revoked => "CredentialRevoked",
		CapabilityError::Suspended => "CredentialSuspended",
	}
}

fn now() -> Stamp<u64> {
	Stamp { block: System::block_number(), time: Timestamp::get() }
}

/// What the test expects the pallet to store for a machine, kept from the calls that succeeded
/// (a reference model written from the pallet's documentation).
#[derive(Clone, Debug)]
struct Twin {
	machine: MachineOf<Test>,
	capabilities: BTreeMap<Vec<u8>, Digest>,
	history: Vec<HistoryEntry<Test>>,
}

impl Twin {
	fn new(nameplate: Nameplate) -> Self {
		let at = now();
		Twin {
			machine: Machine {
				owner: MANUFACTURER,
				manufacturer: MANUFACTURER,
				nameplate,
				status: MachineStatus::Idle,
				status_since: at,
				registered: at,
				tasks_completed: 0,
				tasks_failed: 0,
				maintenance_events: 0,
				capabilities: 0,
				deposit: 100,
			},
			capabilities: BTreeMap::new(),
			history: vec![(at, MachineStatus::Idle)],
		}
	}
	fn set_status(&mut self, status: MachineStatus) {
		let m = &mut self.machine;
		if status == MachineStatus::Maintenance && m.status != MachineStatus::Maintenance {
			m.maintenance_events += 1;
		}
		m.status = status;
		m.status_since = now();
		self.history.push((now(), status));
		if self.history.len() > 4 {
			self.history.remove(0);
		}
	}
	fn sync_capabilities(&mut self) {
		self.machine.capabilities = self.capabilities.len() as u32;
	}
}

/// What must hold after every call, read from storage alone:
/// - no balance was made or lost (total issuance unchanged);
/// - each account's `MachineDeposit` hold is exactly the deposits of the machines it
///   registered, 100 for each machine in service and nothing for a retired one;
/// - each machine's capability count equals its stored capabilities, within `MaxCapabilities`;
///   a retired machine has none;
/// - the index from capability to machines and the machines' capabilities name each other (no
///   dangling index entry, no capability missing from the index), and only registered machines;
/// - every credential behind a stored capability was issued for that machine and that
///   capability (it may have stopped being valid since);
/// - each registered machine has a status history of 1 ..= `MaxStatusHistory` entries in time
///   order ending with its current status and since when; none is kept for unknown machines;
///   `status_at(now)` is the current status;
/// - `can_perform`, `idle_candidates` and `by_capability` agree with what is stored.
fn check_invariants(issuance: Balance) {
	assert_eq!(Machines::do_try_state(), Ok(()), "the pallet's try_state invariants");
	type Reg = Machines;
	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let mut owed: BTreeMap<u64, Balance> = BTreeMap::new();
	for (id, m) in MachineRecords::<Test>::iter() {
		*owed.entry(m.manufacturer).or_default() += m.deposit;
		let caps: Vec<(CapabilityKey, Digest)> = Capabilities::<Test>::iter_prefix(id).collect();
		assert_eq!(m.capabilities as usize, caps.len(), "capability count of {id}");
		assert!(m.capabilities <= MaxCapabilities::get(), "{id} above MaxCapabilities");
		if m.status == MachineStatus::Retired {
			assert!(caps.is_empty(), "retired {id} keeps capabilities");
			assert_eq!(m.deposit, 0, "retired {id} keeps its deposit");
		} else {
			assert_eq!(m.deposit, 100, "deposit of {id}");
		}
		for (cap, digest) in &caps {
			assert!(ByCapability::<Test>::contains_key(cap, id), "{id} missing from the index");
			match MockCredentials::check_capability(&id, cap, digest) {
				Ok(_)
				| Err(
					CapabilityError::OutsideValidity
					| CapabilityError::Revoked
					| CapabilityError::Suspended,
				) => {},
				Err(e) => {
					panic!("{id} holds {cap:?} behind a credential for something else: {e:?}")
				},
			}
		}
		let history = StatusHistory::<Test>::get(id);
		assert!(!history.is_empty() && history.len() <= 4, "history length of {id}");
		assert_eq!(history.last(), Some(&(m.status_since, m.status)), "latest entry of {id}");
		assert!(
			history
				.windows(2)
				.all(|p| p[0].0.block <= p[1].0.block && p[0].0.time <= p[1].0.time),
			"history of {id} out of order"
		);
		assert_eq!(Machines::status_at(&id, Timestamp::get()), Some(m.status), "status_at {id}");
		for c in CAPS {
			let expected = m.status != MachineStatus::Retired
				&& Capabilities::<Test>::get(id, key(c)).is_some_and(|d| {
					MockCredentials::check_capability(&id, c.as_bytes(), &d).is_ok()
				});
			assert_eq!(<Reg as MachineRegistry<u64>>::can_perform(&id, c.as_bytes()), expected);
		}
	}
	for (cap, id) in ByCapability::<Test>::iter_keys() {
		assert!(Capabilities::<Test>::contains_key(id, &cap), "dangling index entry {id}");
		assert!(MachineRecords::<Test>::contains_key(id), "index entry of unknown {id}");
	}
	for id in Capabilities::<Test>::iter_keys().map(|(id, _)| id) {
		assert!(MachineRecords::<Test>::contains_key(id), "capability of unknown {id}");
	}
	for id in StatusHistory::<Test>::iter_keys() {
		assert!(MachineRecords::<Test>::contains_key(id), "history of unknown {id}");
	}
	for who in ACTORS.into_iter().chain([DEACTIVATED_DID]) {
		let held = Balances::balance_on_hold(&HoldReason::MachineDeposit.into(), &who);
		assert_eq!(held, owed.get(&who).copied().unwrap_or(0), "held by {who}");
	}
	for c in CAPS {
		let capable: Vec<(u64, MachineOf<Test>)> = ByCapability::<Test>::iter_key_prefix(key(c))
			.filter(|id| <Reg as MachineRegistry<u64>>::can_perform(id, c.as_bytes()))
			.map(|id| (id, MachineRecords::<Test>::get(id).unwrap()))
			.collect();
		let mut idle: Vec<(u64, u32, u64)> = capable
			.iter()
			.filter(|(_, m)| m.status == MachineStatus::Idle)
			.map(|(id, m)| (*id, m.tasks_completed + m.tasks_failed, m.status_since.time))
			.collect();
		// Every idle machine that can perform the capability is in the idle index, which
		// matching reads (entries it drops are those of machines that cannot).
		for (id, _, _) in idle.iter() {
			assert!(IdleByCapability::<Test>::contains_key(key(c), id), "{id} not listed idle");
		}
		let all = |_: &u64| true;
		let mut candidates =
			<Reg as MachineRegistry<u64>>::idle_candidates(c.as_bytes(), 100, &all);
		idle.sort();
		candidates.sort();
		assert_eq!(candidates, idle, "idle candidates for {c}");
		let found = Machines::by_capability(c.as_bytes());
		assert_eq!(found.len(), capable.len(), "by_capability({c})");
		assert!(found
			.windows(2)
			.all(|p| p[0].1 == MachineStatus::Idle || p[1].1 != MachineStatus::Idle));
		for (id, status) in found {
			assert!(capable.iter().any(|(x, m)| *x == id && m.status == status));
		}
	}
}

/// The pallet stores exactly what the calls that succeeded imply: the same machines, each with
/// the expected owner, status, counters, capabilities, deposit and status history.
fn check_model(twins: &BTreeMap<u64, Twin>) {
	assert_eq!(MachineRecords::<Test>::iter_keys().count(), twins.len(), "registered machines");
	for (id, t) in twins {
		assert_eq!(MachineRecords::<Test>::get(id).as_ref(), Some(&t.machine), "record of {id}");
		let caps: BTreeMap<Vec<u8>, Digest> =
			Capabilities::<Test>::iter_prefix(id).map(|(k, d)| (k.to_vec(), d)).collect();
		assert_eq!(caps, t.capabilities, "capabilities of {id}");
		assert_eq!(StatusHistory::<Test>::get(id).into_inner(), t.history, "history of {id}");
	}
}

#[test]
fn deposits_indices_and_history_hold_over_random_call_sequences() {
	type Reg = Machines;
	const SEQUENCES: u64 = 150;
	const STEPS: usize = 60;
	let mut succeeded: BTreeMap<&str, u32> = BTreeMap::new();
	let mut refused: BTreeMap<String, u32> = BTreeMap::new();
	let (mut sequences, mut calls, mut environment) = (0u32, 0u32, 0u32);
	for seed in 0..SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			// Every other sequence, the manufacturer can pay for three machines only.
			if seed % 2 == 1 {
				<Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(
					&MANUFACTURER,
					320,
				);
			}
			for m in MILL..=104 {
				for (i, c) in CAPS.iter().enumerate() {
					MockCredentials::anchor_capability(credential(m, i)[0], m, c);
				}
			}
			// Who acts for each machine's DID besides its own key (the model of the DID pallet).
			let mut delegates: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
			for (m, d) in [
				(MILL, MANUFACTURER),
				(101, MANUFACTURER),
				(102, MANUFACTURER),
				(103, MANUFACTURER),
				(MILL, GATEWAY),
				(101, GATEWAY),
			] {
				MockDid::add_gateway(m, d);
				delegates.entry(m).or_default().push(d);
			}
			MockDid::deactivate(DEACTIVATED_DID);
			let issuance = Balances::total_issuance();
			let mut twins: BTreeMap<u64, Twin> = BTreeMap::new();
			for step in 0..STEPS {
				// Mostly a machine in service, or one not registered yet to register; more
				// registrations while fewer than three machines are in service.
				let (active, unregistered): (Vec<u64>, Vec<u64>) = (
					IDS.into_iter()
						.filter(|id| {
							twins
								.get(id)
								.is_some_and(|t| t.machine.status != MachineStatus::Retired)
						})
						.collect(),
					IDS.into_iter().filter(|id| !twins.contains_key(id)).collect(),
				);
				let op =
					if active.len() < 3 && rng.gen_bool(0.3) { 0 } else { rng.gen_range(0..20) };
				let prefer = if op <= 1 { unregistered } else { active };
				let machine = if !prefer.is_empty() && rng.gen_bool(0.8) {
					*prefer.choose(&mut rng).unwrap()
				} else {
					*IDS.choose(&mut rng).unwrap()
				};
				let twin = twins.get(&machine).cloned();
				let owner = twin.as_ref().map_or(MANUFACTURER, |t| t.machine.owner);
				let status = twin.as_ref().map(|t| t.machine.status);
				let c = rng.gen_range(0..CAPS.len());
				let cap = key(CAPS[c]);
				let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let (call, expected, outcome): (&str, Result<(), String>, Result<(), String>) =
					match op {
						0 | 1 => {
							let who = pick(&mut rng, &[MANUFACTURER]);
							let year = if rng.gen_bool(0.85) {
								rng.gen_range(1990..=2030)
							} else {
								*[0, 1899, 1900, 2200, 2201, u16::MAX].choose(&mut rng).unwrap()
							};
							let expected = (|| -> Result<(), String> {
								if who.signer()? != MANUFACTURER {
									return refuse("BadOrigin");
								}
								if twin.is_some() {
									return refuse("AlreadyRegistered");
								}
								if machine == DEACTIVATED_DID {
									return refuse("DidDeactivated");
								}
								let acts = delegates
									.get(&machine)
									.is_some_and(|d| d.contains(&MANUFACTURER));
								if !acts {
									return refuse("NoConsent");
								}
								if !(1900..=2200).contains(&year) {
									return refuse("InvalidNameplate");
								}
								// A hold leaves the existential deposit (1) free.
								if Balances::free_balance(MANUFACTURER) < 101 {
									return refuse("Token(FundsUnavailable)");
								}
								Ok(())
							})();
							let outcome =
								Machines::register_machine(who.origin(), machine, nameplate(year))
									.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								twins.insert(machine, Twin::new(nameplate(year)));
							}
							("register_machine", expected, outcome)
						},
						2..=5 => {
							let who = pick(&mut rng, &[owner]);
							// Often one it does not hold yet, to reach the bound.
							let missing: Vec<usize> = (0..CAPS.len())
								.filter(|i| {
									twin.as_ref().is_some_and(|t| {
										!t.capabilities.contains_key(CAPS[*i].as_bytes())
									})
								})
								.collect();
							let c = match missing.choose(&mut rng) {
								Some(i) if rng.gen_bool(0.6) => *i,
								_ => c,
							};
							let cap = key(CAPS[c]);
							let digest = match rng.gen_range(0..10) {
								0..=6 => credential(machine.min(104), c),
								7 => credential(rng.gen_range(MILL..=104), rng.gen_range(0..4)),
								8 => [250; 32],
								_ => credential(machine.min(104), rng.gen_range(0..4)),
							};
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(t) = &twin else { return refuse("UnknownMachine") };
								if who != t.machine.owner {
									return refuse("NotOwner");
								}
								if t.machine.status == MachineStatus::Retired {
									return refuse("Retired");
								}
								MockCredentials::check_capability(&machine, &cap, &digest)
									.map_err(|e| credential_error_name(e).to_string())?;
								if !t.capabilities.contains_key(&cap[..])
									&& t.capabilities.len() >= 3
								{
									return refuse("TooManyCapabilities");
								}
								Ok(())
							})();
							let outcome = Machines::add_capability(
								who.origin(),
								machine,
								cap.clone(),
								digest,
							)
							.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								let t = twins.get_mut(&machine).unwrap();
								t.capabilities.insert(cap.to_vec(), digest);
								t.sync_capabilities();
							}
							("add_capability", expected, outcome)
						},
						6 => {
							let who = pick(&mut rng, &[owner]);
							// Mostly one it holds.
							let held: Vec<Vec<u8>> = twin
								.as_ref()
								.map_or(Vec::new(), |t| t.capabilities.keys().cloned().collect());
							let cap: CapabilityKey = match held.choose(&mut rng) {
								Some(k) if rng.gen_bool(0.7) => k.clone().try_into().unwrap(),
								_ => cap,
							};
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(t) = &twin else { return refuse("UnknownMachine") };
								if who != t.machine.owner {
									return refuse("NotOwner");
								}
								if t.machine.status == MachineStatus::Retired {
									return refuse("Retired");
								}
								if !t.capabilities.contains_key(&cap[..]) {
									return refuse("UnknownCapability");
								}
								Ok(())
							})();
							let outcome =
								Machines::remove_capability(who.origin(), machine, cap.clone())
									.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								let t = twins.get_mut(&machine).unwrap();
								t.capabilities.remove(&cap[..]);
								t.sync_capabilities();
							}
							("remove_capability", expected, outcome)
						},
						7..=9 => {
							let who = pick(&mut rng, &[owner, machine, GATEWAY]);
							let new = match rng.gen_range(0..10) {
								0..=2 => MachineStatus::Idle,
								3 | 4 => MachineStatus::Busy(rng.gen_range(0..4)),
								5 | 6 => MachineStatus::Maintenance,
								7 | 8 => MachineStatus::Offline,
								_ => MachineStatus::Retired,
							};
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(t) = &twin else { return refuse("UnknownMachine") };
								let delegate =
									delegates.get(&machine).is_some_and(|d| d.contains(&who));
								if who != t.machine.owner && who != machine && !delegate {
									return refuse("NotAuthorized");
								}
								if new == MachineStatus::Retired {
									return refuse("UseRetire");
								}
								if t.machine.status == MachineStatus::Retired {
									return refuse("Retired");
								}
								Ok(())
							})();
							let outcome = Machines::set_status(who.origin(), machine, new)
								.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								twins.get_mut(&machine).unwrap().set_status(new);
							}
							("set_status", expected, outcome)
						},
						10 => {
							let who = pick(&mut rng, &[owner]);
							let to =
								*[MANUFACTURER, FACTORY, NOBODY, GATEWAY].choose(&mut rng).unwrap();
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(t) = &twin else { return refuse("UnknownMachine") };
								if who != t.machine.owner {
									return refuse("NotOwner");
								}
								if t.machine.status == MachineStatus::Retired {
									return refuse("Retired");
								}
								if t.machine.owner == to {
									return refuse("SameOwner");
								}
								Ok(())
							})();
							let outcome = Machines::transfer_ownership(who.origin(), machine, to)
								.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								twins.get_mut(&machine).unwrap().machine.owner = to;
								// The DID goes with it: the old delegates lose their power.
								delegates.insert(machine, vec![to]);
							}
							("transfer_ownership", expected, outcome)
						},
						11 => {
							let who = pick(&mut rng, &[owner]);
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(t) = &twin else { return refuse("UnknownMachine") };
								if who != t.machine.owner {
									return refuse("NotOwner");
								}
								if t.machine.status == MachineStatus::Retired {
									return refuse("Retired");
								}
								Ok(())
							})();
							let outcome =
								Machines::retire(who.origin(), machine).map_err(|e| refusal(&e));
							if outcome.is_ok() {
								let t = twins.get_mut(&machine).unwrap();
								t.capabilities.clear();
								t.sync_capabilities();
								t.machine.deposit = 0;
								t.set_status(MachineStatus::Retired);
							}
							("retire", expected, outcome)
						},
						// What pallet-tasks calls: not dispatchables, so not transactional by
						// themselves; a refusal must still change nothing.
						12 => {
							let task = rng.gen_range(0..4);
							let expected = match status {
								Some(MachineStatus::Idle) => Ok(()),
								None => refuse("UnknownMachine"),
								Some(_) => refuse("NotIdle"),
							};
							let outcome = <Reg as MachineRegistry<u64>>::start_task(&machine, task)
								.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								twins
									.get_mut(&machine)
									.unwrap()
									.set_status(MachineStatus::Busy(task));
							}
							("start_task (tasks pallet)", expected, outcome)
						},
						13 => {
							// Mostly the task it is busy with.
							let task = match status {
								Some(MachineStatus::Busy(task)) if rng.gen_bool(0.7) => task,
								_ => rng.gen_range(0..4),
							};
							let success = rng.gen_bool(0.7);
							let busy = status == Some(MachineStatus::Busy(task));
							let expected = if busy || status == Some(MachineStatus::Maintenance) {
								Ok(())
							} else if status.is_none() {
								refuse("UnknownMachine")
							} else {
								refuse("NotBusyWithTask")
							};
							let outcome =
								<Reg as MachineRegistry<u64>>::finish_task(&machine, task, success)
									.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								let t = twins.get_mut(&machine).unwrap();
								if success {
									t.machine.tasks_completed += 1;
								} else {
									t.machine.tasks_failed += 1;
								}
								if busy {
									t.set_status(MachineStatus::Idle);
								}
							}
							("finish_task (tasks pallet)", expected, outcome)
						},
						14 => {
							let expected = match status {
								Some(MachineStatus::Idle | MachineStatus::Busy(_)) => Ok(()),
								None => refuse("UnknownMachine"),
								Some(_) => refuse("CannotEnterMaintenance"),
							};
							let outcome =
								<Reg as MachineRegistry<u64>>::enter_maintenance(&machine)
									.map_err(|e| refusal(&e));
							if outcome.is_ok() {
								twins
									.get_mut(&machine)
									.unwrap()
									.set_status(MachineStatus::Maintenance);
							}
							("enter_maintenance (tasks pallet)", expected, outcome)
						},
						// A credential stops being valid (expired, revoked, suspended).
						15 => {
							let error = *[
								CapabilityError::OutsideValidity,
								CapabilityError::Revoked,
								CapabilityError::Suspended,
							]
							.choose(&mut rng)
							.unwrap();
							let digest = credential(rng.gen_range(MILL..=104), rng.gen_range(0..4));
							MockCredentials::fail(digest[0], error);
							("(a credential stops being valid)", Ok(()), Ok(()))
						},
						// The next block, up to 6 s later.
						_ => {
							advance(rng.gen_range(1..6_000));
							("(next block)", Ok(()), Ok(()))
						},
					};
				assert_eq!(outcome, expected, "seed {seed}, step {step}: {call} on {machine}");
				if call.starts_with('(') {
					environment += 1;
				} else {
					calls += 1;
					match &outcome {
						Ok(()) => *succeeded.entry(call).or_default() += 1,
						Err(e) => {
							assert_eq!(
								sp_io::storage::root(sp_runtime::StateVersion::V1),
								before,
								"seed {seed}, step {step}: a refused {call} changed the state"
							);
							*refused.entry(format!("{call}: {e}")).or_default() += 1;
						},
					}
				}
				check_invariants(issuance);
				check_model(&twins);
			}
			sequences += 1;
		});
	}
	let ok: u32 = succeeded.values().sum();
	let failed: u32 = refused.values().sum();
	println!(
		"{sequences} sequences, {calls} calls ({ok} succeeded, {failed} refused), \
		 {environment} blocks or credential changes"
	);
	println!("succeeded: {succeeded:?}");
	println!("refused: {refused:#?}");
	assert_eq!(sequences as u64, SEQUENCES);
	// Not vacuous: every call succeeded and was refused often, and every error was met.
	assert!(ok > 2_000 && failed > 2_000, "{ok} succeeded, {failed} refused");
	for call in [
		"register_machine",
		"add_capability",
		"remove_capability",
		"set_status",
		"transfer_ownership",
		"retire",
		"start_task (tasks pallet)",
		"finish_task (tasks pallet)",
		"enter_maintenance (tasks pallet)",
	] {
		assert!(succeeded.get(call).copied().unwrap_or(0) >= 50, "{call} rarely succeeded");
	}
	let errors: std::collections::BTreeSet<&str> =
		refused.keys().map(|k| k.rsplit(": ").next().unwrap()).collect();
	for error in [
		"AlreadyRegistered",
		"UnknownMachine",
		"DidDeactivated",
		"NoConsent",
		"NotOwner",
		"NotAuthorized",
		"Retired",
		"UseRetire",
		"TooManyCapabilities",
		"UnknownCapability",
		"CredentialUnknown",
		"CredentialNotForMachine",
		"CredentialWrongCapability",
		"CredentialNotValidNow",
		"CredentialRevoked",
		"CredentialSuspended",
		"InvalidNameplate",
		"SameOwner",
		"BadOrigin",
		"Token(FundsUnavailable)",
		"NotIdle",
		"NotBusyWithTask",
		"CannotEnterMaintenance",
	] {
		assert!(errors.contains(error), "{error} never met");
	}
}
