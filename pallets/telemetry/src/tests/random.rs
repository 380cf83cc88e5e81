//! Random call sequences against a reference model: holds, windows and rules hold after every
//! call.

use super::*;
use pallet_test_utils::{refusal, refuse};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use twinchain_primitives::Stamp;

/// A machine without a gateway (only the machine itself may anchor its windows).
const LONE: u64 = 102;
/// A machine that is not registered.
const UNKNOWN: u64 = 555;
/// Who calls: owners, a stranger, the gateway and the machines.
const ACTORS: [u64; 7] = [OWNER, POOR_OWNER, STRANGER, GATEWAY, KILN, MILL, LONE];
/// Whose balances and holds are checked.
const ACCOUNTS: [u64; 8] = [OWNER, POOR_OWNER, STRANGER, GATEWAY, KILN, MILL, LONE, ESCROW];
/// The metrics readings are of, temperature (`t`) most often.
const METRICS: [&str; 6] = ["h", "iaq", "p", "t", "t", "t"];

type Caller = pallet_test_utils::Caller<u64>;

/// Mostly (72%) one of `right` (who may make the call), sometimes any actor, root or no one.
fn pick(rng: &mut StdRng, right: &[u64]) -> Caller {
	Caller::pick(rng, right, &ACTORS, 72)
}

fn now() -> Stamp<u64> {
	Stamp { block: System::block_number(), time: Timestamp::get() }
}

/// What a rule holds: its deposit, and its reward while armed.
fn rule_held(r: &RuleOf<Test>) -> Balance {
	r.deposit + if r.armed { r.rule.reward } else { 0 }
}

/// The summary of `readings` as a gateway computes it: per metric in name order, count, min,
/// max and the mean rounded towards zero.
fn summarise(readings: &[Reading]) -> Metrics {
	let mut by_metric: BTreeMap<Vec<u8>, Vec<Value>> = BTreeMap::new();
	for r in readings {
		by_metric.entry(r.metric.to_vec()).or_default().push(r.value);
	}
	let metrics: Vec<MetricSummary> = by_metric
		.into_iter()
		.map(|(metric, values)| MetricSummary {
			metric: metric.try_into().unwrap(),
			count: values.len() as u32,
			min: *values.iter().min().unwrap(),
			max: *values.iter().max().unwrap(),
			mean: values.iter().sum::<i64>() / values.len() as i64,
		})
		.collect();
	metrics.try_into().unwrap()
}

/// What the test expects the pallet (and the stand-ins it drives) to hold, kept from the calls
/// that succeeded: a reference model written from the pallet's documentation.
#[derive(Default)]
struct Model {
	/// The machines' owners and statuses (the pallet-machines stand-in).
	machines: BTreeMap<u64, (u64, MachineStatus)>,
	/// Each machine's rules, in storage order.
	rules: BTreeMap<u64, Vec<RuleOf<Test>>>,
	/// Each anchored window by machine and start, with the readings it was built from.
	windows: BTreeMap<(u64, Moment), (WindowOf<Test>, Vec<Reading>)>,
	/// Where each machine's latest window ends.
	last_end: BTreeMap<u64, Moment>,
	/// Maintenance tasks opened (the pallet-tasks stand-in).
	opened: Opened,
	/// Readings in anchored windows.
	readings: u64,
	/// Expected events: breaches, maintenance not opened, rules disarmed.
	breaches: u32,
	not_opened: u32,
	disarmed: u32,
	/// Maintenance deferred while the machine's rules cooled down.
	deferred: u32,
	/// The block until which each machine's rules cool down.
	cooling: BTreeMap<u64, u64>,
}

