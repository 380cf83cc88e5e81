//! Random call sequences over every call, with blocks walking recalls in between.

use super::{model::*, *};

/// A product for a call: mostly one that `fits` (if any), else any product, or the next DID,
/// which is no product yet.
fn pick_product(rng: &mut StdRng, fits: impl Fn(&ProductOf<Test>) -> bool) -> u64 {
	let mut all: Vec<(u64, ProductOf<Test>)> = Products::<Test>::iter().collect();
	all.sort_by_key(|(id, _)| *id);
	let fitting: Vec<u64> = all.iter().filter(|(_, p)| fits(p)).map(|(id, _)| *id).collect();
	if !fitting.is_empty() && rng.gen_bool(0.75) {
		return *fitting.choose(rng).unwrap();
	}
	FIRST_PRODUCT + rng.gen_range(0..=all.len() as u64)
}

/// Like [`pick_product`], but with probability `focus` the fitting product that is deepest by
/// `depth` (most steps, transfers, …), so that some products reach their bounds.
fn pick_deep(
	rng: &mut StdRng,
	focus: f64,
	fits: impl Fn(&ProductOf<Test>) -> bool,
	depth: impl Fn(&ProductOf<Test>) -> u32,
) -> u64 {
	let deepest = Products::<Test>::iter()
		.filter(|(_, p)| fits(p))
		.max_by_key(|(id, p)| (depth(p), core::cmp::Reverse(*id)))
		.map(|(id, _)| id);
	match deepest {
		Some(id) if rng.gen_bool(focus) => id,
		_ => pick_product(rng, fits),
	}
}

fn custodian(product: u64) -> u64 {
	Products::<Test>::get(product).map_or(STRANGER, |p| p.custodian)
}

/// Mostly `likely`, else anyone.
fn pick_caller(rng: &mut StdRng, likely: u64) -> u64 {
	if rng.gen_bool(0.7) {
		likely
	} else {
		*ANYONE.choose(rng).unwrap()
	}
}

/// Up to three lots, some of which may not exist, be recalled or repeat.
fn random_lots(rng: &mut StdRng) -> LotList {
	let next = NextLotId::<Test>::get();
	let n = rng.gen_range(0..=3);
	let ids: Vec<LotId> = (0..n)
		.map(|_| if next > 0 && rng.gen_bool(0.9) { rng.gen_range(0..next) } else { next })
		.collect();
	ids.try_into().unwrap()
}

/// A product type, with one of a few NFC tags half of the time.
fn random_type(rng: &mut StdRng) -> ProductType {
	let colour = *[None, Some(Colour::White), Some(Colour::Red), Some(Colour::Blue)]
		.choose(rng)
		.unwrap();
	let tag = rng.gen_bool(0.5).then(|| {
		format!("04A1B2C3D4E5{:02}", rng.gen_range(0..10))
			.into_bytes()
			.try_into()
			.unwrap()
	});
	ProductType { kind: text("workpiece"), colour, tag }
}

/// A step of `product` that is mostly valid; otherwise on an unknown machine or another owner's,
/// with a capability the machine lacks, starting before the product was created, ending before
/// The factory's gateway: an authentication delegate of [`MANUFACTURER`]'s DID, so it records
/// steps on the manufacturer's products.
const CUSTODIAN_GATEWAY: u64 = 202;

