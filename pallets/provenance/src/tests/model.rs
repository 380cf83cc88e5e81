//! The pallet's invariants, checked after every call and block of the random sequences.

use super::*;

/// A manufacturer and supplier with little money: its deposits run out.
pub(super) const POOR: u64 = 15;
/// A third machine, owned by the customer.
pub(super) const DRILL: u64 = 102;
/// An environment sensor with anchored telemetry windows.
pub(super) const ENV: u64 = 300;
/// No machine has this account.
pub(super) const NO_MACHINE: u64 = 555;
/// Everyone who calls in the random sequences.
pub(super) const ANYONE: [u64; 10] =
	[MANUFACTURER, SUPPLIER, CUSTOMER, CERTIFIER, STRANGER, POOR, MILL, OVEN, DRILL, GATEWAY];

/// An anchored telemetry window: sensor, start, end, root.
pub(super) type Window = (u64, Moment, Moment, [u8; 32]);

/// The names of the pallet's errors, from its metadata.
pub(super) fn pallet_error_names() -> Vec<&'static str> {
	use scale_info::{TypeDef, TypeInfo};
	match Error::<Test>::type_info().type_def {
		TypeDef::Variant(v) => {
			v.variants.iter().map(|v| v.name).filter(|n| !n.starts_with("__")).collect()
		},
		_ => unreachable!("an error enum"),
	}
}

pub(super) fn held(reason: HoldReason, who: u64) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

/// What the random sequences remember between calls, to check that lifecycles only move
/// forward.
#[derive(Default)]
pub(super) struct History {
	/// Products that were finished once.
	pub(super) finished: BTreeSet<u64>,
	/// The recall that reached each recalled product.
	pub(super) recalled: BTreeMap<u64, RecallId>,
}

