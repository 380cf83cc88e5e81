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
