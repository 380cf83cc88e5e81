//! Unit tests of the actors pallet.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok, parameter_types,
	traits::{EnsureOrigin, Get},
};
use pallet_test_utils::{refusal, state_root};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::{traits::Dispatchable, DispatchError};
use std::collections::{BTreeMap, BTreeSet};

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn genesis_sets_registrars_and_actors() {
	new_test_ext().execute_with(|| {
		assert_eq!(Registrars::<Test>::get().into_inner(), vec![1, 2]);
		let a = ActorRecords::<Test>::get(10).unwrap();
		assert!(a.roles.contains(Role::Manufacturer));
		assert!(!a.roles.contains(Role::Supplier));
		assert_eq!(a.status, ActorStatus::Active);
		assert_eq!(a.name.to_vec(), b"Factory A".to_vec());
		assert!(<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
	});
}

#[test]
fn privileged_origin_manages_registrars() {
	new_test_ext().execute_with(|| {
		assert_noop!(Actors::add_registrar(RuntimeOrigin::signed(1), 3), DispatchError::BadOrigin);
		assert_ok!(Actors::add_registrar(RuntimeOrigin::root(), 3));
		assert_eq!(last_event(), Event::RegistrarAdded { registrar: 3 }.into());
		assert_noop!(
			Actors::add_registrar(RuntimeOrigin::root(), 3),
			Error::<Test>::AlreadyRegistrar
		);
		assert_noop!(
			Actors::add_registrar(RuntimeOrigin::root(), 4),
			Error::<Test>::TooManyRegistrars
		);
		assert_ok!(Actors::remove_registrar(RuntimeOrigin::root(), 1));
		assert_eq!(last_event(), Event::RegistrarRemoved { registrar: 1 }.into());
		assert_noop!(
			Actors::remove_registrar(RuntimeOrigin::root(), 1),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::register_actor(
				RuntimeOrigin::signed(1),
				20,
				Role::Customer,
				Default::default()
			),
			Error::<Test>::NotRegistrar
		);
		assert_eq!(Registrars::<Test>::get().into_inner(), vec![2, 3]);
	});
}

#[test]
fn only_registrars_register_and_roles_accumulate() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Actors::register_actor(
				RuntimeOrigin::signed(10),
				20,
				Role::Supplier,
				Default::default()
			),
			Error::<Test>::NotRegistrar
		);
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::signed(1),
			20,
			Role::Supplier,
			b"Supplier A".to_vec().try_into().unwrap()
		));
		assert_eq!(
			last_event(),
			Event::ActorRegistered { actor: 20, role: Role::Supplier, registrar: 1 }.into()
		);
		assert_noop!(
			Actors::register_actor(
				RuntimeOrigin::signed(1),
				20,
				Role::Supplier,
				Default::default()
			),
			Error::<Test>::AlreadyHasRole
		);
		// Registrar 2 did not register 20; the certifier role is the privileged origin's.
		assert_noop!(
			Actors::register_actor(
				RuntimeOrigin::signed(2),
				20,
				Role::Customer,
				Default::default()
			),
			Error::<Test>::NotTheirRegistrar
		);
		assert_noop!(
			Actors::register_actor(
				RuntimeOrigin::signed(1),
				20,
				Role::Certifier,
				Default::default()
			),
			Error::<Test>::PrivilegedOnly
		);
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::root(),
			20,
			Role::Certifier,
			Default::default()
		));
		assert_eq!(
			last_event(),
			Event::ActorRegistered {
				actor: 20,
				role: Role::Certifier,
				registrar: consortium_account()
			}
			.into()
		);
		let a = ActorRecords::<Test>::get(20).unwrap();
		assert!(a.roles.contains(Role::Supplier) && a.roles.contains(Role::Certifier));
		assert_eq!(a.name.to_vec(), b"Supplier A".to_vec(), "an empty name keeps the old one");
		assert_eq!(a.registrar, 1);
		assert!(!<Actors as RoleProvider<u64>>::has_role(&20, Role::Auditor));
		// A name over 64 bytes does not decode: the pool refuses such a call, nobody pays.
		let encoded = |len: usize| {
			let mut bytes = vec![2u8]; // register_actor's call index
			(21u64, Role::Customer, vec![b'x'; len]).encode_to(&mut bytes);
			bytes
		};
		assert!(Call::<Test>::decode(&mut &encoded(64)[..]).is_ok());
		assert!(Call::<Test>::decode(&mut &encoded(65)[..]).is_err());
	});
}

