//! A task's life: escrow, requester checks, providers, completion with provenance, settlement,
//! cancellation, expiry, failure and disputes.

use super::*;

#[test]
fn tasks_hold_their_reward_and_check_requester_reward_and_deadline() {
	new_test_ext().execute_with(|| {
		let create = |who, reward, deadline| {
			Tasks::create_task(
				RuntimeOrigin::signed(who),
				cap("mill"),
				params(""),
				None,
				None,
				reward,
				deadline,
				false,
				None,
			)
		};
		assert_noop!(create(STRANGER, 100, 5), Error::<Test>::NotParticipant);
		assert_noop!(create(MAKER, 9, 5), Error::<Test>::RewardTooLow);
		assert_noop!(create(MAKER, 100, 1), Error::<Test>::InvalidDeadline);
		assert_noop!(create(MAKER, 100, 102), Error::<Test>::InvalidDeadline);
		assert_noop!(create(MAKER, 20_000, 5), sp_runtime::TokenError::FundsUnavailable);
		assert_ok!(create(MAKER, 100, 5));
		assert_eq!(
			last_event(),
			Event::TaskCreated {
				task: 0,
				requester: MAKER,
				capability: cap("mill"),
				reward: 100,
				deadline: 5
			}
		);
		assert_eq!(escrow(MAKER), 100);
		assert_eq!(state(0), TaskState::Open);
		// Machines request too (they are participants), paying from their own account.
		assert_ok!(create(MILL1, 10, 5));
		assert_ok!(create(CUSTOMER, 10, 5));
		// Three deadlines per block at most.
		assert_noop!(create(MAKER, 10, 5), Error::<Test>::DeadlineBusy);
		assert_ok!(create(MAKER, 10, 6));
	});
}

#[test]
fn tasks_on_a_product_need_its_custodian_and_a_product_in_production() {
	new_test_ext().execute_with(|| {
		MockProvenance::add(7000, MAKER);
		let create = |who, product| {
			Tasks::create_task(
				RuntimeOrigin::signed(who),
				cap("mill"),
				params(""),
				Some(product),
				None,
				10,
				5,
				false,
				None,
			)
		};
		assert_noop!(create(CUSTOMER, 7000), Error::<Test>::NotCustodian);
		assert_noop!(create(MAKER, 7001), Error::<Test>::ProductNotInProduction);
		assert_ok!(create(MAKER, 7000));
		MockProvenance::stop(7000);
		assert_noop!(create(MAKER, 7000), Error::<Test>::ProductNotInProduction);
	});
}

#[test]
fn providers_must_be_idle_capable_designated_and_spoken_for() {
	new_test_ext().execute_with(|| {
		let t = mill_task(false);
		let accept = |who, machine| Tasks::accept_task(RuntimeOrigin::signed(who), t, machine);
		assert_noop!(accept(STRANGER, MILL1), Error::<Test>::NotProvider);
		assert_noop!(accept(OWNER_B, MILL1), Error::<Test>::NotProvider);
		assert_noop!(accept(555, 555), Error::<Test>::UnknownMachine);
		assert_noop!(accept(OWNER_B, OVEN), Error::<Test>::CapabilityNotValid);
		MockMachines::set(MILL2, |m| m.status = MachineStatus::Maintenance);
		assert_noop!(accept(OWNER_B, MILL2), Error::<Test>::ProviderBusy);
		// A revoked credential takes the capability away.
		MockMachines::set(MILL2, |m| {
			m.status = MachineStatus::Idle;
			m.caps.clear()
		});
		assert_noop!(accept(MILL2, MILL2), Error::<Test>::CapabilityNotValid);
		// MILL1's gateway takes it for MILL1, which becomes busy.
		assert_ok!(accept(GATEWAY, MILL1));
		assert_eq!(
			last_event(),
			Event::TaskAssigned {
				task: t,
				machine: MILL1,
				requester: MAKER,
				capability: cap("mill"),
				params: params("{\"depthMm\":2}"),
				product: None,
				deadline: 11
			}
		);
		assert_eq!(MockMachines::get(MILL1).status, MachineStatus::Busy(t));
		assert_noop!(accept(OWNER_A, MILL1), Error::<Test>::WrongState);
		// A busy machine takes no second task.
		let u = mill_task(false);
		assert_noop!(
			Tasks::accept_task(RuntimeOrigin::signed(OWNER_A), u, MILL1),
			Error::<Test>::ProviderBusy
		);
		// A designated task goes to its machine only.
		MockMachines::set(MILL2, |m| m.caps = vec![b"mill".to_vec()]);
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(MAKER),
			cap("mill"),
			params(""),
			None,
			Some(MILL2),
			10,
			9,
			false,
			None
		));
		let d = NextTaskId::<Test>::get() - 1;
		MockMachines::add(103, OWNER_A, &["mill"]);
		assert_noop!(
			Tasks::accept_task(RuntimeOrigin::signed(OWNER_A), d, 103),
			Error::<Test>::NotDesignated
		);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(OWNER_B), d, MILL2));
	});
}

