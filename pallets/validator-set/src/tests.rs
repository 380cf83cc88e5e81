//! Unit tests of the validator-set pallet.

use crate::{mock::*, Error, Event, SetChanged, Validators};
use frame_support::{assert_noop, assert_ok};
use pallet_session::SessionManager;
use sp_runtime::DispatchError;

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
