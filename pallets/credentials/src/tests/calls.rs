//! Every call: schemas, anchors, status lists, and the checks other pallets make.

use super::*;

#[test]
fn genesis_registers_the_two_schemas() {
	new_test_ext().execute_with(|| {
		let s = Schemas::<Test>::get(capability_schema()).expect("MachineCapability");
		assert_eq!(s.name.to_vec(), b"MachineCapability".to_vec());
		assert_eq!(s.body.to_vec(), CAPABILITY_SCHEMA.as_bytes().to_vec());
		assert_eq!(s.creator, None);
		let q = sp_io::hashing::blake2_256(QUALITY_SCHEMA.as_bytes());
		assert!(Schemas::<Test>::contains_key(q));
	});
}

#[test]
fn anyone_registers_a_schema_with_a_deposit() {
	new_test_ext().execute_with(|| {
		let body = br#"{"type":"object","properties":{"colour":{"type":"string"}}}"#.to_vec();
		let id = sp_io::hashing::blake2_256(&body);
		let name: SchemaName = b"Paint".to_vec().try_into().unwrap();
		assert_ok!(Credentials::register_schema(
			RuntimeOrigin::signed(30),
			name.clone(),
			body.clone().try_into().unwrap()
		));
		assert_eq!(
			last_event(),
			Event::SchemaRegistered { id, name: name.clone(), creator: 30 }.into()
		);
		assert_eq!(held(30), 50);
		assert_noop!(
			Credentials::register_schema(
				RuntimeOrigin::signed(1),
				name.clone(),
				body.try_into().unwrap()
			),
			Error::<Test>::SchemaExists
		);
		for bad in [&b"not json"[..], b"[]", br#"{"type":"string"}"#, br#"{"type":"object"}"#] {
			assert_noop!(
				Credentials::register_schema(
					RuntimeOrigin::signed(1),
					name.clone(),
					bad.to_vec().try_into().unwrap()
				),
				Error::<Test>::InvalidSchema
			);
		}
		assert_noop!(
			Credentials::register_schema(
				RuntimeOrigin::signed(1),
				Default::default(),
				br#"{"type":"object","properties":{}}"#.to_vec().try_into().unwrap()
			),
			Error::<Test>::InvalidSchema
		);
		assert_noop!(
			Credentials::register_schema(
				RuntimeOrigin::signed(99),
				name,
				br#"{"type":"object","properties":{"x":{}}}"#.to_vec().try_into().unwrap()
			),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn only_active_certifiers_anchor() {
	new_test_ext().execute_with(|| {
		assert_noop!(anchor_kiln(20, 1, 20), DispatchError::BadOrigin);
		assert_noop!(anchor_kiln(30, 1, 20), DispatchError::BadOrigin);
		assert_ok!(anchor_kiln(10, 1, 20));
		assert_eq!(
			last_event(),
			Event::CredentialAnchored {
				digest: [1; 32],
				issuer: 10,
				subject: 20,
				schema: capability_schema(),
				status_index: 0
			}
			.into()
		);
		assert_eq!(held(10), 10);
		let c = Anchors::<Test>::get([1; 32]).unwrap();
		assert_eq!(
			(c.issuer, c.subject, c.valid_from, c.valid_until),
			(10, 20, T0, Some(T0 + 60_000))
		);
		assert_eq!(c.anchored, Stamp { block: 1, time: T0 });
		// The registrar withdraws certifier 10: it anchors no more, its earlier credential stays.
		assert_ok!(Actors::revoke_role(RuntimeOrigin::signed(1), 10, Role::Certifier));
		assert_noop!(anchor_kiln(10, 2, 20), DispatchError::BadOrigin);
		assert_eq!(
			Credentials::status(&[1; 32]),
			Some(CredentialStatus { revoked: false, suspended: false })
		);
		// A suspended certifier cannot anchor either.
		assert_ok!(Actors::suspend_actor(RuntimeOrigin::signed(1), 11));
		assert_noop!(anchor_kiln(11, 2, 20), DispatchError::BadOrigin);
	});
}

#[test]
fn anchors_are_checked() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Credentials::anchor(RuntimeOrigin::signed(10), [1; 32], 20, [9; 32], None, None, None),
			Error::<Test>::UnknownSchema
		);
		assert_noop!(
			Credentials::anchor(
				RuntimeOrigin::signed(10),
				[1; 32],
				20,
				capability_schema(),
				Some(T0),
				Some(T0),
				None
			),
			Error::<Test>::InvalidValidity
		);
		assert_noop!(
			Credentials::anchor(
				RuntimeOrigin::signed(10),
				[1; 32],
				20,
				capability_schema(),
				Some(T0 - 10),
				Some(T0 - 1),
				None
			),
			Error::<Test>::InvalidValidity
		);
		let bad_caps = [
			Capability { id: key(""), params: Default::default() },
			Capability { id: key("kiln oven"), params: Default::default() },
			Capability {
				id: key("sort"),
				params: vec![
					(key("zeta"), b"1".to_vec().try_into().unwrap()),
					(key("alpha"), b"2".to_vec().try_into().unwrap()),
				]
				.try_into()
				.unwrap(),
			},
			Capability {
				id: key("sort"),
				params: vec![(key("colors"), vec![0xff, 0xfe].try_into().unwrap())]
					.try_into()
					.unwrap(),
			},
		];
		for cap in bad_caps {
			assert_noop!(
				Credentials::anchor(
					RuntimeOrigin::signed(10),
					[1; 32],
					20,
					capability_schema(),
					None,
					None,
					Some(cap)
				),
				Error::<Test>::InvalidCapability
			);
		}
		assert_ok!(anchor_kiln(10, 1, 20));
		assert_noop!(anchor_kiln(11, 1, 20), Error::<Test>::AlreadyAnchored);
		// The status lists hold 2 bytes = 16 credentials per issuer.
		for d in 2..=16 {
			assert_ok!(anchor_kiln(10, d, 20));
		}
		assert_eq!(NextStatusIndex::<Test>::get(10), 16);
		assert_noop!(anchor_kiln(10, 17, 20), Error::<Test>::StatusListFull);
		assert_ok!(anchor_kiln(11, 17, 20));
	});
}

