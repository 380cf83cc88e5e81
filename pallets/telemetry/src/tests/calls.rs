//! Every call: anchoring windows, their checks, rules and the maintenance they open.

use super::*;

#[test]
fn gateways_anchor_windows_that_follow_each_other() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 60_000);
		assert_noop!(anchor(STRANGER, KILN, window(0, &[20_000])), Error::<Test>::NotGateway);
		assert_noop!(anchor(GATEWAY, 555, window(0, &[20_000])), Error::<Test>::UnknownMachine);
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[20_000, 21_000])));
		let w = window(0, &[20_000, 21_000]);
		assert_eq!(
			events().last().unwrap(),
			&Event::WindowAnchored {
				machine: KILN,
				start: w.start,
				end: w.end,
				root: w.root,
				count: 3,
				gateway: GATEWAY
			}
		);
		let stored = Telemetry::window(&KILN, w.start).unwrap();
		assert_eq!((stored.root, stored.count, stored.gateway), (w.root, 3, GATEWAY));
		assert_eq!(stored.metrics[1], summary("t", &[20_000, 21_000]));
		assert_eq!(
			<Telemetry as EnvironmentAnchors<u64>>::window(&KILN, w.start),
			Some((w.end, w.root))
		);
		// Not twice, not overlapping, not rewritten.
		assert_noop!(anchor(GATEWAY, KILN, window(0, &[1])), Error::<Test>::OverlapsAnchored);
		let mut overlapping = window(1, &[1]);
		overlapping.start -= 1;
		assert_noop!(anchor(GATEWAY, KILN, overlapping), Error::<Test>::OverlapsAnchored);
		// The machine itself may anchor; gaps are fine.
		assert_ok!(anchor(KILN, KILN, window(3, &[22_000])));
		assert_ok!(anchor(GATEWAY, KILN, window(5, &[22_000])));
		let listed: Vec<Moment> =
			Telemetry::windows_from(&KILN, T0 + 1, 10).into_iter().map(|(s, _)| s).collect();
		assert_eq!(listed, vec![T0 + 30_000, T0 + 50_000], "time order, from `from` on");
		let listed: Vec<Moment> = Telemetry::windows_from(&KILN, T0 + 30_000, 10)
			.into_iter()
			.map(|(s, _)| s)
			.collect();
		assert_eq!(listed, vec![T0 + 30_000, T0 + 50_000], "a window starting at `from` too");
		assert_eq!(Telemetry::windows_from(&KILN, 0, 1).len(), 1, "limited");
		// Retired machines anchor nothing.
		MockMachines::set_status(KILN, MachineStatus::Retired);
		assert_noop!(anchor(GATEWAY, KILN, window(6, &[1])), Error::<Test>::Retired);
	});
}

#[test]
fn windows_must_be_sane_summaries_of_the_past() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 60_000);
		let with = |f: &dyn Fn(&mut WindowInput)| {
			let mut w = window(0, &[20_000, 30_000]);
			f(&mut w);
			anchor(GATEWAY, KILN, w)
		};
		assert_noop!(with(&|w| w.end = w.start), Error::<Test>::BadWindow);
		assert_noop!(with(&|w| w.end = w.start + 60_001), Error::<Test>::BadWindow);
		// Ends at most MaxClockSkew (5 s) after now.
		// Ends at +70 s.
		assert_noop!(anchor(GATEWAY, KILN, window(6, &[1])), Error::<Test>::FutureWindow);
		assert_noop!(with(&|w| w.count = 4), Error::<Test>::BadSummary);
		assert_noop!(with(&|w| w.count = 0), Error::<Test>::BadSummary);
		assert_noop!(
			with(&|w| w.metrics =
				vec![w.metrics[1].clone(), w.metrics[0].clone()].try_into().unwrap()),
			Error::<Test>::BadSummary
		);
		assert_noop!(with(&|w| w.metrics[1].mean = 31_000), Error::<Test>::BadSummary);
		assert_noop!(with(&|w| w.metrics[1].min = 30_001), Error::<Test>::BadSummary);
		assert_noop!(
			with(&|w| {
				w.metrics[0].count = 0;
				w.count = 2;
			}),
			Error::<Test>::BadSummary
		);
		// A metric twice.
		assert_noop!(
			with(&|w| {
				let t = w.metrics[1].clone();
				w.metrics[0] = t;
				w.count = 4;
			}),
			Error::<Test>::BadSummary
		);
		assert_ok!(with(&|_| ()));
	});
}

