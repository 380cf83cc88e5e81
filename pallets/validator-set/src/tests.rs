//! Unit tests of the validator-set pallet.

use crate::{mock::*, Error, Event, SetChanged, Validators};
use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, ValidatorRegistration},
};
use pallet_session::SessionManager;
use pallet_test_utils::refusal;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::DispatchError;
use std::collections::{BTreeMap, BTreeSet};

fn set() -> Vec<u64> {
	Validators::<Test>::get().into_inner()
}

#[test]
fn genesis_set_is_sorted_and_handed_to_session_at_genesis() {
	new_test_ext(vec![3, 1, 2]).execute_with(|| {
		assert_eq!(set(), vec![1, 2, 3]);
		assert_eq!(ValidatorSet::new_session_genesis(0), Some(vec![1, 2, 3]));
		// Nothing changed since genesis: the session keeps its set.
		assert_eq!(ValidatorSet::new_session(1), None);
	});
}

#[test]
#[should_panic(expected = "duplicate validators")]
fn genesis_rejects_duplicates() {
	new_test_ext(vec![1, 2, 2]);
}

#[test]
#[should_panic(expected = "smaller than MinValidators")]
fn genesis_rejects_too_small_a_set() {
	new_test_ext(vec![1]);
}

#[test]
fn add_validator_queues_the_new_set_for_the_next_session() {
	new_test_ext(vec![1, 3]).execute_with(|| {
		MockKeys::register(2);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 2));
		assert_eq!(set(), vec![1, 2, 3]);
		System::assert_last_event(Event::ValidatorAdded { who: 2 }.into());
		assert!(SetChanged::<Test>::get());
		assert_eq!(ValidatorSet::new_session(1), Some(vec![1, 2, 3]));
		// Handed over once: the next rotation keeps it.
		assert_eq!(ValidatorSet::new_session(2), None);
	});
}

#[test]
fn add_validator_checks_origin_keys_duplicates_and_bound() {
	new_test_ext(vec![1, 2]).execute_with(|| {
		MockKeys::register(3);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::signed(1), 3),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::root(), 9),
			Error::<Test>::NoSessionKeys
		);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
		for v in 3..=5 {
			MockKeys::register(v);
			assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), v));
		}
		MockKeys::register(6);
		assert_noop!(
			ValidatorSet::add_validator(RuntimeOrigin::root(), 6),
			Error::<Test>::TooManyValidators
		);
		assert_eq!(set(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn remove_validator_queues_the_smaller_set() {
	new_test_ext(vec![1, 2, 3]).execute_with(|| {
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2));
		assert_eq!(set(), vec![1, 3]);
		System::assert_last_event(Event::ValidatorRemoved { who: 2 }.into());
		assert_eq!(ValidatorSet::new_session(1), Some(vec![1, 3]));
	});
}

#[test]
fn remove_validator_checks_origin_membership_and_minimum() {
	new_test_ext(vec![1, 2]).execute_with(|| {
		assert_noop!(
			ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 2),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ValidatorSet::remove_validator(RuntimeOrigin::root(), 7),
			Error::<Test>::NotValidator
		);
		assert_noop!(
			ValidatorSet::remove_validator(RuntimeOrigin::root(), 1),
			Error::<Test>::TooFewValidators
		);
		assert_eq!(set(), vec![1, 2]);
		assert!(!SetChanged::<Test>::get());
	});
}

fn bounds() -> (usize, usize) {
	let min: u32 = <Test as crate::Config>::MinValidators::get();
	let max: u32 = <Test as crate::Config>::MaxValidators::get();
	(min as usize, max as usize)
}

/// The set as it stands, as last handed to `pallet-session` (queued) and as active: each is
/// sorted and free of duplicates, holds `MinValidators` to `MaxValidators` validators and every
/// one of them registered session keys. The set equals the reference model (the genesis set
/// with the additions and removals that succeeded), and equals the set last handed to the
/// session unless a change is pending.
fn check_set_invariants(model: &BTreeSet<u64>, queued: &[u64], active: &[u64]) {
	assert_eq!(ValidatorSet::do_try_state(), Ok(()), "the pallet's try_state invariants");
	let (min, max) = bounds();
	let current = set();
	for s in [&current[..], queued, active] {
		assert!(s.windows(2).all(|w| w[0] < w[1]), "unsorted or duplicate validators: {s:?}");
		assert!(min <= s.len() && s.len() <= max, "{} validators: {s:?}", s.len());
		assert!(s.iter().all(MockKeys::is_registered), "a validator without keys: {s:?}");
	}
	assert_eq!(current, model.iter().copied().collect::<Vec<_>>(), "the set is not the model");
	assert_eq!(ValidatorSet::validators(), current);
	assert_eq!(ValidatorSet::change_pending(), SetChanged::<Test>::get());
	if !SetChanged::<Test>::get() {
		assert_eq!(current, queued, "the set changed but no change is pending");
	}
}

