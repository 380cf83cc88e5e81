//! Finding 10 of the trust model and the rest of finding 9: a provider stakes on the work its
//! machine takes and loses the stake when an arbiter decides against it; the requester sets
//! its own challenge period and its gateway may confirm or dispute for it; no full schedule
//! reverts a completion or blocks a dispute; and no requester takes more than its share of the
//! waiting queue.

use super::*;

fn stake_held(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProviderStake.into(), &who)
}

/// MILL1 (OWNER_A's) takes MAKER's task with reward 100: OWNER_A stakes 20 until the task is
/// over. Confirmed, OWNER_A gets the reward and the stake back.
#[test]
fn a_provider_stakes_on_the_task_and_gets_it_back_when_paid() {
	new_test_ext().execute_with(|| {
		let task = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(GATEWAY), task, MILL1));
		assert_eq!(stake_held(OWNER_A), 20);
		assert_eq!(Stakes::<Test>::get(task), Some((OWNER_A, 20)));
		assert!(events().contains(&Event::StakeHeld { task, owner: OWNER_A, stake: 20 }));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [1; 32]));
		assert_eq!(stake_held(OWNER_A), 20, "held through the challenge period");
		assert_ok!(Tasks::confirm_task(RuntimeOrigin::signed(MAKER), task));
		assert_eq!(stake_held(OWNER_A), 0);
		assert_eq!(Stakes::<Test>::get(task), None);
		assert_eq!(Balances::free_balance(OWNER_A), 200);
	});
}

/// MAKER disputes MILL1's completion and the arbiter decides for MAKER: MAKER gets its reward
/// back and OWNER_A's stake; the provider is worse off than had it not taken the task.
#[test]
fn a_lost_dispute_gives_the_providers_stake_to_the_requester() {
	new_test_ext().execute_with(|| {
		let task = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [1; 32]));
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER), task));
		let maker = Balances::free_balance(MAKER);
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), task, false));
		assert_eq!(state(task), TaskState::Refunded);
		assert_eq!(Balances::free_balance(MAKER), maker + 100 + 20);
		assert_eq!(Balances::total_balance(&OWNER_A), 80);
		assert!(events().contains(&Event::StakeSlashed {
			task,
			owner: OWNER_A,
			to: MAKER,
			stake: 20
		}));
		// A failed or expired task costs no stake: the failure is counted instead.
		let task = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
		assert_ok!(Tasks::fail_task(RuntimeOrigin::signed(MILL1), task, detail("x")));
		assert_eq!(stake_held(OWNER_A), 0);
		assert_eq!(Balances::total_balance(&OWNER_A), 80);
	});
}

/// An owner that cannot stake does not get the task: `accept_task` is refused with
/// `StakeUnavailable`, and automatic matching passes its machine over for one whose owner can.
#[test]
fn a_machine_whose_owner_cannot_stake_takes_no_task() {
	new_test_ext().execute_with(|| {
		// OWNER_A keeps 1 of its 100 (the existential deposit): nothing to stake.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(OWNER_A), STRANGER, 99));
		let task = mill_task(false);
		assert_noop!(
			Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1),
			Error::<Test>::StakeUnavailable
		);
		let auto = mill_task(true);
		let t = TaskRecords::<Test>::get(auto).unwrap();
		assert_eq!(t.provider, Some(MILL2));
		assert_eq!(stake_held(OWNER_B), 20);
	});
}

/// A requester sets its own challenge period within `MinChallengePeriod ..=
/// MaxChallengePeriod` (mock: 2 ..= 50; default 5): the completion settles by itself only
/// when that period is over.
#[test]
fn the_requester_sets_the_challenge_period() {
	new_test_ext().execute_with(|| {
		let create = |challenge| {
			Tasks::create_task(
				RuntimeOrigin::signed(MAKER),
				cap("mill"),
				params(""),
				None,
				None,
				100,
				System::block_number() + 10,
				false,
				Some(challenge),
			)
		};
		assert_noop!(create(1), Error::<Test>::InvalidChallengePeriod);
		assert_noop!(create(51), Error::<Test>::InvalidChallengePeriod);
		let task = NextTaskId::<Test>::get();
		assert_ok!(create(30));
		assert_eq!(ChallengePeriods::<Test>::get(task), Some(30));
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
		let done = System::block_number();
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [1; 32]));
		assert_eq!(ChallengePeriods::<Test>::get(task), None);
		run_to(done + 29);
		assert_eq!(state(task), TaskState::Completed, "the default 5 blocks are not enough");
		assert_noop!(
			Tasks::settle_task(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::ChallengeNotOver
		);
		run_to(done + 30);
		assert_eq!(state(task), TaskState::Settled);
	});
}