#[test]
fn the_issuer_revokes_suspends_and_unsuspends_through_status_lists() {
	new_test_ext().execute_with(|| {
		for d in 1..=10 {
			assert_ok!(anchor_kiln(10, d, 20));
		}
		let nine = [9u8; 32]; // status index 8: the first bit of the second byte
		assert_noop!(
			Credentials::revoke(RuntimeOrigin::signed(11), nine),
			Error::<Test>::NotIssuer
		);
		assert_noop!(
			Credentials::revoke(RuntimeOrigin::signed(10), [99; 32]),
			Error::<Test>::UnknownCredential
		);

		assert_ok!(Credentials::suspend(RuntimeOrigin::signed(10), nine));
		assert_eq!(last_event(), Event::CredentialSuspended { digest: nine, issuer: 10 }.into());
		assert_eq!(StatusLists::<Test>::get(10, StatusPurpose::Suspension).to_vec(), vec![0, 0x80]);
		assert_eq!(
			Credentials::status(&nine),
			Some(CredentialStatus { revoked: false, suspended: true })
		);
		assert_noop!(
			Credentials::suspend(RuntimeOrigin::signed(10), nine),
			Error::<Test>::AlreadySuspended
		);
		assert_noop!(
			Credentials::unsuspend(RuntimeOrigin::signed(11), nine),
			Error::<Test>::NotIssuer
		);
		assert_ok!(Credentials::unsuspend(RuntimeOrigin::signed(10), nine));
		assert_eq!(last_event(), Event::CredentialUnsuspended { digest: nine, issuer: 10 }.into());
		assert_noop!(
			Credentials::unsuspend(RuntimeOrigin::signed(10), nine),
			Error::<Test>::NotSuspended
		);

		assert_ok!(Credentials::revoke(RuntimeOrigin::signed(10), [2; 32])); // index 1
		assert_ok!(Credentials::revoke(RuntimeOrigin::signed(10), nine)); // index 8
		assert_eq!(last_event(), Event::CredentialRevoked { digest: nine, issuer: 10 }.into());
		assert_eq!(
			StatusLists::<Test>::get(10, StatusPurpose::Revocation).to_vec(),
			vec![0x40, 0x80]
		);
		assert_eq!(
			Credentials::status(&nine),
			Some(CredentialStatus { revoked: true, suspended: false })
		);
		assert_eq!(
			Credentials::status(&[3; 32]),
			Some(CredentialStatus { revoked: false, suspended: false })
		);
		assert_noop!(
			Credentials::revoke(RuntimeOrigin::signed(10), nine),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Credentials::suspend(RuntimeOrigin::signed(10), nine),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Credentials::unsuspend(RuntimeOrigin::signed(10), nine),
			Error::<Test>::AlreadyRevoked
		);

		// A withdrawn certifier still revokes what it issued.
		assert_ok!(Actors::revoke_role(RuntimeOrigin::signed(1), 10, Role::Certifier));
		assert_ok!(Credentials::revoke(RuntimeOrigin::signed(10), [3; 32]));
	});
}