#[test]
fn suspension_withdraws_roles_until_reactivated() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(10), 10),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(1), 99),
			Error::<Test>::UnknownActor
		);
		assert_noop!(
			Actors::reactivate_actor(RuntimeOrigin::signed(1), 10),
			Error::<Test>::NotSuspended
		);
		// 10's registrar of record is 1 (the first genesis registrar): 2 may not touch it.
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(2), 10),
			Error::<Test>::NotTheirRegistrar
		);
		assert_ok!(Actors::suspend_actor(RuntimeOrigin::signed(1), 10));
		assert_eq!(last_event(), Event::ActorSuspended { actor: 10, registrar: 1 }.into());
		assert!(!<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
		assert_noop!(
			Actors::suspend_actor(RuntimeOrigin::signed(1), 10),
			Error::<Test>::AlreadySuspended
		);
		assert_noop!(
			Actors::reactivate_actor(RuntimeOrigin::signed(2), 99),
			Error::<Test>::UnknownActor
		);
		assert_noop!(
			Actors::reactivate_actor(RuntimeOrigin::signed(2), 10),
			Error::<Test>::NotTheirRegistrar
		);
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&10), "suspended");
		// The privileged origin manages every actor.
		assert_ok!(Actors::reactivate_actor(RuntimeOrigin::root(), 10));
		assert_eq!(
			last_event(),
			Event::ActorReactivated { actor: 10, registrar: consortium_account() }.into()
		);
		assert!(<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer));
		assert!(<Actors as RoleProvider<u64>>::is_active_actor(&10));
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&99), "never registered");
	});
}

#[test]
fn registrars_revoke_single_roles() {
	new_test_ext().execute_with(|| {
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::signed(1),
			10,
			Role::Auditor,
			Default::default()
		));
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(10), 10, Role::Auditor),
			Error::<Test>::NotRegistrar
		);
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(1), 99, Role::Supplier),
			Error::<Test>::UnknownActor
		);
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(1), 10, Role::Customer),
			Error::<Test>::RoleNotHeld
		);
		assert_noop!(
			Actors::revoke_role(RuntimeOrigin::signed(2), 10, Role::Auditor),
			Error::<Test>::NotTheirRegistrar
		);
		assert_ok!(Actors::revoke_role(RuntimeOrigin::signed(1), 10, Role::Auditor));
		assert_eq!(
			last_event(),
			Event::RoleRevoked { actor: 10, role: Role::Auditor, registrar: 1 }.into()
		);
		assert!(!<Actors as RoleProvider<u64>>::has_role(&10, Role::Auditor));
		assert!(
			<Actors as RoleProvider<u64>>::has_role(&10, Role::Manufacturer),
			"other roles stay"
		);
		assert_ok!(Actors::revoke_role(RuntimeOrigin::root(), 10, Role::Manufacturer));
		let a = ActorRecords::<Test>::get(10).unwrap();
		assert!(a.roles.is_empty());
		assert!(!<Actors as RoleProvider<u64>>::is_active_actor(&10), "no role left");
		assert!(a.withdrawn.contains(Role::Auditor) && a.withdrawn.contains(Role::Manufacturer));
		// Given back, the role is no longer withdrawn.
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::signed(1),
			10,
			Role::Auditor,
			Default::default()
		));
		let a = ActorRecords::<Test>::get(10).unwrap();
		assert!(!a.withdrawn.contains(Role::Auditor) && a.withdrawn.contains(Role::Manufacturer));
	});
}

