//! Records that are paid for and go: each task's and order's record holds a per-byte deposit
//! from its requester, and anyone reaps it once it is over and no longer needed — the deposit
//! goes back to the requester, never to the reaper.

use super::*;
use codec::MaxEncodedLen;

fn record_deposit(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::RecordDeposit.into(), &who)
}

/// Deposits of 5 per record and 1 per byte.
fn with_deposits() {
	RecordBase::set(5);
	RecordPerByte::set(1);
}

#[test]
fn a_task_record_holds_a_deposit_per_byte_of_it_and_its_completion() {
	new_test_ext().execute_with(|| {
		with_deposits();
		let short = mill_task(false);
		let t = TaskRecords::<Test>::get(short).unwrap();
		// The record as created, plus the provider, start and completion it gets later.
		let grows = u64::max_encoded_len() + 8 + Completion::<u64>::max_encoded_len();
		let expected = 5 + (t.encoded_size() + grows) as Balance;
		assert_eq!(TaskDeposits::<Test>::get(short), Some(expected));
		assert_eq!(record_deposit(MAKER), expected);
		// Ten more bytes of parameters cost ten more.
		let long = NextTaskId::<Test>::get();
		assert_ok!(Tasks::create_task(
			RuntimeOrigin::signed(MAKER),
			cap("mill"),
			params("{\"depthMm\":2,\"pass\":1}"),
			None,
			None,
			100,
			System::block_number() + 10,
			false,
			None
		));
		let extra = "{\"depthMm\":2,\"pass\":1}".len() - "{\"depthMm\":2}".len();
		assert_eq!(TaskDeposits::<Test>::get(long), Some(expected + extra as Balance));
		// Escrow and deposit are held apart.
		assert_eq!(escrow(MAKER), 200);
		// Taken, started and completed with the longest result, the record still fits what
		// its deposit paid for.
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), short, MILL1));
		assert_ok!(Tasks::start_task(RuntimeOrigin::signed(MILL1), short));
		let longest = "r".repeat(64);
		assert_ok!(Tasks::complete_task(
			RuntimeOrigin::signed(MILL1),
			short,
			detail(&longest),
			[1; 32]
		));
		let grown = TaskRecords::<Test>::get(short).unwrap();
		assert!(grown.provider.is_some() && grown.started.is_some() && grown.completion.is_some());
		assert!(5 + grown.encoded_size() as Balance <= expected);
	});
}

#[test]
fn a_requester_that_cannot_pay_the_deposit_creates_nothing() {
	new_test_ext().execute_with(|| {
		RecordBase::set(1_000_000);
		let next = NextTaskId::<Test>::get();
		assert_noop!(
			Tasks::create_task(
				RuntimeOrigin::signed(MAKER),
				cap("mill"),
				params(""),
				None,
				None,
				100,
				System::block_number() + 10,
				false,
				None
			),
			sp_runtime::TokenError::FundsUnavailable
		);
		assert_eq!(NextTaskId::<Test>::get(), next);
	});
}

/// `createTask` + `cancelTask` no longer leaves state for a fee: the record is reaped after the
/// retention period, by anyone, and the requester gets the deposit back.
#[test]
fn an_over_task_is_reaped_after_its_retention_and_the_deposit_goes_back() {
	new_test_ext().execute_with(|| {
		with_deposits();
		let open = mill_task(false);
		let cancelled = mill_task(false);
		let deposit = TaskDeposits::<Test>::get(cancelled).unwrap();
		assert_ok!(Tasks::cancel_task(RuntimeOrigin::signed(MAKER), cancelled));
		// Over, but kept until 60 blocks past its deadline (block 11).
		assert_noop!(
			Tasks::reap_task(RuntimeOrigin::signed(STRANGER), cancelled),
			Error::<Test>::RetentionNotOver
		);
		// A task that is not over is never reaped.
		assert_noop!(
			Tasks::reap_task(RuntimeOrigin::signed(STRANGER), open),
			Error::<Test>::NotOver
		);
		run_to(70);
		assert_noop!(
			Tasks::reap_task(RuntimeOrigin::signed(STRANGER), cancelled),
			Error::<Test>::RetentionNotOver
		);
		next_block();
		let (maker, stranger) = (Balances::balance(&MAKER), Balances::balance(&STRANGER));
		assert_ok!(Tasks::reap_task(RuntimeOrigin::signed(STRANGER), cancelled));
		assert_eq!(last_event(), Event::TaskReaped { task: cancelled, requester: MAKER, deposit });
		assert!(TaskRecords::<Test>::get(cancelled).is_none());
		assert!(TaskDeposits::<Test>::get(cancelled).is_none());
		assert_eq!(Balances::balance(&MAKER), maker + deposit);
		assert_eq!(Balances::balance(&STRANGER), stranger);
		assert_noop!(
			Tasks::reap_task(RuntimeOrigin::signed(STRANGER), cancelled),
			Error::<Test>::UnknownTask
		);
		// The open task expired at its deadline meanwhile: it goes too, with its deposit.
		assert_eq!(state(open), TaskState::Expired);
		assert_ok!(Tasks::reap_task(RuntimeOrigin::signed(MAKER), open));
		assert_eq!(record_deposit(MAKER), 0);
	});
}