/// The requester's gateway (an authentication delegate of its DID) confirms or disputes for it;
/// another member's key may not.
#[test]
fn the_requesters_gateway_confirms_and_disputes_for_it() {
	new_test_ext().execute_with(|| {
		const MAKER_GATEWAY: u64 = 201;
		MockDid::add_gateway(MAKER, MAKER_GATEWAY);
		let completed = || {
			let task = mill_task(false);
			assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
			assert_ok!(Tasks::complete_task(
				RuntimeOrigin::signed(MILL1),
				task,
				detail(""),
				[1; 32]
			));
			task
		};
		let task = completed();
		for other in [STRANGER, OWNER_B, GATEWAY] {
			assert_noop!(
				Tasks::confirm_task(RuntimeOrigin::signed(other), task),
				Error::<Test>::NotRequester
			);
			assert_noop!(
				Tasks::dispute_task(RuntimeOrigin::signed(other), task),
				Error::<Test>::NotRequester
			);
		}
		assert_ok!(Tasks::confirm_task(RuntimeOrigin::signed(MAKER_GATEWAY), task));
		assert_eq!(state(task), TaskState::Settled);
		let task = completed();
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER_GATEWAY), task));
		assert_eq!(state(task), TaskState::Disputed);
	});
}

/// Another member fills the challenge-end schedule of the 16 blocks after a completion: the
/// completion stands all the same, and once its period is over anyone settles it with
/// `settle_task`. A dispute against a full schedule stands too, and lapses the same way.
#[test]
fn a_full_schedule_reverts_no_completion_and_blocks_no_dispute() {
	new_test_ext().execute_with(|| {
		let fill = |from: u64| {
			for b in from..from + 16 {
				ChallengeEnds::<Test>::insert(
					b,
					frame_support::BoundedVec::truncate_from(vec![9_000, 9_001, 9_002]),
				);
			}
		};
		let task = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
		let now = System::block_number();
		fill(now + 5);
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [1; 32]));
		assert_eq!(state(task), TaskState::Completed);
		let end = TaskRecords::<Test>::get(task).unwrap().completion.unwrap().challenge_end;
		assert_eq!(end, now + 5);
		assert_noop!(
			Tasks::settle_task(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::ChallengeNotOver
		);
		run_to(end);
		assert_eq!(state(task), TaskState::Completed, "no hook settles it");
		assert_ok!(Tasks::settle_task(RuntimeOrigin::signed(STRANGER), task));
		assert_eq!(state(task), TaskState::Settled);
		assert_noop!(
			Tasks::settle_task(RuntimeOrigin::signed(STRANGER), task),
			Error::<Test>::WrongState
		);

		let task = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [1; 32]));
		let now = System::block_number();
		fill(now + 10);
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER), task));
		run_to(now + 10);
		assert_eq!(state(task), TaskState::Disputed);
		assert_ok!(Tasks::settle_task(RuntimeOrigin::signed(OWNER_A), task));
		assert_eq!(state(task), TaskState::Settled);
		assert!(events().contains(&Event::DisputeLapsed { task }));
	});
}

/// MAKER's automatic tasks that find no machine take at most 2 of the 4 places of the waiting
/// queue (mock `MaxWaitingPerRequester`); CUSTOMER's still find room; MAKER's others stay open
/// for `accept_task`.
#[test]
fn no_requester_takes_more_than_its_share_of_the_waiting_queue() {
	new_test_ext().execute_with(|| {
		MockMachines::set_status(MILL1, MachineStatus::Offline);
		MockMachines::set_status(MILL2, MachineStatus::Offline);
		// One a block: a block takes at most 3 deadlines (mock `MaxTasksPerBlock`).
		let tasks: Vec<TaskId> = (0..4)
			.map(|_| {
				next_block();
				mill_task(true)
			})
			.collect();
		assert_eq!(Waiting::<Test>::get().to_vec(), tasks[..2].to_vec());
		assert_eq!(WaitingPlaces::<Test>::get(MAKER), 2);
		let theirs = NextTaskId::<Test>::get();
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(CUSTOMER),
			cap("mill"),
			params(""),
			None,
			None,
			100,
			System::block_number() + 10,
			true,
			None
		));
		assert!(Waiting::<Test>::get().contains(&theirs));
		assert_eq!(state(tasks[3]), TaskState::Open);
		// A machine comes back: the queue is served and the places are given back.
		MockMachines::set_status(MILL1, MachineStatus::Idle);
		MockMachines::set_status(MILL2, MachineStatus::Idle);
		next_block();
		assert_eq!(WaitingPlaces::<Test>::get(MAKER), 0);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}