#[test]
fn owners_set_replace_and_remove_rules_with_deposit_and_reward_held() {
	new_test_ext().execute_with(|| {
		let set =
			|who, machine, rule| Telemetry::set_rule(RuntimeOrigin::signed(who), machine, rule);
		assert_noop!(set(STRANGER, KILN, hot_rule(3, 100)), Error::<Test>::NotOwner);
		assert_noop!(set(OWNER, 555, hot_rule(3, 100)), Error::<Test>::UnknownMachine);
		assert_noop!(set(OWNER, KILN, hot_rule(0, 100)), Error::<Test>::BadRule);
		assert_noop!(set(OWNER, KILN, hot_rule(6, 100)), Error::<Test>::BadRule);
		assert_noop!(set(OWNER, KILN, hot_rule(3, 0)), Error::<Test>::BadRule);
		assert_noop!(
			set(OWNER, KILN, hot_rule(3, 5_000)),
			sp_runtime::TokenError::FundsUnavailable
		);
		assert_ok!(set(OWNER, KILN, hot_rule(3, 100)));
		assert_eq!(
			events().last().unwrap(),
			&Event::RuleSet { machine: KILN, rule: hot_rule(3, 100) }
		);
		assert_eq!(held(OWNER), 110);
		// The same metric and side replaces it; the holds follow.
		assert_ok!(set(OWNER, KILN, hot_rule(2, 200)));
		assert_eq!(held(OWNER), 210);
		assert_eq!(Rules::<Test>::get(KILN).len(), 1);
		let mut cold = hot_rule(1, 50);
		cold.comparison = Comparison::Below;
		cold.threshold = 5_000;
		assert_ok!(set(OWNER, KILN, cold.clone()));
		let mut humid = hot_rule(1, 50);
		humid.metric = key("h");
		assert_noop!(set(OWNER, KILN, humid), Error::<Test>::TooManyRules);
		assert_eq!(held(OWNER), 270);

		let remove = |who, metric: &str, c| {
			Telemetry::remove_rule(RuntimeOrigin::signed(who), KILN, key(metric), c)
		};
		assert_noop!(remove(OWNER, "h", Comparison::Above), Error::<Test>::UnknownRule);
		assert_noop!(remove(STRANGER, "t", Comparison::Above), Error::<Test>::NotOwner);
		assert_ok!(remove(OWNER, "t", Comparison::Above));
		assert_eq!(
			events().last().unwrap(),
			&Event::RuleRemoved { machine: KILN, metric: key("t"), comparison: Comparison::Above }
		);
		assert_eq!(held(OWNER), 60);
		assert_eq!(Balances::total_balance(&OWNER), 1_000, "nothing was taken");
	});
}