/// What must hold after every call, read from storage alone:
/// - no balance was made or lost (total issuance unchanged); every account's balance is what
///   it started with less the maintenance rewards it paid (into the escrow, which gained them);
/// - each account's `Rule` hold is exactly the deposits of the rules it set plus the rewards
///   of those still armed;
/// - rules only for registered machines, at most `MaxRules` per machine, none twice on one
///   metric and side, each with 1 ..= `MaxStreak` windows, a reward, the deposit, and a streak
///   no longer than its windows;
/// - windows only for registered machines, in time order without overlap, none longer than
///   `MaxWindowLength`, each a consistent summary (count ≥ 1 is the sum of the metrics'
///   counts; metrics sorted, unique, at most 16, min ≤ mean ≤ max); `LastEnd` is the end of
///   the machine's latest window and nothing else; `windows_from` lists exactly the stored
///   windows starting at or after `from`, in time order;
/// - every maintenance task opened is for a registered machine, asks for the rule's capability
///   and lasts `MaintenanceBlocks`.
fn check_invariants(issuance: Balance, initial: &BTreeMap<u64, Balance>) {
	assert_eq!(Telemetry::do_try_state(), Ok(()), "the pallet's try_state invariants");
	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let mut owed: BTreeMap<u64, Balance> = BTreeMap::new();
	for (machine, rules) in Rules::<Test>::iter() {
		assert!(MockMachines::status(&machine).is_some(), "rules of unknown {machine}");
		assert!(rules.len() <= 2, "more than MaxRules rules on {machine}");
		for (i, r) in rules.iter().enumerate() {
			assert!((1..=5).contains(&r.rule.windows) && r.rule.reward > 0, "bad rule {r:?}");
			assert!(r.streak <= r.rule.windows, "streak beyond its windows: {r:?}");
			assert_eq!(r.deposit, 10, "deposit of {r:?}");
			assert!(
				rules[..i]
					.iter()
					.all(|o| o.rule.metric != r.rule.metric
						|| o.rule.comparison != r.rule.comparison),
				"two rules on one metric and side of {machine}"
			);
			*owed.entry(r.owner).or_default() += rule_held(r);
		}
	}
	let mut paid: BTreeMap<u64, Balance> = BTreeMap::new();
	for (machine, payer, capability, reward, blocks) in MockMaintenance::opened() {
		assert!(MockMachines::status(&machine).is_some(), "maintenance of unknown {machine}");
		assert_eq!((capability, blocks), (b"maintain".to_vec(), 50));
		*paid.entry(payer).or_default() += reward;
	}
	let escrowed: Balance = paid.values().sum();
	for (who, start) in initial {
		let held = Balances::balance_on_hold(&HoldReason::Rule.into(), who);
		assert_eq!(held, owed.get(who).copied().unwrap_or(0), "held by {who}");
		let expected = if *who == ESCROW {
			start + escrowed
		} else {
			start - paid.get(who).copied().unwrap_or(0)
		};
		assert_eq!(Balances::total_balance(who), expected, "balance of {who}");
	}
	let machines: BTreeSet<u64> = Windows::<Test>::iter_keys().map(|(m, _)| m).collect();
	for machine in &machines {
		assert!(MockMachines::status(machine).is_some(), "windows of unknown {machine}");
		let mut windows: Vec<(Moment, WindowOf<Test>)> = Windows::<Test>::iter_prefix(machine)
			.map(|(k, w)| (Moment::from_be_bytes(k), w))
			.collect();
		windows.sort_by_key(|(start, _)| *start);
		for (i, (start, w)) in windows.iter().enumerate() {
			assert!(*start < w.end && w.end - start <= 60_000, "bad window at {start}");
			if i > 0 {
				assert!(windows[i - 1].1.end <= *start, "windows of {machine} overlap at {start}");
			}
			let sum = w.metrics.iter().map(|m| m.count).sum::<u32>();
			assert!(w.count >= 1 && w.count == sum, "count of the window at {start}");
			assert!(w.metrics.windows(2).all(|p| p[0].metric < p[1].metric), "metric order");
			assert!(w.metrics.iter().all(|m| m.count >= 1 && m.min <= m.mean && m.mean <= m.max));
		}
		assert_eq!(
			LastEnd::<Test>::get(machine),
			windows.last().unwrap().1.end,
			"LastEnd of {machine}"
		);
		// The runtime API's listing agrees with what is stored.
		assert_eq!(Telemetry::windows_from(machine, 0, 100), windows, "windows of {machine}");
		let n = windows.len();
		let starts = [windows[0].0, windows[n / 2].0, windows[n - 1].0];
		for from in starts.into_iter().flat_map(|s| [s - 1, s, s + 1]) {
			let expected: Vec<_> = windows.iter().filter(|(s, _)| *s >= from).cloned().collect();
			assert_eq!(
				Telemetry::windows_from(machine, from, 100),
				expected,
				"windows of {machine} from {from}"
			);
		}
	}
	for (machine, _) in LastEnd::<Test>::iter() {
		assert!(machines.contains(&machine), "LastEnd of {machine} without windows");
	}
}