parameter_types! {
	pub const ManufacturerRole: Role = Role::Manufacturer;
}

#[test]
fn ensure_actor_with_role_gates_by_active_role() {
	new_test_ext().execute_with(|| {
		type Ensure = EnsureActorWithRole<Test, ManufacturerRole>;
		assert_eq!(Ensure::try_origin(RuntimeOrigin::signed(10)).ok(), Some(10));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(11)).is_err(), "no role");
		assert!(Ensure::try_origin(RuntimeOrigin::root()).is_err(), "not signed");
		assert_ok!(Actors::register_actor(
			RuntimeOrigin::signed(1),
			11,
			Role::Supplier,
			Default::default()
		));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(11)).is_err(), "another role");
		assert_ok!(Actors::suspend_actor(RuntimeOrigin::signed(1), 10));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(10)).is_err(), "suspended");
	});
}

#[test]
fn ensure_registrar_passes_registrars_only() {
	new_test_ext().execute_with(|| {
		type Ensure = EnsureRegistrar<Test>;
		assert_eq!(Ensure::try_origin(RuntimeOrigin::signed(1)).ok(), Some(1));
		assert!(
			Ensure::try_origin(RuntimeOrigin::signed(10)).is_err(),
			"an actor, not a registrar"
		);
		assert!(Ensure::try_origin(RuntimeOrigin::root()).is_err(), "not signed");
		assert_ok!(Actors::remove_registrar(RuntimeOrigin::root(), 1));
		assert!(Ensure::try_origin(RuntimeOrigin::signed(1)).is_err(), "removed");
	});
}

// Random call sequences with invariants.

parameter_types! {
	pub const CertifierRole: Role = Role::Certifier;
}

/// The accounts of the random call sequences: the genesis registrars 1 and 2, 3 and 4
/// (registrars at times), the manufacturer 10, and 11, 20 and 99 (actors at times).
const ACCOUNTS: [u64; 8] = [1, 2, 3, 4, 10, 11, 20, 99];

/// This pallet's events so far, oldest first.
fn actor_events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

/// What events do not tell of each actor: its display name and the block it was registered in.
type Shadow = BTreeMap<u64, (Vec<u8>, u64)>;

/// Checks the event of a call that succeeded: the one this call emits, about what it names;
/// registrar calls name their signer, who was a registrar; registrar-set calls came from root.
fn check_event_of(
	call: &RuntimeCall,
	event: &Event<Test>,
	signer: Option<u64>,
	was_registrar: bool,
	root: bool,
) {
	let RuntimeCall::Actors(call) = call else { panic!("not an actors call") };
	match (call, event) {
		(Call::add_registrar { registrar }, Event::RegistrarAdded { registrar: r })
		| (Call::remove_registrar { registrar }, Event::RegistrarRemoved { registrar: r }) => {
			assert!(root, "the registrar set changed by a non-privileged origin");
			assert_eq!(registrar, r);
		},
		(
			Call::register_actor { actor, role, .. },
			Event::ActorRegistered { actor: a, role: r, registrar },
		)
		| (
			Call::revoke_role { actor, role },
			Event::RoleRevoked { actor: a, role: r, registrar },
		) => {
			assert!(was_registrar || root, "changed by {signer:?}, no registrar");
			let by = if root { consortium_account() } else { signer.unwrap() };
			assert_eq!((actor, role, *registrar), (a, r, by));
		},
		(Call::suspend_actor { actor }, Event::ActorSuspended { actor: a, registrar })
		| (Call::reactivate_actor { actor }, Event::ActorReactivated { actor: a, registrar }) => {
			assert!(was_registrar || root, "changed by {signer:?}, no registrar");
			let by = if root { consortium_account() } else { signer.unwrap() };
			assert_eq!((actor, *registrar), (a, by));
		},
		(call, event) => panic!("{call:?} emitted {event:?}"),
	}
}

