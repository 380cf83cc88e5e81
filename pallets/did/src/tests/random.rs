//! Random call sequences: deposits and counts hold after every call.

use super::*;

/// Deposits held are exactly those the stored records and items name, counts match what is
/// stored and stay within bounds, nothing is stored for a DID without a record, deactivated DIDs
/// hold nothing, and no balance was made or lost.
fn check_did_invariants(accounts: &[AccountId], issuance: Balance) {
	assert_eq!(Did::do_try_state(), Ok(()), "the pallet's try_state invariants");
	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let mut owed: std::collections::BTreeMap<AccountId, Balance> = Default::default();
	for (did, r) in Dids::<Test>::iter() {
		*owed.entry(r.depositor.clone()).or_default() += r.deposit;
		let delegates: Vec<_> = Delegates::<Test>::iter_prefix(&did).collect();
		let attributes: Vec<_> = Attributes::<Test>::iter_prefix(&did).collect();
		assert_eq!(r.delegates as usize, delegates.len(), "delegate count of {did:?}");
		assert_eq!(r.attributes as usize, attributes.len(), "attribute count of {did:?}");
		assert!(r.delegates <= 3 && r.attributes <= 3, "bounds");
		if r.deactivated {
			assert!(delegates.is_empty() && attributes.is_empty(), "a deactivated DID keeps items");
		}
		for (_, d) in delegates {
			*owed.entry(d.depositor).or_default() += d.deposit;
		}
		for (_, a) in attributes {
			*owed.entry(a.depositor).or_default() += a.deposit;
		}
	}
	for (did, _) in Delegates::<Test>::iter_keys() {
		assert!(Dids::<Test>::contains_key(&did), "a delegate of a DID without a record");
	}
	for (did, _) in Attributes::<Test>::iter_keys() {
		assert!(Dids::<Test>::contains_key(&did), "an attribute of a DID without a record");
	}
	for a in accounts {
		assert_eq!(held(a), owed.get(a).copied().unwrap_or(0), "held by {a:?}");
	}
}