/// The pallet and the stand-ins it drives store exactly what the calls that succeeded imply:
/// every anchored window unchanged since (closed windows are immutable), none lost, none
/// added, each one's count, per-metric count/min/max/mean and Merkle root those of the
/// readings it was built from; each machine's `LastEnd`; the rules with their streaks, counts
/// of fired maintenance and armed state; the maintenance tasks opened; the machines' statuses.
fn check_model(model: &Model) {
	let stored: BTreeMap<(u64, Moment), WindowOf<Test>> = Windows::<Test>::iter()
		.map(|(m, k, w)| ((m, Moment::from_be_bytes(k)), w))
		.collect();
	let expected: BTreeMap<(u64, Moment), WindowOf<Test>> =
		model.windows.iter().map(|(k, (w, _))| (*k, w.clone())).collect();
	assert_eq!(stored, expected, "anchored windows");
	// Each window sums up exactly the readings it was built from, and its root commits to them.
	for ((machine, start), (w, readings)) in &model.windows {
		assert_eq!(w.metrics, summarise(readings), "summary of {machine}'s window at {start}");
		assert_eq!(w.count as usize, readings.len(), "count of {machine}'s window at {start}");
		let leaves: Vec<Hash> = readings.iter().map(|r| merkle::leaf(machine, r)).collect();
		assert_eq!(merkle::root(&leaves), Some(w.root), "root of {machine}'s window at {start}");
	}
	let counted: u64 = stored.values().map(|w| w.count as u64).sum();
	assert_eq!(counted, model.readings, "readings lost or counted twice");
	let last_end: BTreeMap<u64, Moment> = LastEnd::<Test>::iter().collect();
	assert_eq!(last_end, model.last_end, "LastEnd");
	let rules: BTreeMap<u64, Vec<RuleOf<Test>>> = Rules::<Test>::iter()
		.filter(|(_, r)| !r.is_empty())
		.map(|(m, r)| (m, r.into_inner()))
		.collect();
	let expected: BTreeMap<u64, Vec<RuleOf<Test>>> = model
		.rules
		.iter()
		.filter(|(_, r)| !r.is_empty())
		.map(|(m, r)| (*m, r.clone()))
		.collect();
	assert_eq!(rules, expected, "rules");
	assert_eq!(MockMaintenance::opened(), model.opened, "maintenance tasks opened");
	for (machine, (owner, status)) in &model.machines {
		assert_eq!(MockMachines::status(machine), Some(*status), "status of {machine}");
		assert_eq!(MockMachines::owner(machine), Some(*owner), "owner of {machine}");
	}
}

