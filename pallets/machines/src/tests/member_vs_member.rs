//! A consortium member against another, through a machine's keys: a key that controlled the
//! machine's DID once, or any key of a deactivated DID, has no power over the machine.

use super::*;

/// The machine's key after its DID was rotated to another key (e.g. it was sold, or its key
/// leaked and was replaced): it may no longer set the machine's status; the new key may.
#[test]
fn an_old_machine_key_cannot_set_its_status() {
	new_test_ext().execute_with(|| {
		register();
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Offline));
		MockDid::set_controller(MILL, 555);
		assert_noop!(
			Machines::set_status(RuntimeOrigin::signed(MILL), MILL, MachineStatus::Idle),
			Error::<Test>::NotAuthorized
		);
		assert_ok!(Machines::set_status(RuntimeOrigin::signed(555), MILL, MachineStatus::Idle));
	});
}

/// Nobody acts for a deactivated DID: neither the machine's key nor its gateway sets its
/// status (its owner still may, e.g. to take it offline).
#[test]
fn a_deactivated_machine_did_can_do_nothing() {
	new_test_ext().execute_with(|| {
		register();
		MockDid::add_gateway(MILL, GATEWAY);
		MockDid::deactivate(MILL);
		for who in [MILL, GATEWAY] {
			assert_noop!(
				Machines::set_status(RuntimeOrigin::signed(who), MILL, MachineStatus::Offline),
				Error::<Test>::NotAuthorized
			);
		}
		assert_ok!(Machines::set_status(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			MachineStatus::Offline
		));
	});
}