/// it starts or in the future, too long, or with a wrong environment.
fn random_step(rng: &mut StdRng, product: u64, now: Moment, windows: &[Window]) -> StepInput<u64> {
	let created = Products::<Test>::get(product).map_or(T0, |p| p.created.time);
	let max_duration: Moment = <Test as Config>::MaxStepDuration::get();
	let (machine, capability) = *[
		(MILL, "mill"),
		(MILL, "mill"),
		(MILL, "mill"),
		(OVEN, "fire"),
		(OVEN, "fire"),
		(DRILL, "drill"),
		(MILL, "fire"),
		(NO_MACHINE, "mill"),
	]
	.choose(rng)
	.unwrap();
	// Mostly a machine its custodian owns (the custodian puts it to work).
	let owned: &[(u64, &str)] = match Products::<Test>::get(product).map(|p| p.custodian) {
		Some(MANUFACTURER) => &[(MILL, "mill"), (OVEN, "fire")],
		Some(CUSTOMER) => &[(DRILL, "drill")],
		_ => &[],
	};
	let (machine, capability) = match owned.choose(rng) {
		Some(m) if rng.gen_bool(0.75) => *m,
		_ => (machine, capability),
	};
	let (mut start, mut end) = match rng.gen_range(0..12) {
		0 => {
			let end = now - rng.gen_range(0..3_600_000);
			(end + 1, end)
		},
		1 => (now - 1_000, now + rng.gen_range(1..60_000)),
		2 => {
			let start = now - 2 * max_duration - rng.gen_range(0..1_000_000);
			(start, start + max_duration + 1 + rng.gen_range(0..1_000))
		},
		3 => {
			let start = created.saturating_sub(rng.gen_range(1..600_000));
			(start, (start + rng.gen_range(0..1_200_000)).min(now))
		},
		_ => {
			// Since the product exists, within the last two hours.
			let earliest = created.max(now.saturating_sub(7_200_000)).min(now);
			let start = earliest + rng.gen_range(0..=(now - earliest));
			(start, (start + rng.gen_range(0..1_200_000)).min(now))
		},
	};
	let environment = match (rng.gen_range(0..8), windows.choose(rng)) {
		(0 | 1, Some(&(sensor, from, to, root))) => {
			// Within the window, so that it mostly covers the step.
			if start <= end && end <= now {
				start = (from + rng.gen_range(0..=(to - from))).min(now);
				end = (start + rng.gen_range(0..600_000)).min(now);
			}
			Some(EnvironmentRef { sensor, start: from, root })
		},
		(2, Some(&(sensor, from, _, _))) => {
			Some(EnvironmentRef { sensor, start: from, root: [0xAB; 32] })
		},
		(3, _) => Some(EnvironmentRef { sensor: ENV, start: now - 7, root: [1; 32] }),
		_ => None,
	};
	let result = if rng.gen_bool(0.8) {
		StepResult::Ok(Default::default())
	} else {
		StepResult::Failed(b"E42".to_vec().try_into().unwrap())
	};
	StepInput {
		capability: cap(capability),
		machine,
		task: rng.gen_bool(0.5).then(|| rng.gen_range(0..100)),
		start,
		end,
		params: b"{\"speed\":3}".to_vec().try_into().unwrap(),
		result,
		environment,
	}
}

/// The credentials the random sequences attach, with their subjects: three valid ones and one
/// revoked, suspended or expired about each of the first twelve products, one about a machine,
/// and one not anchored.
fn anchor_credentials() -> Vec<(Digest, u64)> {
	let failures =
		[CapabilityError::Revoked, CapabilityError::Suspended, CapabilityError::OutsideValidity];
	let mut digests: Vec<(Digest, u64)> = (0..48u8)
		.map(|i| {
			let subject = FIRST_PRODUCT + (i % 12) as u64;
			let digest = MockCredentials::anchor(i + 1, subject, CERTIFIER);
			if i >= 36 {
				MockCredentials::fail(i + 1, failures[i as usize % 3]);
			}
			(digest, subject)
		})
		.collect();
	digests.push((MockCredentials::anchor(100, MILL, CERTIFIER), MILL));
	digests.push(([200; 32], 0));
	digests
}

