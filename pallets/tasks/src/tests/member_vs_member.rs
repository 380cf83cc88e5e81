//! A consortium member against another, through a machine's keys: a key that controlled the
//! machine's DID once, or any key of a deactivated DID, can neither take nor report a task for
//! the machine, nor ask for work as the machine (which would spend its owner's standing).

use super::*;

/// MILL1's key after its DID was rotated to another key: it may not accept, start, complete or
/// fail tasks for MILL1; the new key and the owner still may.
#[test]
fn an_old_machine_key_cannot_take_or_report_tasks() {
	new_test_ext().execute_with(|| {
		let task = mill_task(false);
		MockDid::set_controller(MILL1, 555);
		assert_noop!(
			Tasks::accept_task(RuntimeOrigin::signed(MILL1), task, MILL1),
			Error::<Test>::NotProvider
		);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(555), task, MILL1));
		assert_noop!(
			Tasks::start_task(RuntimeOrigin::signed(MILL1), task),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			Tasks::complete_task(RuntimeOrigin::signed(MILL1), task, detail(""), [0; 32]),
			Error::<Test>::NotProvider
		);
		assert_noop!(
			Tasks::fail_task(RuntimeOrigin::signed(MILL1), task, detail("x")),
			Error::<Test>::NotProvider
		);
		assert_ok!(Tasks::start_task(RuntimeOrigin::signed(OWNER_A), task));
	});
}

/// A machine asks for work with the key that controls its DID now only.
#[test]
fn an_old_machine_key_cannot_request_tasks() {
	new_test_ext().execute_with(|| {
		let request = |who| {
			Tasks::create_task(
				RuntimeOrigin::signed(who),
				cap("fire"),
				params(""),
				None,
				None,
				10,
				System::block_number() + 10,
				false,
				None,
			)
		};
		assert_ok!(request(MILL1));
		MockDid::set_controller(MILL1, 555);
		assert_noop!(request(MILL1), Error::<Test>::NotParticipant);
	});
}

/// Nobody acts for a deactivated machine DID: neither its key nor its gateway takes tasks for
/// it.
#[test]
fn a_deactivated_machine_did_takes_no_task() {
	new_test_ext().execute_with(|| {
		let task = mill_task(false);
		MockDid::deactivate(MILL1);
		for who in [MILL1, GATEWAY] {
			assert_noop!(
				Tasks::accept_task(RuntimeOrigin::signed(who), task, MILL1),
				Error::<Test>::NotProvider
			);
		}
	});
}

/// A suspended member's machines neither take nor ask for work: MILL1's owner suspended, MILL1
/// cannot accept, is not chosen by matching (MILL2 is), and cannot request; reactivated, it
/// can.
#[test]
fn a_suspended_owners_machines_take_no_work() {
	new_test_ext().execute_with(|| {
		MockActors::suspend(OWNER_A);
		let task = mill_task(false);
		assert_noop!(
			Tasks::accept_task(RuntimeOrigin::signed(GATEWAY), task, MILL1),
			Error::<Test>::OwnerSuspended
		);
		for _ in 0..3 {
			let auto = mill_task(true);
			let provider = TaskRecords::<Test>::get(auto).unwrap().provider;
			assert_ne!(provider, Some(MILL1), "a suspended owner's machine was matched");
			if provider.is_some() {
				assert_ok!(Tasks::fail_task(RuntimeOrigin::signed(OWNER_B), auto, detail("x")));
			}
		}
		assert_noop!(
			Tasks::create_task(
				RuntimeOrigin::signed(MILL1),
				cap("fire"),
				params(""),
				None,
				None,
				10,
				System::block_number() + 10,
				false,
				None,
			),
			Error::<Test>::NotParticipant
		);
		MockActors::reactivate(OWNER_A);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(GATEWAY), task, MILL1));
	});
}

/// No requester fills the shared schedules and queue: each has at most
/// `MaxLiveTasksPerRequester` (8 here) tasks not yet over; others still ask for work; a task
/// that ends frees a place.
#[test]
fn a_requester_cannot_fill_the_shared_schedules() {
	new_test_ext().execute_with(|| {
		let ask = |who: u64, deadline: u64| {
			Tasks::create_task(
				RuntimeOrigin::signed(who),
				cap("mill"),
				params(""),
				None,
				None,
				10,
				deadline,
				true,
				None,
			)
		};
		for i in 0..8 {
			assert_ok!(ask(MAKER, System::block_number() + 2 + i / 3));
		}
		assert_noop!(ask(MAKER, System::block_number() + 9), Error::<Test>::TooManyLiveTasks);
		assert_ok!(ask(CUSTOMER, System::block_number() + 9));
		// Open tasks, waiting or not, count; one cancelled frees a place.
		let open = (0..8).find(|t| state(*t) == TaskState::Open).expect("an open task");
		assert_ok!(Tasks::cancel_task(RuntimeOrigin::signed(MAKER), open));
		assert_ok!(ask(MAKER, System::block_number() + 9));
		assert_eq!(LiveTasks::<Test>::get(MAKER), 8);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}

/// A provider's completion is never reverted because the order's next step cannot be
/// created: the order stops there and refunds the steps not begun; the completion stands.
#[test]
fn a_completion_stands_when_the_next_step_cannot_be_created() {
	new_test_ext().execute_with(|| {
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"r".to_vec().try_into().unwrap(),
			recipe(&[("fire", ""), ("mill", "")])
		));
		assert_ok!(Tasks::place_order(
			RuntimeOrigin::signed(MAKER),
			0,
			workpiece(),
			Default::default(),
			10,
			20
		));
		let step0 = 0;
		assert_eq!(TaskRecords::<Test>::get(step0).unwrap().provider, Some(OVEN));
		// The requester's other tasks take every live place but the step's own.
		for i in 0..7 {
			assert_ok!(Tasks::create_task(
				RuntimeOrigin::signed(MAKER),
				cap("mill"),
				params(""),
				None,
				None,
				10,
				System::block_number() + 2 + i / 3,
				false,
				None,
			));
		}
		assert_ok!(Tasks::complete_task(
			RuntimeOrigin::signed(OWNER_B),
			step0,
			detail(""),
			[4; 32]
		));
		assert_eq!(state(step0), TaskState::Completed);
		assert!(events().contains(&Event::OrderFailed { order: 0, step: 1 }));
		assert_eq!(Orders::<Test>::get(0).unwrap().state, OrderState::Failed);
		assert_eq!(Tasks::do_try_state(), Ok(()));
	});
}