/// Random sequences of `add_validator` and `remove_validator` from root, signed and unsigned
/// origins, for accounts in and out of the set, with and without session keys, interleaved with
/// key registrations and session rotations driven as `pallet-session` drives the
/// `SessionManager` (`end_session`, `start_session`, `new_session` of the session after next).
/// Every outcome is the one a reference model predicts, a refusal leaves the state root as it
/// was, and the invariants of [`check_set_invariants`] hold after every step. A set handed over
/// at the rotation into session `n` is active from session `n + 1`, so a change made in session
/// `n` takes effect in `n + 2`.
#[test]
fn the_set_stays_within_bounds_over_random_call_sequences() {
	const SEQUENCES: u64 = 150;
	const CALLS: usize = 60;
	let (min, max) = bounds();
	let mut calls = 0u32;
	let mut added = 0u32;
	let mut removed = 0u32;
	let mut rotations = 0u32;
	let mut handovers = 0u32;
	let mut refused: BTreeMap<String, u32> = BTreeMap::new();
	for seed in 1..=SEQUENCES {
		let mut rng = StdRng::seed_from_u64(seed);
		// Accounts of their own per sequence: key registrations live in a thread-local.
		let base = seed * 100;
		let candidates: Vec<u64> = (base + 1..=base + 8).collect();
		let without_keys = base + 50;
		let size = rng.gen_range(min..=max);
		let initial: Vec<u64> = candidates.choose_multiple(&mut rng, size).copied().collect();
		new_test_ext(initial.clone()).execute_with(|| {
			// About half of the other candidates registered their keys already.
			for c in candidates.iter().filter(|c| !initial.contains(c)) {
				if rng.gen_bool(0.5) {
					MockKeys::register(*c);
				}
			}
			let mut model: BTreeSet<u64> = initial.iter().copied().collect();
			let genesis = ValidatorSet::new_session_genesis(0).expect("a genesis set");
			assert_eq!(genesis, model.iter().copied().collect::<Vec<_>>());
			// What pallet-session holds: the set last handed over, queued for the next session,
			// and the active set.
			let mut queued = genesis.clone();
			let mut active = genesis.clone();
			let mut session = 0u32;
			check_set_invariants(&model, &queued, &active);
			for _ in 0..CALLS {
				let action = rng.gen_range(0..10);
				if action == 7 {
					// A candidate registers session keys (`session.setKeys`).
					MockKeys::register(*candidates.choose(&mut rng).unwrap());
				} else if action >= 8 {
					// A session rotation as pallet-session performs it.
					ValidatorSet::end_session(session);
					session += 1;
					active = queued.clone();
					ValidatorSet::start_session(session);
					let pending = SetChanged::<Test>::get();
					match ValidatorSet::new_session(session + 1) {
						Some(new) => {
							assert!(pending, "a set handed over without a change");
							assert_eq!(new, set());
							queued = new;
							handovers += 1;
						},
						None => assert!(!pending, "a pending change was not handed over"),
					}
					// The session after next starts with the set as it stands now.
					assert_eq!(queued, set());
					assert!(!SetChanged::<Test>::get());
					rotations += 1;
				} else {
					let add = action < 4;
					// Mostly an account the call can work on (outside the set to add, inside
					// to remove), else any candidate, or one that never registered keys.
					let fitting: Vec<u64> =
						candidates.iter().copied().filter(|c| model.contains(c) != add).collect();
					let who = match rng.gen_range(0..10) {
						0 => without_keys,
						1..=3 => *candidates.choose(&mut rng).unwrap(),
						_ => *fitting.choose(&mut rng).unwrap_or(&without_keys),
					};
					let (origin, is_root) = match rng.gen_range(0..20) {
						0..=1 => {
							(RuntimeOrigin::signed(*candidates.choose(&mut rng).unwrap()), false)
						},
						2 => (RuntimeOrigin::none(), false),
						_ => (RuntimeOrigin::root(), true),
					};
					let expected: Result<(), DispatchError> = if !is_root {
						Err(DispatchError::BadOrigin)
					} else if add && !MockKeys::is_registered(&who) {
						Err(Error::<Test>::NoSessionKeys.into())
					} else if add && model.contains(&who) {
						Err(Error::<Test>::AlreadyValidator.into())
					} else if add && model.len() >= max {
						Err(Error::<Test>::TooManyValidators.into())
					} else if !add && !model.contains(&who) {
						Err(Error::<Test>::NotValidator.into())
					} else if !add && model.len() <= min {
						Err(Error::<Test>::TooFewValidators.into())
					} else {
						Ok(())
					};
					let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
					let outcome = if add {
						ValidatorSet::add_validator(origin, who)
					} else {
						ValidatorSet::remove_validator(origin, who)
					};
					assert_eq!(outcome, expected, "add: {add}, who: {who}, set: {model:?}");
					match outcome {
						Ok(()) => {
							assert!(SetChanged::<Test>::get());
							if add {
								model.insert(who);
								System::assert_last_event(Event::ValidatorAdded { who }.into());
								added += 1;
							} else {
								model.remove(&who);
								System::assert_last_event(Event::ValidatorRemoved { who }.into());
								removed += 1;
							}
						},
						Err(e) => {
							assert_eq!(
								sp_io::storage::root(sp_runtime::StateVersion::V1),
								root,
								"a refused call changed the state"
							);
							*refused.entry(refusal(&e)).or_default() += 1;
						},
					}
					calls += 1;
				}
				check_set_invariants(&model, &queued, &active);
			}
		});
	}
	let total_refused: u32 = refused.values().sum();
	println!(
		"{SEQUENCES} sequences: {calls} calls, {added} added, {removed} removed, {total_refused} \
		 refused {refused:?}; {rotations} session rotations, {handovers} new sets handed over"
	);
	for e in [
		"BadOrigin",
		"NoSessionKeys",
		"AlreadyValidator",
		"TooManyValidators",
		"NotValidator",
		"TooFewValidators",
	] {
		assert!(refused.get(e).copied().unwrap_or(0) >= 20, "{e} refused too rarely: {refused:?}");
	}
	assert!(added >= 500 && removed >= 500, "added {added}, removed {removed}");
	assert!(handovers >= 300 && rotations > handovers, "{rotations} rotations, {handovers} sets");
}