/// The invariants of the actors pallet, checked after every call of the random sequences (the
/// pallet holds no funds, so there are none to conserve):
/// - bounds: the registrars are sorted, without duplicates and at most `MaxRegistrars`; role
///   sets use only the five role bits; names are at most 64 bytes;
/// - an actor never both holds a role and is marked withdrawn from it;
/// - no dangling references: each actor's registrar of record was a registrar (at genesis or
///   added since) and is the one that registered it first; `since` is not in the future;
/// - events explain every change: the registrars are the genesis ones plus those added minus
///   those removed; the actors are the genesis ones plus those registered since; each actor's
///   roles, withdrawn roles and status are what its `ActorRegistered`, `RoleRevoked`,
///   `ActorSuspended` and `ActorReactivated` events (by registrars of the time) made them; its
///   name and `since` are what the successful calls set;
/// - the gates agree with storage: `has_role`, `is_active_actor`, `is_registrar`,
///   `EnsureActorWithRole` and `EnsureRegistrar` answer for every account and role exactly as the
///   stored actors and registrars say.
fn check_actor_invariants(
	genesis_registrars: &BTreeSet<u64>,
	genesis_actors: &BTreeMap<u64, Actor<u64, u64>>,
	shadow: &Shadow,
) {
	assert_eq!(Actors::do_try_state(), Ok(()), "the pallet's try_state invariants");
	// What the events say the state is.
	let mut registrars = genesis_registrars.clone();
	let mut ever = registrars.clone();
	let mut actors: BTreeMap<u64, (Roles, Roles, ActorStatus, u64)> = genesis_actors
		.iter()
		.map(|(who, a)| (*who, (a.roles, a.withdrawn, a.status, a.registrar)))
		.collect();
	let consortium: u64 = consortium_account();
	// The privileged origin's changes name the consortium's account.
	let is_registrar =
		|r: &u64, registrars: &BTreeSet<u64>| *r == consortium || registrars.contains(r);
	for event in actor_events() {
		match event {
			Event::RegistrarAdded { registrar } => {
				assert!(registrars.insert(registrar), "added twice");
				ever.insert(registrar);
			},
			Event::RegistrarRemoved { registrar } => {
				assert!(registrars.remove(&registrar), "removed but not a registrar")
			},
			Event::ActorRegistered { actor, role, registrar } => {
				assert!(is_registrar(&registrar, &registrars), "registered by a non-registrar");
				let a = actors.entry(actor).or_insert((
					Roles::default(),
					Roles::default(),
					ActorStatus::Active,
					registrar,
				));
				assert!(!a.0.contains(role), "registered twice in a role");
				(a.0, a.1) = (a.0.with(role), a.1.without(role));
			},
			Event::RoleRevoked { actor, role, registrar } => {
				assert!(is_registrar(&registrar, &registrars), "revoked by a non-registrar");
				let a = actors.get_mut(&actor).expect("a role of an unknown actor revoked");
				assert!(a.0.contains(role), "a role not held revoked");
				(a.0, a.1) = (a.0.without(role), a.1.with(role));
			},
			Event::ActorSuspended { actor, registrar } => {
				assert!(is_registrar(&registrar, &registrars), "suspended by a non-registrar");
				let a = actors.get_mut(&actor).expect("an unknown actor suspended");
				assert_eq!(a.2, ActorStatus::Active, "suspended twice");
				a.2 = ActorStatus::Suspended;
			},
			Event::ActorReactivated { actor, registrar } => {
				assert!(is_registrar(&registrar, &registrars), "re-activated by a non-registrar");
				let a = actors.get_mut(&actor).expect("an unknown actor re-activated");
				assert_eq!(a.2, ActorStatus::Suspended, "re-activated but not suspended");
				a.2 = ActorStatus::Active;
			},
			Event::__Ignore(..) => unreachable!(),
		}
	}

	let stored = Registrars::<Test>::get();
	assert!(stored.len() as u32 <= <Test as Config>::MaxRegistrars::get());
	assert!(stored.windows(2).all(|w| w[0] < w[1]), "registrars unsorted or duplicated");
	assert_eq!(stored.iter().copied().collect::<BTreeSet<_>>(), registrars, "registrars");

	let stored: BTreeMap<u64, Actor<u64, u64>> = ActorRecords::<Test>::iter().collect();
	assert_eq!(stored.keys().collect::<Vec<_>>(), actors.keys().collect::<Vec<_>>(), "actors");
	for (who, a) in &stored {
		assert_eq!((a.roles, a.withdrawn, a.status, a.registrar), actors[who], "actor {who}");
		assert_eq!(a.roles.0 & a.withdrawn.0, 0, "a role both held and withdrawn");
		assert_eq!((a.roles.0 | a.withdrawn.0) & !0x1f, 0, "a bit of no role");
		assert!(a.name.len() <= 64);
		assert!(
			a.registrar == consortium || ever.contains(&a.registrar),
			"a registrar of record that never was one"
		);
		assert!(a.since <= System::block_number());
		assert_eq!(shadow.get(who), Some(&(a.name.to_vec(), a.since)), "name, since of {who}");
	}
	assert_eq!(shadow.len(), stored.len());

	for who in ACCOUNTS {
		let a = stored.get(&who);
		let active = a.is_some_and(|a| a.status == ActorStatus::Active);
		for role in Role::ALL {
			assert_eq!(
				<Actors as RoleProvider<u64>>::has_role(&who, role),
				active && a.is_some_and(|a| a.roles.contains(role)),
				"has_role({who}, {role:?})"
			);
		}
		assert_eq!(
			<Actors as RoleProvider<u64>>::is_active_actor(&who),
			active && a.is_some_and(|a| !a.roles.is_empty()),
			"is_active_actor({who})"
		);
		let holds = |role| active && a.is_some_and(|a| a.roles.contains(role));
		assert_eq!(
			EnsureActorWithRole::<Test, ManufacturerRole>::try_origin(RuntimeOrigin::signed(who))
				.ok(),
			holds(Role::Manufacturer).then_some(who)
		);
		assert_eq!(
			EnsureActorWithRole::<Test, CertifierRole>::try_origin(RuntimeOrigin::signed(who)).ok(),
			holds(Role::Certifier).then_some(who)
		);
		let registrar = registrars.contains(&who);
		assert_eq!(Actors::is_registrar(&who), registrar);
		assert_eq!(
			EnsureRegistrar::<Test>::try_origin(RuntimeOrigin::signed(who)).ok(),
			registrar.then_some(who)
		);
	}
}