#[test]
fn deposits_and_counts_hold_over_random_call_sequences() {
	let keys = [
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Ferdie,
		Sr25519Keyring::Eve,
	];
	let (mut sequences, mut calls, mut replays, mut changes) = (0, 0, 0, 0);
	for seed in 1..=120u64 {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let accounts: Vec<AccountId> = keys.iter().map(|k| k.to_account_id()).collect();
			let issuance = Balances::total_issuance();
			// Signed operations that were executed, to be replayed.
			let mut executed: Vec<(AccountId, DidOperation<AccountId>, u64, MultiSignature)> =
				Vec::new();
			for _ in 0..60 {
				let did = accounts.choose(&mut rng).unwrap().clone();
				// Mostly the controller, sometimes anyone.
				let who = if rng.gen_range(0..10) < 7 {
					Did::controller_of(&did)
				} else {
					accounts.choose(&mut rng).unwrap().clone()
				};
				let window = |rng: &mut StdRng| match rng.gen_range(0..4) {
					0 => (None, None),
					1 => (Some(T0 + rng.gen_range(0..10_000)), None),
					2 => (None, Some(T0 + rng.gen_range(0..10_000))),
					_ => (Some(T0 + 5_000), Some(T0 + rng.gen_range(0..10_000))),
				};
				let delegate_type = if rng.gen_bool(0.5) {
					DelegateType::Authentication
				} else {
					DelegateType::Assertion
				};
				let (valid_from, valid_until) = window(&mut rng);
				let attribute = name(["a", "b", "c", "d"].choose(&mut rng).unwrap());
				let value = if rng.gen_bool(0.5) {
					ed_key(rng.gen_range(0..4) as u8, 1 + rng.gen_range(0..3) as u8)
				} else {
					service("MqttBroker", "mqtt://10.0.0.5:1883")
				};
				let op = match rng.gen_range(0..12) {
					0 => DidOperation::ChangeController {
						new_controller: accounts.choose(&mut rng).unwrap().clone(),
					},
					1..=3 => DidOperation::AddDelegate {
						delegate_type,
						delegate: accounts.choose(&mut rng).unwrap().clone(),
						valid_from,
						valid_until,
					},
					4 => DidOperation::RevokeDelegate {
						delegate_type,
						delegate: accounts.choose(&mut rng).unwrap().clone(),
					},
					5..=7 => DidOperation::SetAttribute {
						name: attribute,
						value,
						valid_from,
						valid_until,
					},
					8 | 9 => DidOperation::RevokeAttribute { name: attribute },
					10 if rng.gen_range(0..8) == 0 => DidOperation::Deactivate,
					_ => DidOperation::RevokeAttribute { name: name("z") },
				};
				let o = RuntimeOrigin::signed(who.clone());
				// Results are ignored: a refusal must leave everything as it was.
				match rng.gen_range(0..4) {
					// The same operation signed off chain by some key (often the controller's),
					// with the current nonce or a stale one, submitted by anyone.
					0 => {
						let nonce = Dids::<Test>::get(&did).map_or(0, |r| r.nonce);
						let nonce =
							if rng.gen_range(0..5) == 0 { nonce.saturating_sub(1) } else { nonce };
						let controller = Did::controller_of(&did);
						let key = keys
							.iter()
							.copied()
							.find(|k| rng.gen_range(0..3) != 0 && k.to_account_id() == controller)
							.unwrap_or_else(|| *keys.choose(&mut rng).unwrap());
						let sig = sign(key, &did, nonce, &op);
						if Did::execute_signed(
							o,
							did.clone(),
							op.clone(),
							nonce,
							UNTIL,
							None,
							sig.clone(),
						)
						.is_ok()
						{
							executed.push((did, op, nonce, sig));
							changes += 1;
						}
					},
					// A signed operation executed before, again: always refused, nothing changes.
					1 if !executed.is_empty() => {
						let (did, op, nonce, sig) = executed.choose(&mut rng).unwrap().clone();
						let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
						assert!(
							Did::execute_signed(o, did, op, nonce, UNTIL, None, sig).is_err(),
							"a replay ran"
						);
						assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
						replays += 1;
					},
					_ => {
						let outcome = match op {
							DidOperation::ChangeController { new_controller } => {
								Did::change_controller(o, did, new_controller).is_ok()
							},
							DidOperation::AddDelegate {
								delegate_type,
								delegate,
								valid_from,
								valid_until,
							} => Did::add_delegate(
								o,
								did,
								delegate_type,
								delegate,
								valid_from,
								valid_until,
							)
							.is_ok(),
							DidOperation::RevokeDelegate { delegate_type, delegate } => {
								Did::revoke_delegate(o, did, delegate_type, delegate).is_ok()
							},
							DidOperation::SetAttribute { name, value, valid_from, valid_until } => {
								Did::set_attribute(o, did, name, value, valid_from, valid_until)
									.is_ok()
							},
							DidOperation::RevokeAttribute { name } => {
								Did::revoke_attribute(o, did, name).is_ok()
							},
							DidOperation::Deactivate => Did::deactivate(o, did).is_ok(),
						};
						changes += outcome as u32;
					},
				}
				if rng.gen_range(0..8) == 0 {
					Timestamp::set_timestamp(Timestamp::get() + 1_000);
				}
				calls += 1;
				check_did_invariants(&accounts, issuance);
			}
			sequences += 1;
		});
	}
	assert_eq!(sequences, 120);
	assert!(calls >= 7_200);
	// Not only refusals: a good share of the calls changed something.
	assert!(changes > 1_000, "changes: {changes}");
	assert!(replays > 100, "replays tried: {replays}");
	println!("{sequences} sequences, {calls} calls, {changes} changes, {replays} replays refused");
}