/// Random sequences of every call of the pallet (and of [`ProvenanceRecorder`], through which
/// the tasks pallet records), from the right callers mostly and anyone else sometimes, with
/// arguments that hit each success and each refusal: unknown, recalled and repeated lots, tags
/// in use, steps on unknown, retired or incapable machines, with bad times or environments, on
/// finished or transferred products and beyond `MaxSteps`, components that are not finished,
/// are built in already or would exceed `MaxComponents`, offers to non-actors or oneself,
/// accepts by the wrong account, credentials unknown, foreign, revoked, suspended, expired,
/// repeated or beyond the bound, and recalls by the wrong account, repeated, beyond the ranges
/// per machine or the queue. Blocks pass in between, walking queued recalls in `on_idle` with
/// all, some or no weight, and the world changes (telemetry windows anchored, machines retired
/// or restored, capabilities and credentials invalidated). After every call and block the
/// invariants of [`check_provenance_invariants`] hold, and every refused call leaves the state
/// root as it was. Every error of the pallet is hit.
#[test]
fn twins_stay_consistent_over_random_call_sequences() {
	use frame_support::traits::{fungible::Mutate, Hooks};
	const SEQUENCES: u64 = 150;
	const CALLS: usize = 100;
	// Per call: (succeeded, refused).
	let mut outcomes: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
	let mut refused: BTreeMap<String, u32> = BTreeMap::new();
	let (mut blocks, mut world_changes, mut recalls_completed, mut products_recalled) =
		(0u32, 0u32, 0u32, 0u32);
	for seed in 1..=SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			MockActors::grant(POOR, Role::Manufacturer);
			MockActors::grant(POOR, Role::Supplier);
			assert_ok!(Balances::mint_into(&POOR, 36));
			MockMachines::add(DRILL, CUSTOMER, &["drill"]);
			MockDid::add_gateway(MILL, GATEWAY);
			MockDid::add_gateway(MANUFACTURER, CUSTODIAN_GATEWAY);
			let credentials = anchor_credentials();
			let issuance = Balances::total_issuance();
			let mut history = History::default();
			// A start: two lots, four products, and telemetry windows of the last two hours.
			for _ in 0..2 {
				new_lot();
			}
			for lot in [0, 1, 0, 1] {
				new_product(&[lot]);
			}
			// The first one's log one step short of `MaxSteps`, so that the bound is reached.
			let max_steps: u32 = <Test as Config>::MaxSteps::get();
			for _ in 1..max_steps {
				record(FIRST_PRODUCT, step(MILL, "mill", 0, 0));
			}
			let mut windows: Vec<Window> = Vec::new();
			for (k, sensor) in [ENV, ENV, MILL, ENV, OVEN, ENV].into_iter().enumerate() {
				let start = T0 - 7_200_000 + k as u64 * 1_200_000;
				let root: [u8; 32] = rng.gen();
				MockEnvironment::anchor(sensor, start, start + 1_800_000, root);
				windows.push((sensor, start, start + 1_800_000, root));
			}
			check_provenance_invariants(&ANYONE, issuance, &mut history);
			let mut suspended: Vec<u64> = Vec::new();
			for _ in 0..CALLS {
				let now = Timestamp::get();
				let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let (call, outcome): (&'static str, DispatchResult) = match rng.gen_range(0..100) {
					0..=3 => {
						let who = *[SUPPLIER, SUPPLIER, SUPPLIER, POOR, MANUFACTURER]
							.choose(&mut rng)
							.unwrap();
						let origin = if rng.gen_bool(0.05) {
							RuntimeOrigin::root()
						} else {
							RuntimeOrigin::signed(who)
						};
						let quantity = rng.gen_range(1..1000);
						(
							"register_lot",
							Provenance::register_lot(origin, text("L-7"), text("blank"), quantity),
						)
					},
					4..=13 => {
						let who = *[MANUFACTURER, MANUFACTURER, MANUFACTURER, POOR, SUPPLIER]
							.choose(&mut rng)
							.unwrap();
						let (product_type, lots) = (random_type(&mut rng), random_lots(&mut rng));
						(
							"create_product",
							Provenance::create_product(
								RuntimeOrigin::signed(who),
								product_type,
								lots,
							),
						)
					},
					14..=29 => {
						let product = pick_deep(
							&mut rng,
							0.5,
							|p| p.lifecycle == Lifecycle::InProduction,
							|p| p.steps,
						);
						let step = random_step(&mut rng, product, now, &windows);
						// Mostly the custodian or its gateway; otherwise the step's machine,
						// the machine's gateway or anyone, who may not.
						let who = match rng.gen_range(0..10) {
							0..=5 => custodian(product),
							6 => CUSTODIAN_GATEWAY,
							7 => step.machine,
							8 => GATEWAY,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"record_step",
							Provenance::record_step(RuntimeOrigin::signed(who), product, step),
						)
					},
					30..=35 => {
						let product = pick_product(&mut rng, |p| p.steps > 0);
						let steps = Products::<Test>::get(product).map_or(0, |p| p.steps);
						let index = if steps > 0 && rng.gen_bool(0.9) {
							rng.gen_range(0..steps)
						} else {
							steps
						};
						let step = Steps::<Test>::get(product, index);
						// Mostly a window that overlaps the step, else any, else none.
						let covering: Vec<Window> = windows
							.iter()
							.copied()
							.filter(|&(_, from, to, _)| {
								step.as_ref()
									.is_some_and(|s| from <= s.input.end && to > s.input.start)
							})
							.collect();
						let (sensor, start) =
							match (covering.choose(&mut rng), windows.choose(&mut rng)) {
								(Some(&(sensor, start, _, _)), _) if rng.gen_bool(0.7) => {
									(sensor, start)
								},
								(_, Some(&(sensor, start, _, _))) if rng.gen_bool(0.8) => {
									(sensor, start)
								},
								_ => (ENV, now - 3),
							};
						let machine = step.map_or(MILL, |s| s.input.machine);
						let who = match rng.gen_range(0..10) {
							0..=5 => custodian(product),
							6 | 7 => machine,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"attach_environment",
							Provenance::attach_environment(
								RuntimeOrigin::signed(who),
								product,
								index,
								sensor,
								start,
							),
						)
					},
					36..=42 => {
						let product =
							pick_product(&mut rng, |p| p.lifecycle == Lifecycle::InProduction);
						let who = pick_caller(&mut rng, custodian(product));
						("finish", Provenance::finish(RuntimeOrigin::signed(who), product))
					},
					43..=50 => {
						let parent = pick_deep(
							&mut rng,
							0.5,
							|p| p.lifecycle == Lifecycle::InProduction,
							|p| p.components,
						);
						let component = if rng.gen_bool(0.05) {
							parent
						} else {
							pick_product(&mut rng, |p| {
								p.lifecycle == Lifecycle::Finished && p.parent.is_none()
							})
						};
						let who = pick_caller(&mut rng, custodian(parent));
						(
							"add_component",
							Provenance::add_component(
								RuntimeOrigin::signed(who),
								parent,
								component,
							),
						)
					},
					51..=58 => {
						let product = pick_deep(
							&mut rng,
							0.8,
							|p| p.parent.is_none() && p.offer.is_none(),
							|p| p.transfers,
						);
						let holder = custodian(product);
						// Mostly another actor, else a stranger or the holder itself.
						let others: Vec<u64> = [CUSTOMER, MANUFACTURER, CERTIFIER, SUPPLIER, POOR]
							.into_iter()
							.filter(|a| *a != holder)
							.collect();
						let to = match rng.gen_range(0..10) {
							0 => STRANGER,
							1 => holder,
							_ => *others.choose(&mut rng).unwrap(),
						};
						let who = pick_caller(&mut rng, holder);
						(
							"offer_custody",
							Provenance::offer_custody(RuntimeOrigin::signed(who), product, to),
						)
					},
					59..=64 => {
						let product =
							pick_deep(&mut rng, 0.8, |p| p.offer.is_some(), |p| p.transfers);
						let to = Products::<Test>::get(product)
							.and_then(|p| p.offer)
							.map_or(CUSTOMER, |(to, _)| to);
						let who = pick_caller(&mut rng, to);
						(
							"accept_custody",
							Provenance::accept_custody(RuntimeOrigin::signed(who), product),
						)
					},
					65..=67 => {
						let product = pick_product(&mut rng, |p| p.offer.is_some());
						let who = pick_caller(&mut rng, custodian(product));
						(
							"withdraw_offer",
							Provenance::withdraw_offer(RuntimeOrigin::signed(who), product),
						)
					},
					68..=74 => {
						let product =
							pick_deep(&mut rng, 0.5, |p| p.recall.is_none(), |p| p.credentials);
						// Mostly one about the product.
						let about: Vec<Digest> = credentials
							.iter()
							.filter(|(_, s)| *s == product)
							.map(|(d, _)| *d)
							.collect();
						let credential = match about.choose(&mut rng) {
							Some(d) if rng.gen_bool(0.7) => *d,
							_ => credentials.choose(&mut rng).unwrap().0,
						};
						let who = match rng.gen_range(0..10) {
							0..=4 => custodian(product),
							5..=7 => CERTIFIER,
							_ => *ANYONE.choose(&mut rng).unwrap(),
						};
						(
							"attach_credential",
							Provenance::attach_credential(
								RuntimeOrigin::signed(who),
								product,
								credential,
							),
						)
					},
					75..=77 => {
						let lot = rng.gen_range(0..=NextLotId::<Test>::get());
						let supplier = Lots::<Test>::get(lot).map_or(SUPPLIER, |l| l.supplier);
						let origin = match rng.gen_range(0..10) {
							0..=3 => RuntimeOrigin::root(),
							4..=7 => RuntimeOrigin::signed(supplier),
							8 => RuntimeOrigin::signed(MANUFACTURER),
							_ => RuntimeOrigin::none(),
						};
						("recall_lot", Provenance::recall_lot(origin, lot, reason("contaminated")))
					},
					78..=81 => {
						let (machine, owner) = *[
							(MILL, MANUFACTURER),
							(MILL, MANUFACTURER),
							(OVEN, MANUFACTURER),
							(DRILL, CUSTOMER),
							(NO_MACHINE, STRANGER),
						]
						.choose(&mut rng)
						.unwrap();
						let origin = match rng.gen_range(0..10) {
							0..=3 => RuntimeOrigin::root(),
							4..=7 => RuntimeOrigin::signed(owner),
							8 => RuntimeOrigin::signed(SUPPLIER),
							_ => RuntimeOrigin::none(),
						};
						let from = now - rng.gen_range(0..10_800_000);
						let to = if rng.gen_bool(0.1) {
							from - 1
						} else {
							from + rng.gen_range(0..3_600_000)
						};
						(
							"recall_machine_range",
							Provenance::recall_machine_range(
								origin,
								machine,
								from,
								to,
								reason("spindle"),
							),
						)
					},
					82..=85 => {
						// What the tasks pallet does through `ProvenanceRecorder`: the task's
						// provider records, completing the last step finishes, an order creates.
						let product =
							pick_product(&mut rng, |p| p.lifecycle == Lifecycle::InProduction);
						match rng.gen_range(0..3) {
							0 => {
								let step = random_step(&mut rng, product, now, &windows);
								let recorder = step.machine;
								(
									"recorder.record_step",
									<Provenance as ProvenanceRecorder<u64>>::record_step(
										&recorder, &product, step,
									),
								)
							},
							1 => (
								"recorder.finish",
								<Provenance as ProvenanceRecorder<u64>>::finish(&product),
							),
							_ => {
								let manufacturer =
									*[MANUFACTURER, CUSTOMER, STRANGER].choose(&mut rng).unwrap();
								let (product_type, lots) =
									(random_type(&mut rng), random_lots(&mut rng));
								(
									"recorder.create_product",
									<Provenance as ProvenanceRecorder<u64>>::create_product(
										&manufacturer,
										product_type,
										lots,
									)
									.map(|_| ()),
								)
							},
						}
					},
					86..=94 => {
						// A block passes: on_idle walks queued recalls with all, some or no
						// weight left.
						let weight = match rng.gen_range(0..4) {
							0 => Weight::zero(),
							1 => <() as WeightInfo>::process_recalls(1),
							_ => Weight::MAX,
						};
						let before = events().len();
						Provenance::on_idle(System::block_number(), weight);
						for e in &events()[before..] {
							match e {
								Event::RecallCompleted { .. } => recalls_completed += 1,
								Event::ProductRecalled { .. } => products_recalled += 1,
								_ => {},
							}
						}
						System::set_block_number(System::block_number() + 1);
						Timestamp::set_timestamp(now + rng.gen_range(1_000..900_000));
						blocks += 1;
						check_provenance_invariants(&ANYONE, issuance, &mut history);
						continue;
					},
					_ => {
						// The world changes.
						match rng.gen_range(0..6) {
							5 => {
								// A registrar suspends an actor, or reactivates a suspended one.
								let who =
									*[MANUFACTURER, CUSTOMER, SUPPLIER].choose(&mut rng).unwrap();
								if let Some(i) = suspended.iter().position(|s| *s == who) {
									suspended.remove(i);
									MockActors::reactivate(who);
								} else {
									suspended.push(who);
									MockActors::suspend(who);
								}
							},
							0 | 1 => {
								let sensor = *[ENV, ENV, MILL, OVEN].choose(&mut rng).unwrap();
								let start = now - rng.gen_range(0..7_200_000);
								let end = start + rng.gen_range(1..1_800_000);
								if MockEnvironment::window(&sensor, start).is_none() {
									let root: [u8; 32] = rng.gen();
									MockEnvironment::anchor(sensor, start, end, root);
									windows.push((sensor, start, end, root));
								}
							},
							2 => {
								let machine = *[MILL, OVEN, DRILL].choose(&mut rng).unwrap();
								let status = *[
									MachineStatus::Retired,
									MachineStatus::Maintenance,
									MachineStatus::Idle,
								]
								.choose(&mut rng)
								.unwrap();
								MockMachines::set_status(machine, status);
							},
							3 => {
								if rng.gen_bool(0.5) {
									MockMachines::invalidate(OVEN, "fire");
								} else {
									MockMachines::add(OVEN, MANUFACTURER, &["fire"]);
								}
							},
							_ => MockCredentials::fail(
								rng.gen_range(1..=32),
								*[CapabilityError::Revoked, CapabilityError::Suspended]
									.choose(&mut rng)
									.unwrap(),
							),
						}
						world_changes += 1;
						check_provenance_invariants(&ANYONE, issuance, &mut history);
						continue;
					},
				};
				let entry = outcomes.entry(call).or_default();
				match outcome {
					Ok(()) => entry.0 += 1,
					Err(e) => {
						entry.1 += 1;
						assert_eq!(
							sp_io::storage::root(sp_runtime::StateVersion::V1),
							root,
							"a refused {call} changed the state: {e:?}"
						);
						*refused.entry(refusal(&e)).or_default() += 1;
					},
				}
				check_provenance_invariants(&ANYONE, issuance, &mut history);
			}
			// Every queued recall completes in a few blocks.
			for _ in 0..100 {
				if RecallQueue::<Test>::get().is_empty() {
					break;
				}
				next_block(6_000);
			}
			assert!(RecallQueue::<Test>::get().is_empty(), "recalls never complete");
			check_provenance_invariants(&ANYONE, issuance, &mut history);
		});
	}
	let (ok, no) = outcomes.values().fold((0, 0), |(a, b), (o, r)| (a + o, b + r));
	println!(
		"{SEQUENCES} sequences: {} calls, {ok} succeeded, {no} refused; {blocks} blocks, \
		 {world_changes} world changes, {recalls_completed} recalls completed in on_idle, \
		 {products_recalled} products recalled in on_idle",
		ok + no
	);
	for (call, (o, r)) in &outcomes {
		println!("  {call}: {o} succeeded, {r} refused");
	}
	println!("  refusals: {refused:?}");
	for (call, (o, r)) in &outcomes {
		assert!(*o >= 20 && *r >= 20, "{call}: {o} succeeded, {r} refused");
	}
	assert_eq!(outcomes.len(), 15, "every call was made: {outcomes:?}");
	let missed: Vec<_> =
		pallet_error_names().into_iter().filter(|e| !refused.contains_key(*e)).collect();
	assert!(missed.is_empty(), "errors never hit: {missed:?}");
	assert!(refused.contains_key("BadOrigin"));
	assert!(recalls_completed >= 50 && products_recalled >= 50);
}
