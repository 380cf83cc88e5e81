//! Random call sequences: deposits and status lists hold after every call.

use super::*;

/// The accounts of the random call sequences: the registrar 1, the certifiers 10 and 11, the
/// certifier 40 (funded for two anchors only), the manufacturer 20, the funded stranger 30 and
/// 99, an account without funds.
const ACCOUNTS: [u64; 7] = [1, 10, 11, 40, 20, 30, 99];

/// Credentials are anchored under the digests `[d; 32]`, `d < DIGESTS`.
const DIGESTS: u8 = 40;

/// This pallet's events so far, oldest first.
fn credential_events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

/// A capability claim as an extrinsic carries it: id and parameters, bounds not yet checked.
type RawCapability = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>);

/// A capability claim: mostly well formed, sometimes refused by the pallet (empty or bad id,
/// unsorted or duplicate parameters, a value that is not UTF-8), sometimes at or one beyond a
/// bound (32-byte keys, 64-byte values, 8 parameters).
fn raw_capability(rng: &mut StdRng) -> RawCapability {
	let p = |k: &str, v: &str| (k.as_bytes().to_vec(), v.as_bytes().to_vec());
	match rng.gen_range(0..12) {
		0..=3 => (b"kiln".to_vec(), vec![p("maxTemperatureC", "1200")]),
		4 => (b"sort".to_vec(), vec![p("colors", "red,white,blue"), p("speed", "3")]),
		5 => (b"mill".to_vec(), vec![]),
		6 => (vec![], vec![]),
		7 => (b"kiln oven".to_vec(), vec![]),
		8 => match rng.gen_range(0..3) {
			0 => (b"sort".to_vec(), vec![p("zeta", "1"), p("alpha", "2")]),
			1 => (b"sort".to_vec(), vec![p("a", "1"), p("a", "2")]),
			_ => (b"sort".to_vec(), vec![(b"colors".to_vec(), vec![0xff, 0xfe])]),
		},
		9 => {
			(vec![b'k'; rng.gen_range(32..=33)], vec![(vec![b'p'; rng.gen_range(32..=33)], vec![])])
		},
		10 => (b"sort".to_vec(), vec![(b"colors".to_vec(), vec![b'r'; rng.gen_range(64..=65)])]),
		_ => (
			b"sort".to_vec(),
			(0..rng.gen_range(8..=9)).map(|i| p(&format!("p{i}"), "1")).collect(),
		),
	}
}

/// Whether a capability claim fits the bounds of [`Capability`].
fn capability_fits((id, params): &RawCapability) -> bool {
	id.len() <= 32
		&& params.len() <= 8
		&& params.iter().all(|(k, v)| k.len() <= 32 && v.len() <= 64)
}

/// Whether stored capability claims are well formed (what `anchor` checks).
fn capability_well_formed(c: &Capability) -> bool {
	let key_ok = |k: &[u8]| {
		!k.is_empty() && k.iter().all(|b| b.is_ascii_alphanumeric() || b"_-".contains(b))
	};
	key_ok(&c.id)
		&& c.params.iter().all(|(k, v)| key_ok(k) && core::str::from_utf8(v).is_ok())
		&& c.params.windows(2).all(|w| w[0].0 < w[1].0)
}