/// The invariants of the provenance pallet, checked after every call and block:
/// - funds: total issuance never changes; each account holds as product deposit exactly the
///   deposits of the products it made, and as lot deposit exactly those of its lots;
/// - ids: lots are `0..NextLotId`, recalls `0..NextRecallId`, products the DIDs handed out;
/// - lots: `used_by` equals the products indexed under the lot, and each of them lists it;
/// - products: their lots exist, are indexed and not duplicated; the tag index maps each tag to
///   the product carrying it and back; steps are `0..steps`, at most `MaxSteps`, each with sane
///   times (start ≤ end ≤ recorded, at most `MaxStepDuration`), a known machine, its entry in
///   the machine index and, if set, an anchored environment with its root that overlaps it; the
///   machine index holds nothing else; components number `components` (≤ `MaxComponents`) and
///   each names the product as its parent; a parent exists and lists the product, which is
///   finished or recalled, has no offer, and the parent chain has no cycle; custody transfers
///   are `0..transfers` (≤ `MaxTransfers`) and chain from the manufacturer to the custodian;
///   credentials number `credentials` (≤ `MaxCredentials`); an offer goes to another active
///   actor and is the only way to be `Shipped`; `Recalled` exactly when a recall reached it;
///   a finished product never goes back into production and a recall never goes away; the trace
///   shows every item counted;
/// - recalls: `affected` equals the products that name the recall; a recall is complete exactly
///   when it is not queued; the queue is bounded and free of duplicates; a lot recall is named
///   by its lot and a range recall by its machine's ranges (≤ `MaxRecallRanges`), and back; a
///   signed recall was made by the lot's supplier or the machine's owner;
/// - once no recall is queued: every product made from a recalled lot, or with a step
///   overlapping a recalled range of its machine, is recalled, and so is the parent of every
///   recalled product.
pub(super) fn check_provenance_invariants(
	accounts: &[u64],
	issuance: Balance,
	history: &mut History,
) {
	assert_eq!(Provenance::do_try_state(), Ok(()), "the pallet's try_state invariants");
	let max_steps: u32 = <Test as Config>::MaxSteps::get();
	let max_duration: Moment = <Test as Config>::MaxStepDuration::get();
	let max_components: u32 = <Test as Config>::MaxComponents::get();
	let max_transfers: u32 = <Test as Config>::MaxTransfers::get();
	let max_credentials: u32 = <Test as Config>::MaxCredentials::get();
	let max_ranges: u32 = <Test as Config>::MaxRecallRanges::get();
	let max_queued: u32 = <Test as Config>::MaxQueuedRecalls::get();
	let product_deposit: Balance = <Test as Config>::ProductDeposit::get();
	let lot_deposit: Balance = <Test as Config>::LotDeposit::get();

	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let products: BTreeMap<u64, ProductOf<Test>> = Products::<Test>::iter().collect();
	let lots: BTreeMap<LotId, LotOf<Test>> = Lots::<Test>::iter().collect();
	let recalls: BTreeMap<RecallId, RecallOf<Test>> = Recalls::<Test>::iter().collect();
	let queue: Vec<RecallId> = RecallQueue::<Test>::get().iter().map(|j| j.recall).collect();
	let mut product_deposits: BTreeMap<u64, Balance> = BTreeMap::new();
	let mut lot_deposits: BTreeMap<u64, Balance> = BTreeMap::new();
	let mut affected: BTreeMap<RecallId, u32> = BTreeMap::new();

	assert!(lots.keys().copied().eq(0..NextLotId::<Test>::get()), "lot ids");
	assert!(recalls.keys().copied().eq(0..NextRecallId::<Test>::get()), "recall ids");
	let next_product = FIRST_PRODUCT + products.len() as u64;
	assert!(products.keys().copied().eq(FIRST_PRODUCT..next_product), "product ids");

	for (id, l) in &lots {
		assert_eq!(l.deposit, lot_deposit, "lot {id}'s deposit");
		*lot_deposits.entry(l.supplier).or_default() += l.deposit;
		let users: Vec<u64> = LotProducts::<Test>::iter_key_prefix(id).collect();
		assert_eq!(l.used_by as usize, users.len(), "lot {id}'s use count");
		for p in &users {
			assert!(products.get(p).is_some_and(|p| p.lots.contains(id)), "lot {id} lists {p}");
		}
		if let Some(r) = l.recall {
			let scope = recalls.get(&r).map(|r| r.scope.clone());
			assert_eq!(scope, Some(RecallScope::Lot(*id)), "lot {id}'s recall {r}");
		}
	}
	for (lot, _) in LotProducts::<Test>::iter_keys() {
		assert!(lots.contains_key(&lot), "a product index of a lot that does not exist");
	}
	for (tag, p) in ProductByTag::<Test>::iter() {
		let carried = products.get(&p).and_then(|p| p.product_type.tag.clone());
		assert_eq!(carried, Some(tag), "the tag index names {p}, which does not carry the tag");
	}

	let mut total_steps = 0;
	for (id, p) in &products {
		assert_eq!(p.deposit, product_deposit, "{id}'s deposit");
		*product_deposits.entry(p.manufacturer).or_default() += p.deposit;
		for (i, lot) in p.lots.iter().enumerate() {
			assert!(!p.lots[..i].contains(lot), "{id} lists lot {lot} twice");
			assert!(lots.contains_key(lot), "{id} is made from lot {lot}, which does not exist");
			assert!(LotProducts::<Test>::contains_key(lot, id), "{id} missing under lot {lot}");
		}
		if let Some(tag) = &p.product_type.tag {
			assert_eq!(ProductByTag::<Test>::get(tag), Some(*id), "{id}'s tag is not indexed");
		}

		// The process log and the machine index.
		let mut steps: Vec<(u32, StepOf<Test>)> = Steps::<Test>::iter_prefix(id).collect();
		steps.sort_by_key(|(i, _)| *i);
		assert!(p.steps <= max_steps, "{id} has {} steps", p.steps);
		assert!(steps.iter().map(|(i, _)| *i).eq(0..p.steps), "{id}'s step indices");
		for (i, s) in &steps {
			let input = &s.input;
			assert!(input.start <= input.end, "{id}'s step {i} ends before it starts");
			assert!(input.end - input.start <= max_duration, "{id}'s step {i} is too long");
			assert!(input.end <= s.recorded.time, "{id}'s step {i} ended after it was recorded");
			assert!(MockMachines::status(&input.machine).is_some(), "{id}'s step {i}'s machine");
			let key = MachineStepKey { start: input.start.to_be_bytes(), product: *id, index: *i };
			assert_eq!(
				MachineSteps::<Test>::get(input.machine, key),
				Some(input.end),
				"{id}'s step {i} is not in the machine index"
			);
			if let Some(e) = &input.environment {
				let (end, root) = MockEnvironment::window(&e.sensor, e.start)
					.expect("a step's environment is an anchored window");
				assert_eq!(root, e.root, "{id}'s step {i}'s environment root");
				assert!(e.start <= input.end && end > input.start, "{id}'s step {i}'s window");
			}
		}
		total_steps += steps.len();

		// Composition.
		let components: Vec<u64> = Components::<Test>::iter_key_prefix(id).collect();
		assert!(p.components <= max_components, "{id} has {} components", p.components);
		assert_eq!(components.len() as u32, p.components, "{id}'s component count");
		for c in &components {
			let parent = products.get(c).and_then(|c| c.parent);
			assert_eq!(parent, Some(*id), "component {c} of {id} names another parent");
		}
		if let Some(parent) = p.parent {
			assert!(products.contains_key(&parent), "{id}'s parent {parent} does not exist");
			assert!(Components::<Test>::contains_key(parent, id), "{parent} does not list {id}");
			assert!(
				matches!(p.lifecycle, Lifecycle::Finished | Lifecycle::Recalled),
				"component {id} is {:?}",
				p.lifecycle
			);
			assert!(p.offer.is_none(), "component {id} is offered");
			let (mut up, mut hops) = (parent, 0);
			while let Some(next) = products[&up].parent {
				hops += 1;
				assert!(next != *id && hops <= products.len(), "a cycle through {id}");
				up = next;
			}
		}

		// Custody.
		let mut transfers: Vec<(u32, Transfer<u64, u64>)> =
			Custody::<Test>::iter_prefix(id).collect();
		transfers.sort_by_key(|(i, _)| *i);
		assert!(p.transfers <= max_transfers, "{id} went through {} transfers", p.transfers);
		assert!(transfers.iter().map(|(i, _)| *i).eq(0..p.transfers), "{id}'s transfer indices");
		let mut holder = p.manufacturer;
		for (i, t) in &transfers {
			assert_eq!(t.from, holder, "{id}'s transfer {i} is not from the holder");
			assert_ne!(t.to, t.from, "{id}'s transfer {i} goes nowhere");
			holder = t.to;
		}
		assert_eq!(holder, p.custodian, "{id}'s custodian is not the last receiver");

		// Credentials.
		let credentials = ProductCredentials::<Test>::iter_prefix(id).count();
		assert!(p.credentials <= max_credentials, "{id} has {} credentials", p.credentials);
		assert_eq!(credentials as u32, p.credentials, "{id}'s credential count");

		// Offer and lifecycle.
		match p.offer {
			Some((to, before)) => {
				assert_ne!(to, p.custodian, "{id} is offered to its custodian");
				// The receiver was an active actor when offered; it may have been suspended since.
				assert!(
					MockActors::is_active_actor(&to) || MockActors::is_suspended(&to),
					"{id} is offered to a non-actor"
				);
				assert_ne!(before, Lifecycle::Shipped, "{id}'s offer would go back to Shipped");
				if p.lifecycle != Lifecycle::Recalled {
					assert_eq!(
						p.lifecycle == Lifecycle::Shipped,
						matches!(before, Lifecycle::Finished | Lifecycle::Delivered),
						"{id} is {:?} with an offer made when {before:?}",
						p.lifecycle
					);
				}
			},
			None => assert_ne!(p.lifecycle, Lifecycle::Shipped, "{id} is shipped without an offer"),
		}
		assert_eq!(p.recall.is_some(), p.lifecycle == Lifecycle::Recalled, "{id}'s recall");
		if let Some(r) = p.recall {
			assert!(recalls.contains_key(&r), "{id} names recall {r}, which does not exist");
			*affected.entry(r).or_default() += 1;
		}
		if matches!(p.lifecycle, Lifecycle::Finished | Lifecycle::Shipped | Lifecycle::Delivered) {
			history.finished.insert(*id);
		}
		if history.finished.contains(id) {
			assert_ne!(p.lifecycle, Lifecycle::InProduction, "{id} went back into production");
		}
		if let Some(r) = history.recalled.get(id) {
			assert_eq!(p.recall, Some(*r), "{id}'s recall changed or went away");
		}
		if let Some(r) = p.recall {
			history.recalled.insert(*id, r);
		}

		// The trace shows every item counted: no dangling references.
		let trace = Provenance::trace(id, 0, u32::MAX).expect("a trace");
		assert_eq!(trace.product, *p);
		assert_eq!(trace.lots.len(), p.lots.len(), "{id}'s traced lots");
		assert_eq!(trace.components.len() as u32, p.components, "{id}'s traced components");
		assert_eq!(trace.steps.len() as u32, p.steps, "{id}'s traced steps");
		assert_eq!(trace.custody.len() as u32, p.transfers, "{id}'s traced transfers");
		assert_eq!(trace.credentials.len() as u32, p.credentials, "{id}'s traced credentials");
		assert_eq!(trace.recall.map(|(r, _)| r), p.recall, "{id}'s traced recall");
	}
	assert_eq!(MachineSteps::<Test>::iter().count(), total_steps, "machine index without steps");

	// Recalls.
	assert!(queue.len() as u32 <= max_queued, "{} recalls queued", queue.len());
	// The recall origin's recalls go first; members use at most half of the queue, and each at
	// most `MaxQueuedRecallsPerCaller` places.
	let makers: Vec<Option<u64>> =
		queue.iter().map(|id| recalls.get(id).and_then(|r| r.by)).collect();
	let first_member = makers.iter().position(|m| m.is_some()).unwrap_or(makers.len());
	assert!(makers[first_member..].iter().all(|m| m.is_some()), "a member's recall goes first");
	assert!(makers.iter().flatten().count() as u32 <= max_queued / 2, "members fill the queue");
	let per_caller: u32 = <Test as Config>::MaxQueuedRecallsPerCaller::get();
	for who in makers.iter().flatten() {
		let n = makers.iter().filter(|m| m.as_ref() == Some(who)).count() as u32;
		assert!(n <= per_caller, "{who} has {n} recalls queued");
	}
	for (i, r) in queue.iter().enumerate() {
		assert!(!queue[..i].contains(r), "recall {r} queued twice");
	}
	for (id, r) in &recalls {
		let marked = affected.get(id).copied().unwrap_or(0);
		assert_eq!(
			r.affected, marked,
			"recall {id} counts {} products, {marked} name it",
			r.affected
		);
		assert_eq!(r.complete, !queue.contains(id), "recall {id} complete: {}", r.complete);
		match &r.scope {
			RecallScope::Lot(lot) => {
				assert_eq!(lots.get(lot).and_then(|l| l.recall), Some(*id), "recall {id}'s lot");
				if let Some(by) = r.by {
					assert_eq!(Some(by), lots.get(lot).map(|l| l.supplier), "recall {id} by {by}");
				}
			},
			RecallScope::MachineRange { machine, from, to } => {
				// Kept, or replaced by a range of the machine that covers it.
				assert!(
					MachineRecalls::<Test>::get(machine)
						.iter()
						.any(|(r, f, t)| r == id || (f <= from && to <= t)),
					"recall {id} missing from {machine}'s ranges"
				);
				if let Some(by) = r.by {
					assert_eq!(Some(by), MockMachines::owner(machine), "recall {id} by {by}");
				}
			},
		}
	}
	for (machine, ranges) in MachineRecalls::<Test>::iter() {
		assert!(ranges.len() as u32 <= max_ranges, "{machine} has {} ranges", ranges.len());
		let by_members = ranges
			.iter()
			.filter(|(id, _, _)| recalls.get(id).is_some_and(|r| r.by.is_some()))
			.count() as u32;
		assert!(by_members <= max_ranges / 2, "{machine} has {by_members} ranges of its owners");
		for (a, fa, ta) in &ranges {
			for (b, fb, tb) in &ranges {
				assert!(a == b || !(fa <= fb && tb <= ta), "{machine}: range {b} inside {a}");
			}
		}
		for (id, from, to) in ranges {
			assert!(from <= to, "an empty range of {machine}");
			let scope = recalls.get(&id).map(|r| r.scope.clone());
			assert_eq!(scope, Some(RecallScope::MachineRange { machine, from, to }));
		}
	}

	// Funds.
	for who in accounts {
		let expected = product_deposits.get(who).copied().unwrap_or(0);
		assert_eq!(held(HoldReason::ProductDeposit, *who), expected, "{who}'s product deposits");
		let expected = lot_deposits.get(who).copied().unwrap_or(0);
		assert_eq!(held(HoldReason::LotDeposit, *who), expected, "{who}'s lot deposits");
	}

	// Once every recall is walked, it reached every product it covers.
	if queue.is_empty() {
		for (id, p) in &products {
			let lot_recalled = p.lots.iter().any(|l| lots[l].recall.is_some());
			let range_recalled = Steps::<Test>::iter_prefix(id).any(|(_, s)| {
				let (start, end) = (s.input.start, s.input.end);
				MachineRecalls::<Test>::get(s.input.machine)
					.iter()
					.any(|(_, from, to)| start <= *to && end >= *from)
			});
			if lot_recalled || range_recalled {
				assert!(p.recall.is_some(), "{id} escaped a completed recall");
			}
			if let (Some(_), Some(parent)) = (p.recall, p.parent) {
				assert!(products[&parent].recall.is_some(), "{id} is recalled, its parent not");
			}
		}
	}
}
