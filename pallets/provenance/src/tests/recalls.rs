//! Recalls of lots and machine time ranges, walked over several blocks; the read side.

use super::*;

#[test]
fn a_lot_recall_reaches_every_product_and_assembly_over_several_blocks() {
	new_test_ext().execute_with(|| {
		let bad = new_lot();
		let good = new_lot();
		let affected: Vec<u64> = (0..4).map(|_| new_product(&[bad])).collect();
		let unaffected = new_product(&[good]);
		// One affected product is built into an assembly, itself built into another.
		let part = affected[0];
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), part));
		let assembly = new_product(&[good]);
		assert_ok!(Provenance::add_component(RuntimeOrigin::signed(MANUFACTURER), assembly, part));
		assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), assembly));
		let machine = new_product(&[]);
		assert_ok!(Provenance::add_component(
			RuntimeOrigin::signed(MANUFACTURER),
			machine,
			assembly
		));

		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::signed(MANUFACTURER), bad, reason("x")),
			Error::<Test>::NotAllowedToRecall
		);
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::signed(SUPPLIER), 77, reason("x")),
			Error::<Test>::UnknownLot
		);
		assert_ok!(Provenance::recall_lot(
			RuntimeOrigin::signed(SUPPLIER),
			bad,
			reason("contaminated")
		));
		assert_eq!(last_event(), Event::LotRecalled { lot: bad, recall: 0 });
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::root(), bad, reason("again")),
			Error::<Test>::AlreadyRecalled
		);
		// A recalled lot cannot be used.
		assert_noop!(
			Provenance::create_product(
				RuntimeOrigin::signed(MANUFACTURER),
				workpiece(Colour::White, None),
				lots(&[bad])
			),
			Error::<Test>::LotRecalled
		);
		// Three entries per block: 4 products + 2 parents + the end of the walk.
		let recalled = || {
			events()
				.into_iter()
				.filter(|e| matches!(e, Event::ProductRecalled { .. }))
				.count()
		};
		next_block(6_000);
		assert_eq!(recalled(), 3);
		assert!(!Recalls::<Test>::get(0).unwrap().complete);
		next_block(6_000);
		assert_eq!(recalled(), 6);
		assert!(!Recalls::<Test>::get(0).unwrap().complete);
		next_block(6_000);
		assert_eq!(last_event(), Event::RecallCompleted { recall: 0, affected: 6 });
		assert_eq!(recalled(), 6);
		for p in affected.iter().chain([&assembly, &machine]) {
			assert_eq!(lifecycle(*p), Lifecycle::Recalled, "product {p}");
			assert_eq!(Products::<Test>::get(p).unwrap().recall, Some(0));
		}
		assert_eq!(lifecycle(unaffected), Lifecycle::InProduction);
		assert!(RecallQueue::<Test>::get().is_empty());
		let trace = Provenance::trace(&machine, 0, 0).unwrap();
		assert_eq!(
			trace.recall.map(|(id, r)| (id, r.scope, r.by)),
			Some((0, RecallScope::Lot(bad), Some(SUPPLIER)))
		);
	});
}

#[test]
fn recalls_queue_up_to_the_bound() {
	new_test_ext().execute_with(|| {
		let lots: Vec<LotId> = (0..3).map(|_| new_lot()).collect();
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[0], reason("a")));
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[1], reason("b")));
		assert_noop!(
			Provenance::recall_lot(RuntimeOrigin::root(), lots[2], reason("c")),
			Error::<Test>::RecallQueueFull
		);
		next_block(6_000);
		assert_ok!(Provenance::recall_lot(RuntimeOrigin::root(), lots[2], reason("c")));
		assert_eq!(Recalls::<Test>::get(2).unwrap().by, None);
	});
}