/// A completed task is not over until it settles; a disputed one not until it is decided or
/// lapses.
#[test]
fn a_completed_or_disputed_task_is_not_reaped() {
	new_test_ext().execute_with(|| {
		with_deposits();
		let id = mill_task(false);
		assert_ok!(Tasks::accept_task(RuntimeOrigin::signed(MILL1), id, MILL1));
		assert_ok!(Tasks::complete_task(RuntimeOrigin::signed(MILL1), id, detail("ok"), [1; 32]));
		assert_noop!(Tasks::reap_task(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::NotOver);
		assert_ok!(Tasks::dispute_task(RuntimeOrigin::signed(MAKER), id));
		assert_noop!(Tasks::reap_task(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::NotOver);
		// `TaskRetention` is at least a challenge and a dispute: by the end of the retention the
		// dispute has lapsed (or been decided).
		run_to(11 + 60);
		assert_eq!(state(id), TaskState::Settled, "the dispute lapsed after DisputePeriod");
		assert_ok!(Tasks::reap_task(RuntimeOrigin::signed(STRANGER), id));
	});
}

#[test]
fn an_order_is_reaped_only_when_over_and_after_its_last_step() {
	new_test_ext().execute_with(|| {
		with_deposits();
		assert_ok!(Tasks::register_recipe(
			RuntimeOrigin::signed(MAKER),
			b"fire, mill".to_vec().try_into().unwrap(),
			recipe(&[("fire", ""), ("mill", "")])
		));
		assert_ok!(Tasks::place_order(
			RuntimeOrigin::signed(MAKER),
			0,
			workpiece(),
			Default::default(),
			30,
			20
		));
		let deposit = 5 + OrderOf::<Test>::max_encoded_len() as Balance;
		assert_eq!(OrderDeposits::<Test>::get(0), Some(deposit));
		assert_noop!(Tasks::reap_order(RuntimeOrigin::signed(STRANGER), 0), Error::<Test>::NotOver);
		assert_noop!(
			Tasks::reap_order(RuntimeOrigin::signed(STRANGER), 9),
			Error::<Test>::UnknownOrder
		);
		for _ in 0..2 {
			next_block();
			let assigned: Vec<(TaskId, u64)> = TaskRecords::<Test>::iter()
				.filter(|(_, t)| t.state == TaskState::Assigned)
				.map(|(id, t)| (id, t.provider.unwrap()))
				.collect();
			for (id, machine) in assigned {
				assert_ok!(Tasks::complete_task(
					RuntimeOrigin::signed(machine),
					id,
					detail("ok"),
					[2; 32]
				));
			}
		}
		let o = Orders::<Test>::get(0).unwrap();
		assert_eq!(o.state, OrderState::Finished);
		let last = o.task.unwrap();
		// The last step's task is still kept (its record says how the product was finished).
		assert_noop!(
			Tasks::reap_order(RuntimeOrigin::signed(STRANGER), 0),
			Error::<Test>::StepStillKept
		);
		let deadline = TaskRecords::<Test>::get(last).unwrap().deadline;
		run_to(deadline + 60);
		for task in [0, last] {
			assert_ok!(Tasks::reap_task(RuntimeOrigin::signed(STRANGER), task));
		}
		let before = Balances::balance(&MAKER);
		assert_ok!(Tasks::reap_order(RuntimeOrigin::signed(STRANGER), 0));
		assert_eq!(last_event(), Event::OrderReaped { order: 0, requester: MAKER, deposit });
		assert_eq!(Balances::balance(&MAKER), before + deposit);
		assert!(Orders::<Test>::get(0).is_none());
		assert_eq!(record_deposit(MAKER), 0);
		// The product's provenance keeps both steps.
		assert_eq!(MockProvenance::get(FIRST_PRODUCT).steps.len(), 2);
	});
}