#[test]
fn calls_without_matching_or_a_product_are_charged_less() {
	new_test_ext().execute_with(|| {
		use frame_support::dispatch::GetDispatchInfo;
		let create = |auto_assign| {
			Call::<Test>::create_task {
				capability: cap("mill"),
				params: params(""),
				product: None,
				designated: None,
				reward: 100,
				deadline: 10,
				auto_assign,
				challenge: None,
			}
			.get_dispatch_info()
			.call_weight
		};
		assert_eq!(create(true), <() as WeightInfo>::create_task());
		assert_eq!(create(false), <() as WeightInfo>::create_task_unmatched());
		assert!(create(false).all_lt(create(true)));

		// Completed without a product: charged (and counted in the block) as the plain case.
		let plain = mill_task(true);
		let machine = TaskRecords::<Test>::get(plain).unwrap().provider.unwrap();
		let post =
			Tasks::complete_task(RuntimeOrigin::signed(machine), plain, detail("ok"), [1; 32])
				.unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::complete_task_plain()));
		assert!(post.actual_weight.unwrap().all_lt(<() as WeightInfo>::complete_task()));

		// On a product: the full weight (a provenance step is recorded).
		let on_product = product_task(true);
		let machine = TaskRecords::<Test>::get(on_product).unwrap().provider.unwrap();
		let post =
			Tasks::complete_task(RuntimeOrigin::signed(machine), on_product, detail("ok"), [1; 32])
				.unwrap();
		assert_eq!(post.actual_weight, None);
		assert_eq!(MockProvenance::get(7000).steps.len(), 1);
	});
}

#[test]
fn completion_records_provenance_frees_the_machine_and_settles_on_confirmation() {
	new_test_ext().execute_with(|| {
		MockProvenance::add(7000, MAKER);
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(MAKER),
			cap("mill"),
			params("{\"depthMm\":2}"),
			Some(7000),
			None,
			100,
			10,
			false,
			None
		));
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(GATEWAY), 0, MILL1));
		next_block();
		assert_noop!(
			Tasks::start_task(RuntimeOrigin::signed(OWNER_B), 0),
			Error::<Test>::NotProvider
		);
		assert_ok!(Tasks::start_task(RuntimeOrigin::signed(MILL1), 0));
		assert_eq!(state(0), TaskState::InProgress);
		assert_noop!(Tasks::start_task(RuntimeOrigin::signed(MILL1), 0), Error::<Test>::WrongState);
		next_block();
		assert_noop!(
			Tasks::complete_task(RuntimeOrigin::signed(MAKER), 0, detail("ok"), [1; 32]),
			Error::<Test>::NotProvider
		);
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(GATEWAY), 0, detail("ok"), [1; 32]));
		assert_eq!(
			last_event(),
			Event::TaskCompleted { task: 0, machine: MILL1, evidence: [1; 32] }
		);
		// The step joined the product's provenance with its times and parameters.
		let steps = MockProvenance::get(7000).steps;
		assert_eq!(steps.len(), 1);
		let s = &steps[0];
		assert_eq!((s.machine, s.task, s.start, s.end), (MILL1, Some(0), T0 + 2_000, T0 + 4_000));
		assert_eq!(s.params, params("{\"depthMm\":2}"));
		assert_eq!(s.result, StepResult::Ok(detail("ok")));
		// The machine is free for the next task; the reward still waits.
		let m = MockMachines::get(MILL1);
		assert_eq!((m.status, m.completed), (MachineStatus::Idle, 1));
		assert_eq!(escrow(MAKER), 100);
		assert!(Deadlines::<Test>::get(10).is_empty());
		assert_eq!(ChallengeEnds::<Test>::get(8).to_vec(), vec![0]);
		// Only the requester confirms; the owner of MILL1 is paid, once.
		assert_noop!(
			Tasks::confirm_task(RuntimeOrigin::signed(CUSTOMER), 0),
			Error::<Test>::NotRequester
		);
		assert_ok!(Tasks::confirm_task(RuntimeOrigin::signed(MAKER), 0));
		assert_eq!(
			last_event(),
			Event::TaskSettled { task: 0, from: MAKER, to: OWNER_A, reward: 100 }
		);
		assert_eq!(Balances::balance(&OWNER_A), 200);
		assert_eq!((escrow(MAKER), Balances::total_balance(&MAKER)), (0, 9_900));
		assert_noop!(
			Tasks::confirm_task(RuntimeOrigin::signed(MAKER), 0),
			Error::<Test>::WrongState
		);
		assert!(ChallengeEnds::<Test>::get(8).is_empty());
		run_to(10);
		assert_eq!(Balances::balance(&OWNER_A), 200, "no second payment");
	});
}