#[test]
fn a_machine_range_recall_reaches_exactly_the_overlapping_steps() {
	new_test_ext().execute_with(|| {
		let before = new_product(&[]);
		let straddling = new_product(&[]);
		let inside = new_product(&[]);
		let after = new_product(&[]);
		let elsewhere = new_product(&[]);
		// Made before the range too; its step there is reported only after the recall.
		let late = new_product(&[]);
		next_block(10_000_000);
		record(before, step(MILL, "mill", 0, 100_000));
		record(straddling, step(MILL, "mill", 150_000, 250_000));
		record(inside, step(MILL, "mill", 300_000, 350_000));
		record(inside, step(OVEN, "fire", 360_000, 370_000));
		record(after, step(MILL, "mill", 600_000, 700_000));
		record(elsewhere, step(OVEN, "fire", 300_000, 350_000));

		let (from, to) = (T0 + 200_000, T0 + 500_000);
		assert_noop!(
			Provenance::recall_machine_range(
				RuntimeOrigin::signed(STRANGER),
				MILL,
				from,
				to,
				reason("x")
			),
			Error::<Test>::NotAllowedToRecall
		);
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), 555, from, to, reason("x")),
			Error::<Test>::UnknownMachine
		);
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), MILL, to, from, reason("x")),
			Error::<Test>::InvalidRange
		);
		assert_ok!(Provenance::recall_machine_range(
			RuntimeOrigin::signed(MANUFACTURER),
			MILL,
			from,
			to,
			reason("spindle out of tolerance")
		));
		assert_eq!(
			last_event(),
			Event::MachineRangeRecalled { machine: MILL, from, to, recall: 0 }
		);
		for _ in 0..3 {
			next_block(6_000);
		}
		assert!(Recalls::<Test>::get(0).unwrap().complete);
		assert_eq!(lifecycle(straddling), Lifecycle::Recalled);
		assert_eq!(lifecycle(inside), Lifecycle::Recalled);
		for p in [before, after, elsewhere, late] {
			assert_eq!(lifecycle(p), Lifecycle::InProduction, "product {p}");
		}
		assert_eq!(Recalls::<Test>::get(0).unwrap().affected, 2);

		// A step reported later that overlaps the range is caught when recorded.
		record(late, step(MILL, "mill", 450_000, 460_000));
		assert_eq!(last_event(), Event::ProductRecalled { product: late, recall: 0 });
		assert_eq!(lifecycle(late), Lifecycle::Recalled);

		assert_ok!(Provenance::recall_machine_range(
			RuntimeOrigin::root(),
			MILL,
			1,
			2,
			reason("b")
		));
		assert_noop!(
			Provenance::recall_machine_range(RuntimeOrigin::root(), MILL, 3, 4, reason("c")),
			Error::<Test>::TooManyRecallRanges
		);
	});
}

#[test]
fn products_by_machine_walks_a_time_range_in_order_and_pages() {
	new_test_ext().execute_with(|| {
		let a = new_product(&[]);
		let b = new_product(&[]);
		next_block(10_000_000);
		record(b, step(MILL, "mill", 500_000, 510_000));
		record(a, step(MILL, "mill", 100_000, 110_000));
		record(a, step(MILL, "mill", 300_000, 310_000));
		record(b, step(OVEN, "fire", 300_000, 310_000));
		let all = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, None, 10);
		assert_eq!(
			all.iter().map(|(p, i, s, _)| (*p, *i, *s - T0)).collect::<Vec<_>>(),
			vec![(a, 0, 100_000), (a, 1, 300_000), (b, 0, 500_000)]
		);
		let window = Provenance::products_by_machine(&MILL, T0 + 105_000, T0 + 300_000, None, 10);
		assert_eq!(
			window.iter().map(|(p, i, _, _)| (*p, *i)).collect::<Vec<_>>(),
			vec![(a, 0), (a, 1)]
		);
		let first = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, None, 1);
		assert_eq!(first.len(), 1);
		let (p, i, s, _) = first[0];
		let rest = Provenance::products_by_machine(&MILL, T0, T0 + 1_000_000, Some((s, p, i)), 10);
		assert_eq!(
			rest.iter().map(|(p, i, _, _)| (*p, *i)).collect::<Vec<_>>(),
			vec![(a, 1), (b, 0)]
		);
	});
}

#[test]
fn traces_page_through_the_log() {
	new_test_ext().execute_with(|| {
		let l = new_lot();
		let p = new_product(&[l]);
		next_block(60_000);
		for i in 0..5 {
			record(
				p,
				step(
					if i % 2 == 0 { MILL } else { OVEN },
					if i % 2 == 0 { "mill" } else { "fire" },
					i * 1000,
					i * 1000 + 500,
				),
			);
		}
		let page = Provenance::trace(&p, 1, 2).unwrap();
		assert_eq!(
			page.steps.iter().map(|(i, s)| (*i, s.input.machine)).collect::<Vec<_>>(),
			vec![(1, OVEN), (2, MILL)]
		);
		assert_eq!(page.lots.len(), 1);
		assert_eq!(page.product.steps, 5);
		let tail = Provenance::trace(&p, 4, 100).unwrap();
		assert_eq!(tail.steps.len(), 1);
		assert!(Provenance::trace(&p, 9, 100).unwrap().steps.is_empty());
		assert!(Provenance::trace(&4242, 0, 1).is_none());
	});
}

#[test]
fn the_tasks_pallet_records_through_the_trait() {
	new_test_ext().execute_with(|| {
		let p = new_product(&[]);
		next_block(60_000);
		assert!(<Provenance as ProvenanceRecorder<u64>>::in_production(&p));
		assert_ok!(<Provenance as ProvenanceRecorder<u64>>::record_step(
			&MILL,
			&p,
			step(MILL, "mill", 0, 10)
		));
		assert_eq!(Steps::<Test>::get(p, 0).unwrap().recorder, MILL);
		assert_ok!(<Provenance as ProvenanceRecorder<u64>>::finish(&p));
		assert!(!<Provenance as ProvenanceRecorder<u64>>::in_production(&p));
		assert_eq!(
			<Provenance as ProvenanceRecorder<u64>>::record_step(
				&MILL,
				&p,
				step(MILL, "mill", 0, 10)
			),
			Err(Error::<Test>::NotInProduction.into())
		);
	});
}