/// A schema to register: name and text. Mostly valid, from a small pool of texts (so some are
/// registered already, among them a genesis schema); sometimes without a name, not JSON or not
/// an object schema; sometimes padded with spaces to the 4,096-byte bound or one beyond, or with
/// a name of 64 bytes or one beyond.
fn raw_schema(rng: &mut StdRng) -> (Vec<u8>, Vec<u8>) {
	let name = match rng.gen_range(0..10) {
		0 => vec![],
		1 => vec![b'n'; rng.gen_range(64..=65)],
		_ => b"Paint".to_vec(),
	};
	let property = rng.gen_range(0..12);
	let mut body = match rng.gen_range(0..10) {
		0 => b"not json".to_vec(),
		1 => br#"{"type":"object"}"#.to_vec(),
		2 => br#"{"type":"string","properties":{}}"#.to_vec(),
		3 => CAPABILITY_SCHEMA.as_bytes().to_vec(),
		_ => format!(r#"{{"type":"object","properties":{{"p{property}":{{}}}}}}"#).into_bytes(),
	};
	if rng.gen_bool(0.1) {
		body.resize(rng.gen_range(4096..=4097), b' ');
	}
	(name, body)
}

/// Mostly signed by `who`, sometimes root or unsigned (refused: every call wants a signer).
fn origin_of(rng: &mut StdRng, who: u64) -> RuntimeOrigin {
	match rng.gen_range(0..30) {
		0 => RuntimeOrigin::root(),
		1 => RuntimeOrigin::none(),
		_ => RuntimeOrigin::signed(who),
	}
}

/// Checks the event of a call that succeeded: the one this call emits, about what it names and
/// by its signer; an anchor's signer was an active certifier; a removed anchor was revoked or
/// expired.
fn check_event_of(
	call: &RuntimeCall,
	event: &Event<Test>,
	signer: u64,
	was_certifier: bool,
	removed: Option<(CredentialOf<Test>, bool)>,
) {
	let RuntimeCall::Credentials(call) = call else { panic!("not a credentials call") };
	match (call, event) {
		(
			Call::register_schema { name, body },
			Event::SchemaRegistered { id, name: n, creator },
		) => {
			assert_eq!((id, n, *creator), (&sp_io::hashing::blake2_256(body), name, signer));
		},
		(
			Call::anchor { digest, subject, schema, .. },
			Event::CredentialAnchored { digest: d, issuer, subject: s, schema: sc, .. },
		) => {
			assert!(was_certifier, "anchored by {signer}, no active certifier");
			assert_eq!((d, *issuer, s, sc), (digest, signer, subject, schema));
		},
		(Call::remove { digest }, Event::CredentialRemoved { digest: d, issuer }) => {
			assert_eq!((d, *issuer), (digest, signer));
			let (c, revoked) = removed.expect("the anchor before");
			assert!(
				revoked || c.valid_until.is_some_and(|u| u <= Credentials::now()),
				"removed a valid anchor"
			);
		},
		(Call::revoke { digest }, Event::CredentialRevoked { digest: d, issuer })
		| (Call::suspend { digest }, Event::CredentialSuspended { digest: d, issuer })
		| (Call::unsuspend { digest }, Event::CredentialUnsuspended { digest: d, issuer }) => {
			assert_eq!((d, *issuer), (digest, signer));
		},
		(call, event) => panic!("{call:?} emitted {event:?}"),
	}
}

/// The invariants of the credentials pallet, checked after every call of the random sequences:
/// - funds are neither made nor lost: total issuance and every account's total balance stay as
///   they were (deposits only move between an account's free and held balance);
/// - each account's credential-deposit hold equals exactly the deposits of the schemas it
///   registered and the anchors it issued; genesis schemas hold none, registered schemas
///   `SchemaDeposit`, anchors `CredentialDeposit`;
/// - each schema is stored under the BLAKE2b-256 hash of its text, has a name and is an object
///   schema;
/// - no dangling references: each anchor names a registered schema and a status index its issuer
///   handed out (below its next index and the status-list bound), no two anchors of an issuer
///   share an index, status lists exist only for issuers that anchored;
/// - bounds: each status list is at most `MaxStatusListBytes` long and no longer than the indices
///   handed out need; a bounded validity window is not empty; capability claims are well formed;
/// - events explain every change: the schemas are the genesis ones plus those registered, the
///   anchors those anchored and not removed, each issuer's next index counts its anchors (indices
///   handed out in order, never reused), and the status lists hold exactly the bits the revoke,
///   suspend and unsuspend events set (a revocation is never undone).
fn check_credential_invariants(
	genesis: &BTreeSet<SchemaId>,
	issuance: Balance,
	totals: &[(u64, Balance)],
) {
	assert_eq!(Credentials::do_try_state(), Ok(()), "the pallet's try_state invariants");
	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	for (who, total) in totals {
		assert_eq!(Balances::total_balance(who), *total, "total balance of {who}");
	}
	let max_bytes: u32 = <Test as Config>::MaxStatusListBytes::get();

	// What the events say the state is.
	let mut schemas = genesis.clone();
	let mut live = BTreeSet::new();
	let mut index_of: BTreeMap<Digest, (u64, u32)> = BTreeMap::new();
	let mut next: BTreeMap<u64, u32> = BTreeMap::new();
	let (mut revoked, mut suspended) = (BTreeSet::new(), BTreeSet::new());
	for event in credential_events() {
		match event {
			Event::SchemaRegistered { id, .. } => assert!(schemas.insert(id), "registered twice"),
			Event::CredentialAnchored { digest, issuer, status_index, .. } => {
				let n = next.entry(issuer).or_default();
				assert_eq!(status_index, *n, "an index skipped or reused");
				*n += 1;
				assert!(live.insert(digest), "anchored twice");
				index_of.insert(digest, (issuer, status_index));
			},
			Event::CredentialRevoked { digest, issuer }
			| Event::CredentialForceRevoked { digest, issuer } => {
				let at = index_of[&digest];
				assert_eq!(at.0, issuer);
				assert!(revoked.insert(at), "revoked twice");
			},
			Event::CredentialSuspended { digest, issuer } => {
				let at = index_of[&digest];
				assert_eq!(at.0, issuer);
				assert!(!revoked.contains(&at), "suspended after revocation");
				assert!(suspended.insert(at), "suspended twice");
			},
			Event::CredentialUnsuspended { digest, issuer } => {
				let at = index_of[&digest];
				assert_eq!(at.0, issuer);
				assert!(!revoked.contains(&at), "unsuspended after revocation");
				assert!(suspended.remove(&at), "unsuspended but not suspended");
			},
			Event::CredentialRemoved { digest, .. } => assert!(live.remove(&digest)),
			Event::__Ignore(..) => unreachable!(),
		}
	}

	let mut owed: BTreeMap<u64, Balance> = BTreeMap::new();
	for (id, s) in Schemas::<Test>::iter() {
		assert_eq!(id, sp_io::hashing::blake2_256(&s.body), "a schema under another id");
		assert!(!s.name.is_empty());
		assert_ok!(Credentials::check_schema(&s.body));
		match s.creator {
			None => assert!(genesis.contains(&id) && s.deposit == 0, "a schema without creator"),
			Some(creator) => {
				assert_eq!(s.deposit, 50);
				*owed.entry(creator).or_default() += s.deposit;
			},
		}
	}
	assert_eq!(Schemas::<Test>::iter_keys().collect::<BTreeSet<_>>(), schemas, "schemas");

	let stored_next: BTreeMap<u64, u32> = NextStatusIndex::<Test>::iter().collect();
	assert_eq!(stored_next, next, "next status indices");
	let mut indices = BTreeSet::new();
	for (digest, c) in Anchors::<Test>::iter() {
		assert!(Schemas::<Test>::contains_key(c.schema), "an anchor of an unknown schema");
		assert_eq!(c.deposit, 10);
		*owed.entry(c.issuer).or_default() += c.deposit;
		assert!(
			c.status_index < next.get(&c.issuer).copied().unwrap_or(0),
			"an index not handed out"
		);
		assert!(c.status_index < max_bytes * 8, "an index beyond the status lists");
		assert!(indices.insert((c.issuer, c.status_index)), "two anchors share an index");
		assert_eq!(index_of.get(&digest), Some(&(c.issuer, c.status_index)));
		if let Some(until) = c.valid_until {
			assert!(until > c.valid_from, "an empty validity window");
		}
		if let Some(cap) = &c.capability {
			assert!(capability_well_formed(cap), "malformed capability claims");
		}
	}
	assert_eq!(Anchors::<Test>::iter_keys().collect::<BTreeSet<_>>(), live, "anchors");

	let (mut revoked_bits, mut suspended_bits) = (BTreeSet::new(), BTreeSet::new());
	for (issuer, purpose, list) in StatusLists::<Test>::iter() {
		let handed_out = next.get(&issuer).copied().unwrap_or(0);
		assert!(handed_out > 0, "a status list of an issuer that never anchored");
		assert!(list.len() as u32 <= max_bytes, "a status list beyond its bound");
		assert!(list.len() as u32 <= handed_out.div_ceil(8), "a status list longer than needed");
		let bits = match purpose {
			StatusPurpose::Revocation => &mut revoked_bits,
			StatusPurpose::Suspension => &mut suspended_bits,
		};
		for (i, byte) in list.iter().enumerate() {
			for b in 0..8u32 {
				if byte & (0x80 >> b) != 0 {
					bits.insert((issuer, i as u32 * 8 + b));
				}
			}
		}
	}
	assert_eq!(revoked_bits, revoked, "revocation bits");
	assert_eq!(suspended_bits, suspended, "suspension bits");

	for who in ACCOUNTS {
		assert_eq!(held(who), owed.get(&who).copied().unwrap_or(0), "held by {who}");
	}
	assert!(owed.keys().all(|who| ACCOUNTS.contains(who)));
}

#[test]
fn deposits_and_status_lists_hold_over_random_call_sequences() {
	const SEQUENCES: u64 = 150;
	const STEPS: usize = 60;
	let started = std::time::Instant::now();
	let (mut calls, mut succeeded, mut refused, mut repeats, mut oversized) = (0, 0, 0, 0, 0);
	let (mut role_changes, mut time_steps) = (0, 0);
	let mut refusals: BTreeMap<String, u32> = BTreeMap::new();
	let pallet = <Credentials as PalletInfoAccess>::index() as u8;
	for seed in 0..SEQUENCES {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let genesis: BTreeSet<SchemaId> = Schemas::<Test>::iter_keys().collect();
			// 40: a certifier funded for two anchors.
			assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(30), 40, 25));
			assert_ok!(Actors::register_actor(
				RuntimeOrigin::signed(1),
				40,
				Role::Certifier,
				b"Small certifier".to_vec().try_into().unwrap()
			));
			// Credentials anchored already, so that status lists fill up at times.
			let mut digests: Vec<u8> = (0..DIGESTS).collect();
			digests.shuffle(&mut rng);
			let (by_11, by_10) = (rng.gen_range(10..=16), rng.gen_range(0..=4));
			for (i, d) in digests.into_iter().take(by_11 + by_10).enumerate() {
				let until = rng.gen_bool(0.5).then(|| T0 + rng.gen_range(1..30_000));
				assert_ok!(Credentials::anchor(
					RuntimeOrigin::signed(if i < by_11 { 11 } else { 10 }),
					[d; 32],
					20,
					capability_schema(),
					None,
					until,
					None
				));
			}
			let issuance = Balances::total_issuance();
			let totals: Vec<(u64, Balance)> =
				ACCOUNTS.iter().map(|a| (*a, Balances::total_balance(a))).collect();
			check_credential_invariants(&genesis, issuance, &totals);

			for _ in 0..STEPS {
				let stranger = *ACCOUNTS.choose(&mut rng).unwrap();
				let kind = rng.gen_range(0..18);
				let step: Option<(RuntimeOrigin, RuntimeCall)> = match kind {
					// Schemas and anchors arrive as encoded extrinsics do: an over-long input is
					// refused at decoding, before any dispatch.
					0 | 1 => {
						let (name, body) = raw_schema(&mut rng);
						let who = *[30, 30, 20, 10, 40, 99].choose(&mut rng).unwrap();
						let fits = name.len() <= 64 && body.len() <= 4096;
						let bytes = (pallet, 0u8, name, body).encode();
						match RuntimeCall::decode_all(&mut &bytes[..]) {
							Ok(call) => {
								assert!(fits, "an over-long schema decoded");
								assert_eq!(call.encode(), bytes);
								Some((origin_of(&mut rng, who), call))
							},
							Err(_) => {
								assert!(!fits, "a schema within bounds did not decode");
								oversized += 1;
								None
							},
						}
					},
					2..=6 => {
						let who = *[10, 10, 11, 11, 40, 1, 20, 30, 99].choose(&mut rng).unwrap();
						let digest = [rng.gen_range(0..DIGESTS); 32];
						let subject = *ACCOUNTS.choose(&mut rng).unwrap();
						let known: Vec<SchemaId> = Schemas::<Test>::iter_keys().collect();
						let schema = if rng.gen_bool(0.9) {
							*known.choose(&mut rng).unwrap()
						} else {
							[9; 32]
						};
						let now = Credentials::now();
						let valid_from = match rng.gen_range(0..3) {
							0 => None,
							1 => Some(now - rng.gen_range(0..5_000)),
							_ => Some(now + rng.gen_range(0..10_000)),
						};
						let valid_until = match rng.gen_range(0..4) {
							0 => None,
							1 => Some(now - rng.gen_range(0..2_000)),
							_ => Some(now + rng.gen_range(1..20_000)),
						};
						let capability = rng.gen_bool(0.6).then(|| raw_capability(&mut rng));
						let fits = capability.as_ref().is_none_or(capability_fits);
						let bytes = (
							pallet,
							1u8,
							digest,
							subject,
							schema,
							valid_from,
							valid_until,
							capability,
						)
							.encode();
						match RuntimeCall::decode_all(&mut &bytes[..]) {
							Ok(call) => {
								assert!(fits, "an over-long capability decoded");
								assert_eq!(call.encode(), bytes);
								Some((origin_of(&mut rng, who), call))
							},
							Err(_) => {
								assert!(!fits, "a capability within bounds did not decode");
								oversized += 1;
								None
							},
						}
					},
					// Status calls: mostly about an anchored credential, by its issuer.
					7..=14 => {
						let anchored: Vec<(Digest, u64)> =
							Anchors::<Test>::iter().map(|(d, c)| (d, c.issuer)).collect();
						let (digest, issuer) = match anchored.choose(&mut rng) {
							Some(a) if rng.gen_bool(0.85) => *a,
							_ => ([rng.gen_range(0..DIGESTS); 32], 10),
						};
						let who = if rng.gen_bool(0.8) { issuer } else { stranger };
						let call = match kind {
							7 | 8 => Call::revoke { digest },
							9 | 10 => Call::suspend { digest },
							11 | 12 => Call::unsuspend { digest },
							_ => Call::remove { digest },
						};
						Some((origin_of(&mut rng, who), RuntimeCall::Credentials(call)))
					},
					// The registrar withdraws, suspends, re-activates or appoints certifiers.
					15 => {
						let c = *[10, 11, 40, 30].choose(&mut rng).unwrap();
						let o = RuntimeOrigin::signed(1);
						#[allow(
							clippy::let_underscore_must_use,
							reason = "the registrar's calls only set the scene"
						)]
						let _ = match rng.gen_range(0..4) {
							0 => Actors::revoke_role(o, c, Role::Certifier),
							1 => Actors::register_actor(o, c, Role::Certifier, Default::default()),
							2 => Actors::suspend_actor(o, c),
							_ => Actors::reactivate_actor(o, c),
						};
						role_changes += 1;
						None
					},
					_ => {
						advance(rng.gen_range(500..6_000));
						time_steps += 1;
						None
					},
				};
				if kind <= 6 && step.is_none() {
					calls += 1;
					refused += 1;
				}
				if let Some((origin, call)) = step {
					calls += 1;
					let signer = frame_system::ensure_signed(origin.clone()).ok();
					let was_certifier = signer.is_some_and(|w| {
						<MockActors as RoleProvider<u64>>::has_role(&w, Role::Certifier)
					});
					let removed = match &call {
						RuntimeCall::Credentials(Call::remove { digest }) => {
							Anchors::<Test>::get(digest).map(|c| {
								let r = Credentials::bit(
									&c.issuer,
									StatusPurpose::Revocation,
									c.status_index,
								);
								(c, r)
							})
						},
						_ => None,
					};
					let before = state_root();
					let events = credential_events().len();
					match call.clone().dispatch(origin.clone()) {
						Ok(_) => {
							succeeded += 1;
							let new = credential_events().split_off(events);
							assert_eq!(new.len(), 1, "one event per change: {new:?}");
							let signer = signer.expect("only signed calls succeed");
							check_event_of(&call, &new[0], signer, was_certifier, removed);
							// The same call again is always refused and changes nothing.
							if rng.gen_bool(0.3) {
								let before = state_root();
								assert!(call.dispatch(origin).is_err(), "a repeated call ran");
								assert_eq!(state_root(), before, "a refused repeat changed state");
								repeats += 1;
							}
						},
						Err(e) => {
							refused += 1;
							*refusals.entry(refusal(&e.error)).or_default() += 1;
							assert_eq!(state_root(), before, "a refused call changed state: {e:?}");
						},
					}
				}
				check_credential_invariants(&genesis, issuance, &totals);
			}
		});
	}
	println!(
		"credentials: {SEQUENCES} sequences x {STEPS} steps: {calls} calls, {succeeded} \
		 succeeded, {refused} refused ({oversized} over-long at decoding), {repeats} repeats \
		 refused; {role_changes} certifier role changes, {time_steps} time steps; {:.1} s",
		started.elapsed().as_secs_f64()
	);
	println!("refusals: {refusals:?}");
	// Every way to be refused occurred.
	for e in [
		"SchemaExists",
		"InvalidSchema",
		"UnknownSchema",
		"AlreadyAnchored",
		"InvalidValidity",
		"InvalidCapability",
		"StatusListFull",
		"UnknownCredential",
		"NotIssuer",
		"AlreadyRevoked",
		"AlreadySuspended",
		"NotSuspended",
		"StillValid",
		"RemovedBefore",
		"BadOrigin",
		"Token(FundsUnavailable)",
	] {
		assert!(refusals.get(e).is_some_and(|n| *n >= 3), "refused with {e} too rarely");
	}
	// Not vacuous: many calls changed something and many were refused.
	assert!(succeeded > 1_500 && refused > 1_500, "{succeeded} succeeded, {refused} refused");
	assert!(repeats > 300 && oversized > 100, "{repeats} repeats, {oversized} over-long");
}