#[test]
fn roles_and_registrars_hold_over_random_call_sequences() {
	const SEQUENCES: u64 = 150;
	const STEPS: usize = 60;
	let started = std::time::Instant::now();
	let (mut calls, mut succeeded, mut refused, mut repeats, mut blocks) = (0, 0, 0, 0, 0);
	let mut refusals: BTreeMap<String, u32> = BTreeMap::new();
	for seed in 0..SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let genesis_registrars: BTreeSet<u64> = Registrars::<Test>::get().into_iter().collect();
			let genesis_actors: BTreeMap<u64, Actor<u64, u64>> =
				ActorRecords::<Test>::iter().collect();
			let mut shadow: Shadow =
				genesis_actors.iter().map(|(w, a)| (*w, (a.name.to_vec(), a.since))).collect();
			assert!(System::events().is_empty());
			check_actor_invariants(&genesis_registrars, &genesis_actors, &shadow);

			for _ in 0..STEPS {
				let kind = rng.gen_range(0..16);
				if kind >= 14 {
					System::set_block_number(System::block_number() + 1);
					blocks += 1;
					continue;
				}
				let stranger = *ACCOUNTS.choose(&mut rng).unwrap();
				let registrars = Registrars::<Test>::get().into_inner();
				let known: Vec<u64> = ActorRecords::<Test>::iter_keys().collect();
				// Registrar calls: mostly signed by a registrar, sometimes by anyone, by root or
				// unsigned. Registrar-set calls: mostly root.
				let origin = match (kind <= 3, rng.gen_range(0..20)) {
					(true, 0..=2) => RuntimeOrigin::signed(stranger),
					(true, 3) => RuntimeOrigin::none(),
					(true, _) => RuntimeOrigin::root(),
					(false, 0) => RuntimeOrigin::root(),
					(false, 1) => RuntimeOrigin::none(),
					(false, 2..=4) => RuntimeOrigin::signed(stranger),
					(false, _) => {
						RuntimeOrigin::signed(*registrars.choose(&mut rng).unwrap_or(&stranger))
					},
				};
				let candidate = *[1, 2, 3, 4, 10].choose(&mut rng).unwrap();
				let actor = match known.choose(&mut rng) {
					Some(a) if rng.gen_bool(0.7) => *a,
					_ => stranger,
				};
				let role = *Role::ALL.choose(&mut rng).unwrap();
				let name = match rng.gen_range(0..8) {
					0..=2 => vec![],
					3..=5 => format!("Actor {}", rng.gen_range(0..100)).into_bytes(),
					_ => vec![b'n'; 64],
				};
				let name = ActorName::try_from(name).expect("at most 64 bytes");
				let call = RuntimeCall::Actors(match kind {
					0 | 1 => Call::add_registrar { registrar: candidate },
					2 | 3 => Call::remove_registrar { registrar: candidate },
					4..=7 => Call::register_actor { actor, role, name },
					8 | 9 => Call::suspend_actor { actor },
					10 | 11 => Call::reactivate_actor { actor },
					_ => Call::revoke_role { actor, role },
				});

				calls += 1;
				let signer = frame_system::ensure_signed(origin.clone()).ok();
				let root = frame_system::ensure_root(origin.clone()).is_ok();
				let was_registrar = signer.is_some_and(|w| Actors::is_registrar(&w));
				let before = state_root();
				let events = actor_events().len();
				match call.clone().dispatch(origin.clone()) {
					Ok(_) => {
						succeeded += 1;
						let new = actor_events().split_off(events);
						assert_eq!(new.len(), 1, "one event per change: {new:?}");
						check_event_of(&call, &new[0], signer, was_registrar, root);
						if let RuntimeCall::Actors(Call::register_actor { actor, name, .. }) = &call
						{
							let block = System::block_number();
							let entry = shadow.entry(*actor).or_insert((name.to_vec(), block));
							if !name.is_empty() {
								entry.0 = name.to_vec();
							}
						}
						// The same call again is always refused and changes nothing.
						if rng.gen_bool(0.3) {
							let before = state_root();
							assert!(call.dispatch(origin).is_err(), "a repeated call ran");
							assert_eq!(state_root(), before, "a refused repeat changed state");
							repeats += 1;
						}
					},
					Err(e) => {
						refused += 1;
						*refusals.entry(refusal(&e.error)).or_default() += 1;
						assert_eq!(state_root(), before, "a refused call changed state: {e:?}");
					},
				}
				check_actor_invariants(&genesis_registrars, &genesis_actors, &shadow);
			}
		});
	}
	println!(
		"actors: {SEQUENCES} sequences x {STEPS} steps: {calls} calls, {succeeded} succeeded, \
		 {refused} refused, {repeats} repeats refused; {blocks} blocks; {:.1} s",
		started.elapsed().as_secs_f64()
	);
	println!("refusals: {refusals:?}");
	// Every way to be refused occurred.
	for e in [
		"NotRegistrar",
		"AlreadyRegistrar",
		"TooManyRegistrars",
		"AlreadyHasRole",
		"UnknownActor",
		"AlreadySuspended",
		"NotSuspended",
		"RoleNotHeld",
		"NotTheirRegistrar",
		"PrivilegedOnly",
		"BadOrigin",
	] {
		assert!(refusals.get(e).is_some_and(|n| *n >= 3), "refused with {e} too rarely");
	}
	// Not vacuous: many calls changed something and many were refused.
	assert!(succeeded > 1_500 && refused > 1_500, "{succeeded} succeeded, {refused} refused");
	assert!(repeats > 300, "{repeats} repeats");
}