#[test]
fn revoked_or_expired_anchors_are_removed_and_stay_invalid() {
	new_test_ext().execute_with(|| {
		assert_ok!(anchor_kiln(10, 1, 20));
		assert_ok!(anchor_kiln(10, 2, 20));
		assert_eq!(held(10), 20);
		assert_noop!(
			Credentials::remove(RuntimeOrigin::signed(10), [1; 32]),
			Error::<Test>::StillValid
		);
		assert_noop!(
			Credentials::remove(RuntimeOrigin::signed(11), [1; 32]),
			Error::<Test>::NotIssuer
		);
		assert_ok!(Credentials::revoke(RuntimeOrigin::signed(10), [1; 32]));
		assert_ok!(Credentials::remove(RuntimeOrigin::signed(10), [1; 32]));
		assert_eq!(last_event(), Event::CredentialRemoved { digest: [1; 32], issuer: 10 }.into());
		assert_eq!(held(10), 10);
		assert!(Anchors::<Test>::get([1; 32]).is_none());
		assert!(Credentials::bit(&10, StatusPurpose::Revocation, 0), "the bit stays");
		advance(60_000);
		assert_ok!(Credentials::remove(RuntimeOrigin::signed(10), [2; 32]));
		assert_eq!(held(10), 0);
		// A new credential never reuses an index.
		assert_ok!(Credentials::anchor(
			RuntimeOrigin::signed(10),
			[3; 32],
			20,
			capability_schema(),
			None,
			None,
			None
		));
		assert_eq!(Anchors::<Test>::get([3; 32]).unwrap().status_index, 2);
		// A removed digest leaves a tombstone: it can never be anchored again with a fresh,
		// unrevoked index.
		assert_eq!(Removed::<Test>::get([1; 32]), Some((10, 0)));
		assert_noop!(anchor_kiln(10, 1, 20), Error::<Test>::RemovedBefore);
		assert_noop!(anchor_kiln(11, 2, 20), Error::<Test>::RemovedBefore);
		assert_eq!(Credentials::do_try_state(), Ok(()));
	});
}

/// Credentials outlive no compromised issuer: while certifier 10 is suspended, everything it
/// anchored counts as suspended; reactivated, it counts again. The privileged origin revokes
/// any credential for good, and nobody else may.
#[test]
fn a_suspended_issuers_credentials_do_not_count_and_the_council_revokes_any() {
	new_test_ext().execute_with(|| {
		assert_ok!(anchor_kiln(10, 1, 20));
		assert_ok!(anchor_kiln(10, 2, 20));
		let check =
			|digest| <Credentials as CapabilityCheck<u64>>::check_capability(&20, b"kiln", &digest);
		assert!(check([1; 32]).is_ok());
		MockActors::suspend(10);
		assert_eq!(check([1; 32]), Err(CapabilityError::Suspended));
		assert_eq!(
			<Credentials as CredentialCheck<u64>>::check_credential(&20, &[2; 32]),
			Err(CapabilityError::Suspended)
		);
		MockActors::reactivate(10);
		assert!(check([1; 32]).is_ok());
		for who in [10, 11, 20] {
			assert_noop!(
				Credentials::force_revoke(RuntimeOrigin::signed(who), [1; 32]),
				DispatchError::BadOrigin
			);
		}
		assert_ok!(Credentials::force_revoke(RuntimeOrigin::root(), [1; 32]));
		assert_eq!(
			last_event(),
			Event::CredentialForceRevoked { digest: [1; 32], issuer: 10 }.into()
		);
		assert_eq!(check([1; 32]), Err(CapabilityError::Revoked));
		assert_noop!(
			Credentials::force_revoke(RuntimeOrigin::root(), [1; 32]),
			Error::<Test>::AlreadyRevoked
		);
		assert_noop!(
			Credentials::force_revoke(RuntimeOrigin::root(), [9; 32]),
			Error::<Test>::UnknownCredential
		);
		assert!(check([2; 32]).is_ok(), "only the one credential");
	});
}

