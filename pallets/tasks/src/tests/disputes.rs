//! Disputes have an arbiter who is no party to them and a deadline: a requester who disputes
//! honest work cannot decide its own dispute, nor hold the reward for ever by waiting.

use super::*;
use twinchain_primitives::Role;

/// `requester` asks MILL1 for milling (reward 100); MILL1 completes it and `requester`
/// disputes it. Returns the task.
fn disputed_on_mill1(requester: u64) -> TaskId {
	let task = NextTaskId::<Test>::get();
	assert_ok!(Tasks::create_task(
		RuntimeOrigin::signed(requester),
		cap("mill"),
		params(""),
		None,
		Some(MILL1),
		100,
		System::block_number() + 10,
		true,
		None
	));
	assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(GATEWAY), task, detail(""), [1; 32]));
	assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(requester), task));
	task
}

/// OWNER_A is an arbiter and owns MILL1: it may decide neither for its own machine's work nor,
/// as a requester, against it; an arbiter who is no party may.
#[test]
fn no_arbiter_decides_a_dispute_it_is_party_to() {
	new_test_ext().execute_with(|| {
		let task = disputed_on_mill1(MAKER);
		assert_noop!(
			Tasks::resolve_dispute(RuntimeOrigin::signed(OWNER_A), task, true),
			Error::<Test>::PartyToDispute
		);
		// OWNER_A asks MILL2 (OWNER_B's) for work, disputes it and may not refund itself.
		MockActors::grant(OWNER_A, Role::Manufacturer);
		let own = NextTaskId::<Test>::get();
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(OWNER_A),
			cap("mill"),
			params(""),
			None,
			Some(MILL2),
			10,
			System::block_number() + 10,
			true,
			None
		));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(OWNER_B), own, detail(""), [2; 32]));
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(OWNER_A), own));
		assert_noop!(
			Tasks::resolve_dispute(RuntimeOrigin::signed(OWNER_A), own, false),
			Error::<Test>::PartyToDispute
		);
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), task, false));
		assert_eq!(state(task), TaskState::Refunded);
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), own, true));
		assert_eq!(state(own), TaskState::Settled);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}

/// A dispute nobody decides lapses after `DisputePeriod` (10 blocks here): the completion
/// stands and MILL1's owner is paid; nothing is held any more.
#[test]
fn an_undecided_dispute_lapses_and_the_completion_stands() {
	new_test_ext().execute_with(|| {
		let task = disputed_on_mill1(MAKER);
		let until = System::block_number() + 10;
		assert!(events().contains(&Event::TaskDisputed { task, until }));
		assert_eq!(
			TaskRecords::<Test>::get(task).unwrap().completion.unwrap().challenge_end,
			until
		);
		run_to(until - 1);
		assert_eq!(state(task), TaskState::Disputed);
		assert_eq!(escrow(MAKER), 100);
		run_to(until);
		assert_eq!(state(task), TaskState::Settled);
		assert!(events().contains(&Event::DisputeLapsed { task }));
		assert_eq!(escrow(MAKER), 0);
		assert_eq!(Balances::total_balance(&OWNER_A), 200);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}

/// A decided dispute leaves its lapse's schedule: nothing happens at the old deadline.
#[test]
fn a_decided_dispute_is_unscheduled() {
	new_test_ext().execute_with(|| {
		let task = disputed_on_mill1(MAKER);
		let until = TaskRecords::<Test>::get(task).unwrap().completion.unwrap().challenge_end;
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), task, false));
		assert!(!ChallengeEnds::<Test>::get(until).contains(&task));
		run_to(until + 1);
		assert_eq!(state(task), TaskState::Refunded);
		assert!(!events().contains(&Event::DisputeLapsed { task }));
		// The reward back, and the provider's stake (a fifth of it) on top.
		assert_eq!(Balances::total_balance(&MAKER), 10_020);
	});
}

/// Storage version 1 → 2 on a chain with a dispute scheduled nowhere (as disputes were): the
/// migration schedules its lapse `DisputePeriod` blocks after the upgrade, sets the version,
/// and the pallet's invariants hold again; a second run does nothing.
#[test]
fn the_v2_migration_schedules_old_disputes() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let task = disputed_on_mill1(MAKER);
		let until = TaskRecords::<Test>::get(task).unwrap().completion.unwrap().challenge_end;
		// As before version 2: a disputed task is in no schedule, and no live-task counts.
		ChallengeEnds::<Test>::remove(until);
		assert!(LiveTasks::<Test>::clear(u32::MAX, None).maybe_cursor.is_none());
		StorageVersion::new(1).put::<Tasks>();
		assert!(Tasks::do_try_state().is_err());
		run_to(5);
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Tasks::on_chain_storage_version(), 2);
		let at = TaskRecords::<Test>::get(task).unwrap().completion.unwrap().challenge_end;
		assert_eq!(at, 5 + 10);
		assert_eq!(LiveTasks::<Test>::get(MAKER), 1);
		assert_eq!(Tasks::do_try_state(), Ok(()));
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(ChallengeEnds::<Test>::get(at).len(), 1, "scheduled once");
		run_to(at);
		assert_eq!(state(task), TaskState::Settled);
	});
}