#[test]
fn holds_windows_and_rules_hold_over_random_call_sequences() {
	const SEQUENCES: u64 = 150;
	const STEPS: usize = 60;
	let mut succeeded: BTreeMap<&str, u32> = BTreeMap::new();
	let mut refused: BTreeMap<String, u32> = BTreeMap::new();
	let (mut sequences, mut calls, mut environment, mut replays) = (0u32, 0u32, 0u32, 0u32);
	let (mut readings, mut breaches, mut fired, mut not_opened, mut disarmed) = (0, 0, 0, 0, 0);
	let mut deferred = 0;
	for seed in 0..SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			MockMachines::add(LONE, OWNER, &[]);
			let issuance = Balances::total_issuance();
			let initial: BTreeMap<u64, Balance> =
				ACCOUNTS.iter().map(|a| (*a, Balances::total_balance(a))).collect();
			let mut model = Model::default();
			for m in [KILN, MILL, LONE] {
				model
					.machines
					.insert(m, (MockMachines::owner(&m).unwrap(), MachineStatus::Idle));
			}
			// Windows anchored so far, to be sent again.
			let mut anchored: Vec<(Caller, u64, WindowInput)> = Vec::new();
			for step in 0..STEPS {
				let op = rng.gen_range(0..20);
				// Mostly a machine with rules to remove one, often one to anchor a window of.
				let with_rules: Vec<u64> =
					model.rules.iter().filter(|(_, r)| !r.is_empty()).map(|(m, _)| *m).collect();
				let machine = match with_rules.choose(&mut rng) {
					Some(m)
						if (op == 13 && rng.gen_bool(0.85)) || (op <= 9 && rng.gen_bool(0.5)) =>
					{
						*m
					},
					_ => *[KILN, KILN, KILN, MILL, MILL, LONE, UNKNOWN].choose(&mut rng).unwrap(),
				};
				let (owner, status) =
					model.machines.get(&machine).copied().unwrap_or((OWNER, MachineStatus::Idle));
				let known = model.machines.contains_key(&machine);
				let retired = status == MachineStatus::Retired;
				let rules = model.rules.get(&machine).cloned().unwrap_or_default();
				let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let (call, expected, outcome): (&str, Result<(), String>, Result<(), String>) =
					match op {
						// A window, mostly a good one right after the last, sometimes one that
						// overlaps, is too long, reversed, in the future or does not add up.
						0..=9 => {
							let replay = rng.gen_range(0..10) == 9 && !anchored.is_empty();
							let (who, machine, window, readings_of, corrupted) = if replay {
								let (who, machine, window) =
									anchored.choose(&mut rng).unwrap().clone();
								(who, machine, window, Vec::new(), true)
							} else {
								let right: &[u64] = if machine == LONE || machine == UNKNOWN {
									&[machine]
								} else {
									&[GATEWAY, GATEWAY, machine]
								};
								let who = pick(&mut rng, right);
								let last = LastEnd::<Test>::get(machine).max(T0 - 120_000);
								let start = match rng.gen_range(0..10) {
									0..=7 => last + rng.gen_range(0..2_000),
									8 => last.saturating_sub(rng.gen_range(1..5_000)),
									_ => Timestamp::get().saturating_sub(rng.gen_range(0..30_000)),
								};
								let end = match rng.gen_range(0..40) {
									0 => start,
									1 => start - rng.gen_range(1..1_000),
									2 => start + 60_000,
									3 => start + rng.gen_range(60_001..90_000),
									_ => start + rng.gen_range(1_000..=15_000),
								};
								let n = rng.gen_range(1..=8);
								let readings: Vec<Reading> = (0..n)
									.map(|_| {
										let metric = *METRICS.choose(&mut rng).unwrap();
										let value = match metric {
											"t" => rng.gen_range(-5_000..=110_000),
											"h" => rng.gen_range(20_000..=60_000),
											"iaq" => rng.gen_range(0..=300_000),
											_ => rng.gen_range(950_000..=1_050_000),
										};
										let ts = start
											+ rng.gen_range(0..end.saturating_sub(start).max(1));
										Reading { metric: key(metric), ts, value }
									})
									.collect();
								let leaves: Vec<Hash> =
									readings.iter().map(|r| merkle::leaf(&machine, r)).collect();
								let mut window = WindowInput {
									start,
									end,
									root: merkle::root(&leaves).unwrap(),
									count: n,
									metrics: summarise(&readings),
								};
								// Sometimes a summary that does not add up.
								let corrupted = rng.gen_range(0..8) == 0;
								if corrupted {
									let metrics = &mut window.metrics;
									match rng.gen_range(0..6) {
										0 => window.count += 1,
										1 => {
											window.count = 0;
											metrics.clear();
										},
										2 if metrics.len() >= 2 => metrics.as_mut().swap(0, 1),
										3 => {
											let last = metrics.last().unwrap().clone();
											window.count += last.count;
											metrics.try_push(last).unwrap();
										},
										4 => {
											window.count -= metrics[0].count;
											metrics[0].count = 0;
										},
										_ => metrics[0].mean = metrics[0].max + 1,
									}
								}
								(who, machine, window, readings, corrupted)
							};
							let status = model.machines.get(&machine).map(|(_, s)| *s);
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								match status {
									None => return refuse("UnknownMachine"),
									Some(MachineStatus::Retired) => return refuse("Retired"),
									Some(_) => {},
								}
								let gateway =
									who == GATEWAY && (machine == KILN || machine == MILL);
								if who != machine && !gateway {
									return refuse("NotGateway");
								}
								if !(window.start < window.end
									&& window.end - window.start <= 60_000)
								{
									return refuse("BadWindow");
								}
								if window.end > Timestamp::get() + 5_000 {
									return refuse("FutureWindow");
								}
								if window.start < model.last_end.get(&machine).copied().unwrap_or(0)
								{
									return refuse("OverlapsAnchored");
								}
								if corrupted {
									return refuse("BadSummary");
								}
								Ok(())
							})();
							// The model applies the window to the machine's rules.
							let free_before: BTreeMap<u64, Balance> =
								ACCOUNTS.iter().map(|a| (*a, Balances::free_balance(a))).collect();
							let outcome =
								Telemetry::anchor_window(who.origin(), machine, window.clone())
									.map(|_| ())
									.map_err(|e| refusal(&e.error));
							if outcome.is_ok() && expected.is_ok() {
								let who = who.signer().unwrap();
								let stored = Telemetry::window(&machine, window.start)
									.expect("an anchored window is stored");
								assert_eq!(
									stored,
									Window {
										end: window.end,
										root: window.root,
										count: window.count,
										metrics: window.metrics.clone(),
										gateway: who,
										anchored: now(),
									}
								);
								// Any reading proves against the anchored root, for its machine
								// only.
								let leaves: Vec<Hash> =
									readings_of.iter().map(|r| merkle::leaf(&machine, r)).collect();
								let i = rng.gen_range(0..leaves.len());
								let proof = merkle::proof(&leaves, i).unwrap();
								assert!(merkle::verify(&stored.root, leaves[i], &proof));
								let foreign = merkle::leaf(&(machine + 1), &readings_of[i]);
								assert!(!merkle::verify(&stored.root, foreign, &proof));
								model.readings += window.count as u64;
								model.last_end.insert(machine, window.end);
								model
									.windows
									.insert((machine, window.start), (stored, readings_of));
								anchored.push((Caller::Signed(who), machine, window.clone()));
								// The rules, in order: a breach grows the streak, anything else
								// in the window of the metric ends it; at the streak an armed
								// rule of a machine in service opens a paid maintenance task if
								// the machine can go into maintenance (and is still its
								// owner's), and holds the reward again if its owner can pay
								// it, else it is disarmed.
								let block = System::block_number();
								let rules = model.rules.entry(machine).or_default();
								if !rules.is_empty()
									&& model.cooling.get(&machine).is_some_and(|u| block >= *u)
								{
									model.cooling.remove(&machine);
								}
								let cooling = model.cooling.get(&machine).copied();
								let machine_owner = model.machines[&machine].0;
								let state = &mut model.machines.get_mut(&machine).unwrap().1;
								for r in rules.iter_mut() {
									let Some(m) =
										window.metrics.iter().find(|m| m.metric == r.rule.metric)
									else {
										continue;
									};
									let breach = match r.rule.comparison {
										Comparison::Above => m.max > r.rule.threshold,
										Comparison::Below => m.min < r.rule.threshold,
									};
									if !breach {
										r.streak = 0;
										continue;
									}
									r.streak = (r.streak + 1).min(r.rule.windows);
									model.breaches += 1;
									if r.streak < r.rule.windows
										|| !r.armed || *state == MachineStatus::Maintenance
									{
										continue;
									}
									// A rule of a machine that changed hands since it was set
									// is disarmed rather than paid by its former owner.
									if r.owner != machine_owner {
										r.armed = false;
										model.disarmed += 1;
										continue;
									}
									// After a maintenance task the rules cool down (mock: 5
									// blocks): the breach is deferred.
									if model.cooling.contains_key(&machine) || cooling.is_some() {
										model.deferred += 1;
										continue;
									}
									if !matches!(
										*state,
										MachineStatus::Idle | MachineStatus::Busy(_)
									) {
										model.not_opened += 1;
										continue;
									}
									*state = MachineStatus::Maintenance;
									model.cooling.insert(machine, block + 5);
									r.streak = 0;
									r.fired += 1;
									model.opened.push((
										machine,
										r.owner,
										r.rule.capability.to_vec(),
										r.rule.reward,
										50,
									));
									// The reward moved from the hold to the escrow; holding the
									// next leaves the existential deposit (1) free.
									if free_before[&r.owner] < r.rule.reward + 1 {
										r.armed = false;
										model.disarmed += 1;
									}
								}
							}
							if replay {
								replays += 1;
							}
							("anchor_window", expected, outcome)
						},
						10..=12 => {
							let who = pick(&mut rng, &[owner]);
							let metric =
								*["t", "t", "t", "t", "h", "iaq", "x"].choose(&mut rng).unwrap();
							let comparison = if rng.gen_bool(0.6) {
								Comparison::Above
							} else {
								Comparison::Below
							};
							let threshold = match (metric, comparison) {
								("t", Comparison::Above) => rng.gen_range(40_000..=90_000),
								("t", Comparison::Below) => rng.gen_range(0..=30_000),
								("h", Comparison::Above) => rng.gen_range(50_000..=58_000),
								("h", Comparison::Below) => rng.gen_range(22_000..=30_000),
								_ => rng.gen_range(0..=300_000),
							};
							let rule = RuleInput {
								metric: key(metric),
								comparison,
								threshold,
								windows: if rng.gen_bool(0.8) {
									rng.gen_range(1..=3)
								} else {
									*[0, 4, 5, 6].choose(&mut rng).unwrap()
								},
								capability: b"maintain".to_vec().try_into().unwrap(),
								reward: if rng.gen_bool(0.85) {
									rng.gen_range(20..=120)
								} else {
									*[0, 100_000].choose(&mut rng).unwrap()
								},
							};
							let same = |r: &RuleOf<Test>| {
								r.rule.metric == rule.metric && r.rule.comparison == rule.comparison
							};
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								if !known {
									return refuse("UnknownMachine");
								}
								if retired {
									return refuse("Retired");
								}
								if who != owner {
									return refuse("NotOwner");
								}
								if !(1..=5).contains(&rule.windows) || rule.reward == 0 {
									return refuse("BadRule");
								}
								let replaced = rules.iter().find(|r| same(r));
								let refund =
									replaced.filter(|r| r.owner == who).map_or(0, rule_held);
								if Balances::free_balance(who) + refund < 10 + rule.reward + 1 {
									return refuse("Token(FundsUnavailable)");
								}
								if rules.len() - replaced.is_some() as usize >= 2 {
									return refuse("TooManyRules");
								}
								Ok(())
							})();
							let outcome = Telemetry::set_rule(who.origin(), machine, rule.clone())
								.map_err(|e| refusal(&e));
							if outcome.is_ok() && expected.is_ok() {
								let rules = model.rules.entry(machine).or_default();
								rules.retain(|r| !same(r));
								rules.push(Rule {
									rule,
									owner: who.signer().unwrap(),
									deposit: 10,
									armed: true,
									streak: 0,
									fired: 0,
								});
							}
							("set_rule", expected, outcome)
						},
						13 => {
							let existing = rules.choose(&mut rng).filter(|_| rng.gen_bool(0.75));
							let (metric, comparison) = match existing {
								Some(r) => (r.rule.metric.clone(), r.rule.comparison),
								None => (
									key(METRICS.choose(&mut rng).unwrap()),
									if rng.gen_bool(0.5) {
										Comparison::Above
									} else {
										Comparison::Below
									},
								),
							};
							let rule_owner = existing.map_or(owner, |r| r.owner);
							let who = pick(&mut rng, &[rule_owner, owner]);
							let i = rules.iter().position(|r| {
								r.rule.metric == metric && r.rule.comparison == comparison
							});
							let expected = (|| -> Result<(), String> {
								let who = who.signer()?;
								let Some(i) = i else { return refuse("UnknownRule") };
								if rules[i].owner != who && (!known || owner != who) {
									return refuse("NotOwner");
								}
								Ok(())
							})();
							let outcome =
								Telemetry::remove_rule(who.origin(), machine, metric, comparison)
									.map_err(|e| refusal(&e));
							if outcome.is_ok() && expected.is_ok() {
								model.rules.get_mut(&machine).unwrap().remove(i.unwrap());
							}
							("remove_rule", expected, outcome)
						},
						// The machine's status changes (pallet-machines); retired is for good.
						14 | 15 if known && !retired => {
							let new = match rng.gen_range(0..20) {
								0..=8 => MachineStatus::Idle,
								9..=11 => MachineStatus::Busy(1),
								12..=13 => MachineStatus::Maintenance,
								14..=18 => MachineStatus::Offline,
								_ if rng.gen_bool(0.4) => MachineStatus::Retired,
								_ => MachineStatus::Idle,
							};
							MockMachines::set_status(machine, new);
							model.machines.insert(machine, (owner, new));
							("(status changes)", Ok(()), Ok(()))
						},
						// The machine changes hands (and is idle with its new owner).
						16 if known && !retired && rng.gen_bool(0.4) => {
							let to = *[OWNER, POOR_OWNER, STRANGER].choose(&mut rng).unwrap();
							MockMachines::add(machine, to, &[]);
							model.machines.insert(machine, (to, MachineStatus::Idle));
							("(ownership changes)", Ok(()), Ok(()))
						},
						// The next block, 5 to 40 s later.
						_ => {
							System::set_block_number(System::block_number() + 1);
							Timestamp::set_timestamp(
								Timestamp::get() + rng.gen_range(5_000..=40_000),
							);
							("(next block)", Ok(()), Ok(()))
						},
					};
				assert_eq!(outcome, expected, "seed {seed}, step {step}: {call} on {machine}");
				if call.starts_with('(') {
					environment += 1;
				} else {
					calls += 1;
					match &outcome {
						Ok(()) => *succeeded.entry(call).or_default() += 1,
						Err(e) => {
							assert_eq!(
								sp_io::storage::root(sp_runtime::StateVersion::V1),
								before,
								"seed {seed}, step {step}: a refused {call} changed the state"
							);
							*refused.entry(format!("{call}: {e}")).or_default() += 1;
						},
					}
				}
				check_invariants(issuance, &initial);
				check_model(&model);
			}
			// The events tell the same story.
			let events = events();
			let count = |f: &dyn Fn(&Event<Test>) -> bool| events.iter().filter(|e| f(e)).count();
			assert_eq!(
				count(&|e| matches!(e, Event::ThresholdBreached { .. })),
				model.breaches as usize
			);
			assert_eq!(
				count(&|e| matches!(e, Event::MaintenanceOpened { .. })),
				model.opened.len()
			);
			assert_eq!(
				count(&|e| matches!(e, Event::MaintenanceNotOpened { .. })),
				model.not_opened as usize
			);
			assert_eq!(
				count(&|e| matches!(e, Event::RuleDisarmed { .. })),
				model.disarmed as usize
			);
			assert_eq!(
				count(&|e| matches!(e, Event::MaintenanceDeferred { .. })),
				model.deferred as usize
			);
			deferred += model.deferred;
			assert_eq!(count(&|e| matches!(e, Event::WindowAnchored { .. })), model.windows.len());
			readings += model.readings;
			breaches += model.breaches;
			fired += model.opened.len();
			not_opened += model.not_opened;
			disarmed += model.disarmed;
			sequences += 1;
		});
	}
	let ok: u32 = succeeded.values().sum();
	let failed: u32 = refused.values().sum();
	println!(
		"{sequences} sequences, {calls} calls ({ok} succeeded, {failed} refused, {replays} of them \
		 windows sent again), {environment} blocks, status or owner changes"
	);
	println!(
		"{readings} readings anchored, {breaches} breaches, {fired} maintenance tasks opened, \
		 {not_opened} not opened, {disarmed} rules disarmed, {deferred} deferred"
	);
	println!("succeeded: {succeeded:?}");
	println!("refused: {refused:#?}");
	assert_eq!(sequences as u64, SEQUENCES);
	// Not vacuous: every call succeeded and was refused often, every error was met, rules fired.
	assert!(ok > 2_000 && failed > 1_500, "{ok} succeeded, {failed} refused");
	for call in ["anchor_window", "set_rule", "remove_rule"] {
		assert!(succeeded.get(call).copied().unwrap_or(0) >= 100, "{call} rarely succeeded");
	}
	assert!(readings > 5_000 && replays > 200 && breaches > 200, "{readings} {replays} {breaches}");
	assert!(fired > 40 && not_opened > 20 && disarmed > 5, "{fired} {not_opened} {disarmed}");
	assert!(deferred > 10, "{deferred} maintenance tasks deferred by the cool-down");
	let errors: BTreeSet<&str> = refused.keys().map(|k| k.rsplit(": ").next().unwrap()).collect();
	for error in [
		"UnknownMachine",
		"Retired",
		"NotGateway",
		"NotOwner",
		"BadWindow",
		"FutureWindow",
		"OverlapsAnchored",
		"BadSummary",
		"BadRule",
		"TooManyRules",
		"UnknownRule",
		"BadOrigin",
		"Token(FundsUnavailable)",
	] {
		assert!(errors.contains(error), "{error} never met");
	}
}
