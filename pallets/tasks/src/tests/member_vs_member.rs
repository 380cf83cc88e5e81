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
			),
			Error::<Test>::NotParticipant
		);
		MockActors::reactivate(OWNER_A);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(GATEWAY), task, MILL1));
	});
}