#[test]
fn an_overheating_machine_goes_into_paid_maintenance_after_its_streak() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 600_000);
		assert_ok!(Telemetry::set_rule(RuntimeOrigin::signed(OWNER), KILN, hot_rule(3, 100)));
		let streak = || Rules::<Test>::get(KILN)[0].streak;
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[79_000, 81_000])));
		assert_eq!(streak(), 1);
		assert!(events().contains(&Event::ThresholdBreached {
			machine: KILN,
			metric: key("t"),
			comparison: Comparison::Above,
			value: 81_000,
			streak: 1
		}));
		// A cool window breaks the streak; a window without the metric leaves it.
		assert_ok!(anchor(GATEWAY, KILN, window(1, &[80_000])));
		assert_eq!(streak(), 0);
		assert_ok!(anchor(GATEWAY, KILN, window(2, &[85_000])));
		assert_ok!(anchor(GATEWAY, KILN, window(3, &[85_000])));
		let mut no_t = window(4, &[1]);
		no_t.metrics.remove(1);
		no_t.count = 1;
		assert_ok!(anchor(GATEWAY, KILN, no_t));
		assert_eq!(streak(), 2);
		assert!(MockMaintenance::opened().is_empty());
		assert_eq!(MockMachines::status(&KILN), Some(MachineStatus::Idle));

		assert_ok!(anchor(GATEWAY, KILN, window(5, &[90_000])));
		assert_eq!(MockMachines::status(&KILN), Some(MachineStatus::Maintenance));
		assert_eq!(MockMaintenance::opened(), vec![(KILN, OWNER, b"maintain".to_vec(), 100, 50)]);
		assert_eq!(
			events().last().unwrap(),
			&Event::MaintenanceOpened { machine: KILN, metric: key("t"), task: 0 }
		);
		// The reward went to escrow; the next one is held again; the rule is armed.
		assert_eq!(Balances::total_balance(&ESCROW), 101);
		assert_eq!(held(OWNER), 110);
		let r = &Rules::<Test>::get(KILN)[0];
		assert_eq!((r.streak, r.fired, r.armed), (0, 1, true));
		// In maintenance, more hot windows open nothing more.
		for i in 6..10 {
			assert_ok!(anchor(GATEWAY, KILN, window(i, &[95_000])));
		}
		assert_eq!(MockMaintenance::opened().len(), 1);
		assert_eq!(Rules::<Test>::get(KILN)[0].streak, 3, "capped at the rule's windows");
		// Back in service, a hot window fires as soon as the rules' cool-down (mock: 5
		// blocks) is over: the streak is still there.
		MockMachines::set_status(KILN, MachineStatus::Idle);
		System::set_block_number(System::block_number() + 5);
		assert_ok!(anchor(GATEWAY, KILN, window(10, &[95_000])));
		assert_eq!(MockMaintenance::opened().len(), 2);
	});
}

#[test]
fn a_rule_whose_owner_cannot_pay_again_is_disarmed_and_unavailable_machines_are_reported() {
	new_test_ext().execute_with(|| {
		Timestamp::set_timestamp(T0 + 600_000);
		// POOR_OWNER (150) can hold one reward (100) and the deposit (10), not a second reward.
		assert_ok!(Telemetry::set_rule(RuntimeOrigin::signed(POOR_OWNER), MILL, hot_rule(1, 100)));
		let mill_window = |i: u64, t| {
			let mut w = window(i, &[t]);
			w.root = [i as u8; 32];
			anchor(GATEWAY, MILL, w)
		};
		assert_ok!(mill_window(0, 99_000));
		assert_eq!(MockMaintenance::opened().len(), 1);
		assert!(events().contains(&Event::RuleDisarmed {
			machine: MILL,
			metric: key("t"),
			comparison: Comparison::Above
		}));
		let r = &Rules::<Test>::get(MILL)[0];
		assert!(!r.armed);
		assert_eq!(held(POOR_OWNER), 10, "only the deposit");
		// Disarmed, it never fires, even back in service.
		MockMachines::set_status(MILL, MachineStatus::Idle);
		assert_ok!(mill_window(1, 99_000));
		assert_eq!(MockMaintenance::opened().len(), 1);
		// Removing it releases just the deposit.
		assert_ok!(Telemetry::remove_rule(
			RuntimeOrigin::signed(POOR_OWNER),
			MILL,
			key("t"),
			Comparison::Above
		));
		assert_eq!(held(POOR_OWNER), 0);

		// An offline machine cannot go into maintenance: reported, the reward stays held.
		assert_ok!(Telemetry::set_rule(RuntimeOrigin::signed(OWNER), KILN, hot_rule(1, 100)));
		MockMachines::set_status(KILN, MachineStatus::Offline);
		assert_ok!(anchor(GATEWAY, KILN, window(0, &[99_000])));
		assert!(matches!(
			events().last().unwrap(),
			Event::MaintenanceNotOpened { machine: KILN, .. }
		));
		assert_eq!(held(OWNER), 110);
		assert!(Rules::<Test>::get(KILN)[0].armed);
	});
}