#[test]
fn unconfirmed_completions_settle_after_the_challenge_period() {
	new_test_ext().execute_with(|| {
		let t = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(OWNER_B), t, MILL2));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(OWNER_B), t, detail(""), [2; 32]));
		run_to(5);
		assert_eq!(state(t), TaskState::Completed);
		next_block();
		assert_eq!(state(t), TaskState::Settled);
		assert_eq!(Balances::balance(&OWNER_B), 200);
		assert_noop!(
			Tasks::dispute_task(RuntimeOrigin::signed(MAKER), t),
			Error::<Test>::WrongState
		);
	});
}

#[test]
fn only_open_tasks_are_cancelled_and_refunded() {
	new_test_ext().execute_with(|| {
		let t = mill_task(false);
		assert_noop!(
			Tasks::cancel_task(RuntimeOrigin::signed(CUSTOMER), t),
			Error::<Test>::NotRequester
		);
		let u = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(OWNER_A), u, MILL1));
		assert_noop!(
			Tasks::cancel_task(RuntimeOrigin::signed(MAKER), u),
			Error::<Test>::WrongState
		);
		assert_ok!(Tasks::cancel_task(RuntimeOrigin::signed(MAKER), t));
		assert_eq!(last_event(), Event::TaskCancelled { task: t });
		assert_eq!((state(t), escrow(MAKER)), (TaskState::Cancelled, 100));
		assert_eq!(Deadlines::<Test>::get(11).to_vec(), vec![u]);
	});
}

#[test]
fn deadlines_expire_tasks_refund_and_count_against_the_provider() {
	new_test_ext().execute_with(|| {
		let open = mill_task(false);
		let taken = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(OWNER_A), taken, MILL1));
		run_to(10);
		assert_eq!(state(taken), TaskState::Assigned);
		next_block();
		assert_eq!((state(open), state(taken)), (TaskState::Expired, TaskState::Expired));
		assert!(events().contains(&Event::TaskExpired { task: taken, machine: Some(MILL1) }));
		assert_eq!(escrow(MAKER), 0);
		assert_eq!(Balances::total_balance(&MAKER), 10_000);
		let m = MockMachines::get(MILL1);
		assert_eq!((m.status, m.failed), (MachineStatus::Idle, 1));
		assert_noop!(
			Tasks::complete_task(RuntimeOrigin::signed(OWNER_A), taken, detail(""), [0; 32]),
			Error::<Test>::WrongState
		);
	});
}

#[test]
fn failures_refund_and_join_the_products_story() {
	new_test_ext().execute_with(|| {
		assert_eq!(product_task(true), 0);
		assert_noop!(
			Tasks::fail_task(RuntimeOrigin::signed(OWNER_B), 0, detail("E42")),
			Error::<Test>::NotProvider
		);
		assert_ok!(Tasks::fail_task(RuntimeOrigin::signed(OWNER_A), 0, detail("E42")));
		assert_eq!(last_event(), Event::TaskFailed { task: 0, machine: MILL1 });
		assert_eq!((state(0), escrow(MAKER)), (TaskState::Failed, 0));
		assert_eq!(MockMachines::get(MILL1).failed, 1);
		assert_eq!(MockProvenance::get(7000).steps[0].result, StepResult::Failed(detail("E42")));
	});
}