#[test]
fn capability_checks_follow_validity_and_status() {
	new_test_ext().execute_with(|| {
		assert_ok!(anchor_kiln(10, 1, 20));
		let check = |subject, cap: &str, digest| {
			<Credentials as CapabilityCheck<u64>>::check_capability(
				&subject,
				cap.as_bytes(),
				&digest,
			)
		};
		assert_eq!(check(20, "kiln", [1; 32]), Ok(kiln("1200")));
		assert_eq!(check(20, "kiln", [2; 32]), Err(CapabilityError::Unknown));
		assert_eq!(check(21, "kiln", [1; 32]), Err(CapabilityError::WrongSubject));
		assert_eq!(check(20, "mill", [1; 32]), Err(CapabilityError::WrongCapability));
		assert_ok!(Credentials::suspend(RuntimeOrigin::signed(10), [1; 32]));
		assert_eq!(check(20, "kiln", [1; 32]), Err(CapabilityError::Suspended));
		assert_ok!(Credentials::unsuspend(RuntimeOrigin::signed(10), [1; 32]));
		assert_eq!(check(20, "kiln", [1; 32]), Ok(kiln("1200")));
		assert_ok!(Credentials::revoke(RuntimeOrigin::signed(10), [1; 32]));
		assert_eq!(check(20, "kiln", [1; 32]), Err(CapabilityError::Revoked));

		// Not yet valid, then valid, then expired.
		assert_ok!(Credentials::anchor(
			RuntimeOrigin::signed(10),
			[5; 32],
			20,
			capability_schema(),
			Some(T0 + 1_000),
			Some(T0 + 2_000),
			Some(kiln("900"))
		));
		assert_eq!(check(20, "kiln", [5; 32]), Err(CapabilityError::OutsideValidity));
		advance(1_000);
		assert_eq!(check(20, "kiln", [5; 32]), Ok(kiln("900")));
		advance(1_000);
		assert_eq!(check(20, "kiln", [5; 32]), Err(CapabilityError::OutsideValidity));
		// A credential without capability claims grants none.
		assert_ok!(Credentials::anchor(
			RuntimeOrigin::signed(10),
			[6; 32],
			20,
			capability_schema(),
			None,
			None,
			None
		));
		assert_eq!(check(20, "kiln", [6; 32]), Err(CapabilityError::WrongCapability));
	});
}

#[test]
fn credential_checks_of_any_schema_follow_subject_validity_and_status() {
	new_test_ext().execute_with(|| {
		assert_ok!(Credentials::anchor(
			RuntimeOrigin::signed(10),
			[7; 32],
			30,
			capability_schema(),
			None,
			Some(T0 + 2_000),
			None
		));
		let check = |subject, digest| {
			<Credentials as CredentialCheck<u64>>::check_credential(&subject, &digest)
		};
		// No capability claim is needed: the issuer is returned.
		assert_eq!(check(30, [7; 32]), Ok(10));
		assert_eq!(check(31, [7; 32]), Err(CapabilityError::WrongSubject));
		assert_eq!(check(30, [8; 32]), Err(CapabilityError::Unknown));
		assert_ok!(Credentials::suspend(RuntimeOrigin::signed(10), [7; 32]));
		assert_eq!(check(30, [7; 32]), Err(CapabilityError::Suspended));
		assert_ok!(Credentials::unsuspend(RuntimeOrigin::signed(10), [7; 32]));
		advance(2_000);
		assert_eq!(check(30, [7; 32]), Err(CapabilityError::OutsideValidity));
	});
}

// Random call sequences with invariants.
