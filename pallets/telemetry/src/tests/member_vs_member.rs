//! A consortium member against another, through a machine's keys: only whoever acts for the
//! machine's DID now anchors its telemetry — not a key rotated away, nobody for a deactivated
//! DID — so a leaked old key cannot feed a machine's rules with forged windows.

use super::*;

#[test]
fn an_old_machine_key_cannot_anchor_its_telemetry() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 60_000);
		assert_ok!(anchor(KILN, KILN, window(0, &[20_000])));
		MockDid::set_controller(KILN, 555);
		assert_noop!(anchor(KILN, KILN, window(1, &[90_000])), Error::<Test>::NotGateway);
		assert_ok!(anchor(555, KILN, window(1, &[20_000])));
	});
}

#[test]
fn nobody_anchors_for_a_deactivated_machine_did() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 60_000);
		MockDid::deactivate(KILN);
		for who in [KILN, GATEWAY] {
			assert_noop!(anchor(who, KILN, window(0, &[90_000])), Error::<Test>::NotGateway);
		}
	});
}

/// A rule keeps no claim on its owner's money once the machine changed hands: the new owner's
/// machine breaching it opens no maintenance paid by the former owner; the rule is disarmed.
#[test]
fn a_sold_machines_rule_does_not_draw_on_its_former_owner() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 600_000);
		assert_ok!(Telemetry::set_rule(RuntimeOrigin::signed(OWNER), KILN, hot_rule(1, 100)));
		let held_before = held(OWNER);
		MockMachines::set(KILN, |m| m.owner = 777);
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[95_000])));
		assert!(MockMaintenance::opened().is_empty(), "the former owner paid for maintenance");
		assert!(!Rules::<Test>::get(KILN)[0].armed);
		assert!(events().contains(&Event::RuleDisarmed {
			machine: KILN,
			metric: key("t"),
			comparison: Comparison::Above
		}));
		assert_eq!(MockMachines::status(&KILN), Some(MachineStatus::Idle));
		assert_eq!(held(OWNER), held_before - 100, "the held reward went back to the owner");
		assert_eq!(Telemetry::do_try_state(), Ok(()));
	});
}

/// A rogue gateway (or broker client) reports breaches over and over to loop the machine
/// through breach → maintenance → idle → breach, each loop drawing the rule's reward from the
/// owner for whoever does the maintenance. After a rule opened a maintenance task, the
/// machine's rules open none for `MaintenanceCooldown` blocks (mock: 5): breaches in between
/// are reported as deferred, and the owner pays once per cool-down at most.
#[test]
fn a_gateway_cannot_loop_a_machine_through_paid_maintenance() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 3_600_000);
		assert_ok!(Telemetry::set_rule(RuntimeOrigin::signed(OWNER), KILN, hot_rule(1, 100)));
		let start = System::block_number();
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[95_000])));
		assert_eq!(MockMaintenance::opened().len(), 1);
		assert_eq!(CoolingDown::<Test>::get(KILN), Some(start + 5));
		for i in 1..5u64 {
			System::set_block_number(start + i);
			MockMachines::set_status(KILN, MachineStatus::Idle);
			assert_ok!(anchor(GATEWAY, KILN, window(i, &[95_000])));
		}
		assert_eq!(MockMaintenance::opened().len(), 1, "no second paid maintenance in the loop");
		assert!(events().contains(&Event::MaintenanceDeferred {
			machine: KILN,
			metric: key("t"),
			until: start + 5
		}));
		System::set_block_number(start + 5);
		MockMachines::set_status(KILN, MachineStatus::Idle);
		assert_ok!(anchor(GATEWAY, KILN, window(10, &[95_000])));
		assert_eq!(MockMaintenance::opened().len(), 2, "after the cool-down it fires again");
		assert_eq!(CoolingDown::<Test>::get(KILN), Some(start + 10));
		assert_eq!(Telemetry::do_try_state(), Ok(()));
	});
}