#[test]
fn disputes_are_decided_by_an_arbiter_either_way() {
	new_test_ext().execute_with(|| {
		let a = mill_task(true);
		let b = mill_task(true);
		for t in [a, b] {
			let machine = TaskRecords::<Test>::get(t).unwrap().provider.unwrap();
			assert_ok!(Tasks::complete_task(
				RuntimeOrigin::signed(machine),
				t,
				detail(""),
				[3; 32]
			));
		}
		assert_noop!(
			Tasks::dispute_task(RuntimeOrigin::signed(CUSTOMER), a),
			Error::<Test>::NotRequester
		);
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER), a));
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER), b));
		assert_eq!(state(a), TaskState::Disputed);
		// A disputed task does not settle when the challenge period ends (only when the
		// dispute period does: `disputes.rs`).
		run_to(8);
		assert_eq!(state(a), TaskState::Disputed);
		assert_noop!(
			Tasks::resolve_dispute(RuntimeOrigin::signed(MAKER), a, false),
			DispatchError::BadOrigin
		);
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), a, true));
		assert_eq!(state(a), TaskState::Settled);
		assert_ok!(Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), b, false));
		assert_eq!(
			last_event(),
			Event::DisputeResolved { task: b, arbiter: ARBITER, for_provider: false }
		);
		assert_eq!(state(b), TaskState::Refunded);
		assert_eq!(escrow(MAKER), 0);
		// `a` paid 100; `b` came back with its provider's stake (20).
		assert_eq!(Balances::total_balance(&MAKER), 9_920);
		assert_noop!(
			Tasks::resolve_dispute(RuntimeOrigin::signed(ARBITER), b, true),
			Error::<Test>::WrongState
		);
	});
}

#[test]
fn matching_picks_the_least_loaded_then_longest_idle_machine() {
	new_test_ext().execute_with(|| {
		// MILL1 has done more work than MILL2: MILL2 first.
		MockMachines::set(MILL1, |m| m.completed = 3);
		let first = mill_task(true);
		assert_eq!(TaskRecords::<Test>::get(first).unwrap().provider, Some(MILL2));
		// Equal load: the one idle for longer.
		MockMachines::add(103, OWNER_A, &["mill"]);
		MockMachines::set(MILL1, |m| {
			m.completed = 0;
			m.idle_since = T0 - 5_000
		});
		MockMachines::set(103, |m| m.idle_since = T0 - 1_000);
		let second = mill_task(true);
		assert_eq!(TaskRecords::<Test>::get(second).unwrap().provider, Some(MILL1));
		// A designated machine is assigned only if it can take it.
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(MAKER),
			cap("mill"),
			params(""),
			None,
			Some(MILL2),
			10,
			12,
			true,
			None
		));
		let designated = NextTaskId::<Test>::get() - 1;
		assert_eq!(state(designated), TaskState::Open);
		assert_eq!(Waiting::<Test>::get().to_vec(), vec![designated]);
		assert_noop!(
			Tasks::assign_task(RuntimeOrigin::signed(STRANGER), designated),
			Error::<Test>::NoProviderAvailable
		);
		// When MILL2 is free, the next block's retry assigns it.
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL2), first, detail(""), [0; 32]));
		next_block();
		assert_eq!(TaskRecords::<Test>::get(designated).unwrap().provider, Some(MILL2));
		assert!(Waiting::<Test>::get().is_empty());
		// `assign_task` does it at once for anyone.
		let waiting = mill_task(true);
		assert_eq!(state(waiting), TaskState::Assigned, "103 was idle");
		let none = mill_task(true);
		assert_eq!(state(none), TaskState::Open);
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), second, detail(""), [0; 32]));
		assert_ok!(Tasks::assign_task(RuntimeOrigin::signed(STRANGER), none));
		assert_eq!(TaskRecords::<Test>::get(none).unwrap().provider, Some(MILL1));
	});
}
