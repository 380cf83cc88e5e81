//! Windows that are paid for and go: each holds a per-byte deposit from whoever anchored it,
//! and once `WindowRetention` blocks past the block that anchored it the machine's next anchors
//! (two at a time) or anyone prune it, oldest first; the deposit goes back to the anchorer.
//! What was pruned cannot be anchored again: `LastEnd` stays.

use super::*;
use codec::Encode;
use frame_support::traits::fungible::Mutate;

fn window_deposit(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::Window.into(), &who)
}

/// Deposits of 3 per window and 1 per byte, windows kept 10 blocks, a funded gateway.
fn with_deposits() {
	WindowBase::set(3);
	WindowPerByte::set(1);
	WindowKeep::set(10);
	Balances::set_balance(&GATEWAY, 10_000);
}

fn starts(machine: u64) -> Vec<Moment> {
	Windows::<Test>::iter_prefix(machine)
		.map(|(k, _)| Moment::from_be_bytes(k))
		.collect()
}

#[test]
fn a_window_holds_a_deposit_per_byte_from_its_anchorer() {
	new_test_ext().execute_with(|| {
		with_deposits();
		Timestamp::set_timestamp(T0 + 60_000);
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[20_000])));
		let w = Telemetry::window(&KILN, T0).unwrap();
		let expected = 3 + w.encoded_size() as Balance;
		assert_eq!(WindowDeposits::<Test>::get(KILN, window_key(T0)), Some(expected));
		assert_eq!(window_deposit(GATEWAY), expected);
		// A window with two more readings of a metric is no longer; one more metric is.
		assert_ok!(anchor(GATEWAY, KILN, window(1, &[20_000, 21_000, 22_000])));
		assert_eq!(WindowDeposits::<Test>::get(KILN, window_key(T0 + 10_000)), Some(expected));
	});
}

#[test]
fn an_anchorer_that_cannot_pay_the_deposit_anchors_nothing() {
	new_test_ext().execute_with(|| {
		with_deposits();
		Balances::set_balance(&GATEWAY, 1);
		Timestamp::set_timestamp(T0 + 60_000);
		assert_noop!(
			anchor(GATEWAY, KILN, window(0, &[20_000])),
			sp_runtime::TokenError::FundsUnavailable
		);
		assert_eq!(LastEnd::<Test>::get(KILN), 0);
	});
}

#[test]
fn the_machines_next_anchors_prune_two_expired_windows_each_oldest_first() {
	new_test_ext().execute_with(|| {
		with_deposits();
		Timestamp::set_timestamp(T0 + 60_000);
		for i in 0..5 {
			assert_ok!(anchor(GATEWAY, KILN, window(i, &[20_000])));
		}
		let per_window = window_deposit(GATEWAY) / 5;
		assert_eq!(starts(KILN).len(), 5);
		// All five were anchored in block 1: kept through block 10, expired in block 11.
		System::set_block_number(10);
		Timestamp::set_timestamp(T0 + 80_000);
		assert_ok!(anchor(GATEWAY, KILN, window(6, &[20_000])));
		assert_eq!(starts(KILN).len(), 6);
		System::set_block_number(11);
		assert_ok!(anchor(GATEWAY, KILN, window(7, &[20_000])));
		assert_eq!(
			starts(KILN),
			vec![T0 + 20_000, T0 + 30_000, T0 + 40_000, T0 + 60_000, T0 + 70_000]
		);
		assert_eq!(
			events().last().unwrap(),
			&Event::WindowsPruned { machine: KILN, count: 2, before: 1 }
		);
		assert_eq!(window_deposit(GATEWAY), 5 * per_window);
		assert!(WindowDeposits::<Test>::get(KILN, window_key(T0)).is_none());
		// Nothing is anchored where a pruned window was: `LastEnd` stays.
		assert_noop!(anchor(GATEWAY, KILN, window(0, &[1])), Error::<Test>::OverlapsAnchored);
		// The other machine's windows are its own business.
		assert_ok!(anchor(GATEWAY, MILL, window(0, &[20_000])));
		assert_eq!(starts(MILL), vec![T0]);
	});
}

#[test]
fn anyone_prunes_the_expired_windows_of_a_machine_that_anchors_no_more() {
	new_test_ext().execute_with(|| {
		with_deposits();
		Timestamp::set_timestamp(T0 + 60_000);
		for i in 0..5 {
			assert_ok!(anchor(GATEWAY, KILN, window(i, &[20_000])));
		}
		let (gateway, stranger) = (Balances::balance(&GATEWAY), Balances::balance(&STRANGER));
		let held = window_deposit(GATEWAY);
		assert_noop!(
			Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 10),
			Error::<Test>::NothingToPrune
		);
		System::set_block_number(11);
		// At most `MaxPrunedPerCall` (3) a call, whatever `max` says.
		assert_ok!(Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 10));
		assert_eq!(starts(KILN), vec![T0 + 30_000, T0 + 40_000]);
		assert_ok!(Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 1));
		assert_eq!(starts(KILN), vec![T0 + 40_000]);
		assert_ok!(Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 10));
		assert!(starts(KILN).is_empty());
		assert_noop!(
			Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 10),
			Error::<Test>::NothingToPrune
		);
		// Every deposit went back to the gateway that anchored; the pruner got nothing.
		assert_eq!(window_deposit(GATEWAY), 0);
		assert_eq!(Balances::balance(&GATEWAY), gateway + held);
		assert_eq!(Balances::balance(&STRANGER), stranger);
		assert_eq!(LastEnd::<Test>::get(KILN), T0 + 50_000);
		assert_eq!(Telemetry::do_try_state(), Ok(()));
	});
}

#[test]
fn a_window_anchored_long_after_its_end_is_kept_its_full_retention() {
	new_test_ext().execute_with(|| {
		with_deposits();
		// The gateway was offline for ten days: its backlog ends long before now.
		Timestamp::set_timestamp(T0 + 10 * 86_400_000);
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[20_000])));
		System::set_block_number(5);
		assert_ok!(anchor(GATEWAY, KILN, window(1, &[20_000])));
		// Nothing is pruned before the tenth block after its anchoring, by an anchor or anyone.
		System::set_block_number(10);
		assert_ok!(anchor(GATEWAY, KILN, window(2, &[20_000])));
		assert_noop!(
			Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 3),
			Error::<Test>::NothingToPrune
		);
		assert_eq!(starts(KILN), vec![T0, T0 + 10_000, T0 + 20_000]);
		// In block 11 the first goes, the ones anchored later stay.
		System::set_block_number(11);
		assert_ok!(Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 3));
		assert_eq!(starts(KILN), vec![T0 + 10_000, T0 + 20_000]);
		System::set_block_number(15);
		assert_ok!(Telemetry::prune_windows(RuntimeOrigin::signed(STRANGER), KILN, 3));
		assert_eq!(starts(KILN), vec![T0 + 20_000]);
		assert_eq!(Telemetry::do_try_state(), Ok(()));
	});
}
