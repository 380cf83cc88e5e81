//! Verifiable credentials on the command line: `twinchain vc issue` and `twinchain vc verify`.
//!
//! A Twinchain credential is a W3C VC Data Model 1.1 credential in its JWT encoding (claims
//! `iss`, `sub`, `nbf`, `iat`, `exp`, `jti`, `vc`), signed `alg: EdDSA` with an Ed25519 key the
//! issuer's DID document lists under `assertionMethod`; the JWS header's `kid` is that key's
//! absolute DID URL. The chain holds what is needed to trust it: the issuer's key and its
//! validity window (pallet-did), the schema (pallet-credentials), the anchor of the JWT's
//! BLAKE2b-256 digest with the issuer's status-list entries, and the issuer's role
//! (pallet-actors). `verify` checks all of them and names the first thing that fails.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_credentials::jwt::{
	capability_of, check_claims, known_schema, schema_urn, sign_jws, verify_jws,
};
use pallet_did::document::parse_did;
use serde_json::{json, Map, Value};
use sp_core::{crypto::Pair as _, ed25519, sr25519, Bytes, H256};
use twinchain_primitives::text::{hex, unbase64url as unb64, unhex};
use twinchain_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};

fn now_secs() -> u64 {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or_default()
}

type CliResult<T> = Result<T, String>;

async fn connect(url: &str) -> CliResult<WsClient> {
	WsClientBuilder::default()
		.connection_timeout(Duration::from_secs(10))
		.request_timeout(Duration::from_secs(60))
		.build(url)
		.await
		.map_err(|e| format!("cannot connect to {url}: {e}"))
}

/// Calls runtime API `method` with SCALE-encoded `args` at the best block.
async fn state_call<R: Decode>(client: &WsClient, method: &str, args: impl Encode) -> CliResult<R> {
	let result: Bytes = client
		.request("state_call", rpc_params![method, Bytes(args.encode())])
		.await
		.map_err(|e| format!("{method}: {e}"))?;
	R::decode(&mut &result.0[..]).map_err(|e| format!("{method}: cannot decode the answer: {e}"))
}

/// Signs `call` as `signer` and submits it; returns the block it is in, or the reason it failed.
async fn submit(client: &WsClient, signer: &sr25519::Pair, call: RuntimeCall) -> CliResult<H256> {
	use sp_runtime::{traits::IdentifyAccount, MultiSigner};
	let account: AccountId = MultiSigner::from(signer.public()).into_account();
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![&account])
		.await
		.map_err(|e| format!("system_accountNextIndex: {e}"))?;
	let genesis: H256 = client
		.request("chain_getBlockHash", rpc_params![0])
		.await
		.map_err(|e| format!("chain_getBlockHash: {e}"))?;
	let version: Value = client
		.request("state_getRuntimeVersion", rpc_params![])
		.await
		.map_err(|e| format!("state_getRuntimeVersion: {e}"))?;
	let spec_version = version["specVersion"].as_u64().ok_or("no specVersion")? as u32;
	let tx_version = version["transactionVersion"].as_u64().ok_or("no transactionVersion")? as u32;
	let xt =
		twinchain_runtime::sign_immortal(signer, nonce, call, genesis, spec_version, tx_version);
	let encoded = xt.encode();
	let mut sub = client
		.subscribe::<Value, _>(
			"author_submitAndWatchExtrinsic",
			rpc_params![Bytes(encoded.clone())],
			"author_unwatchExtrinsic",
		)
		.await
		.map_err(|e| format!("the node refused the transaction: {e}"))?;
	let block: H256 = loop {
		let status = tokio::time::timeout(Duration::from_secs(90), sub.next())
			.await
			.map_err(|_| "the transaction was not included within 90 s".to_string())?
			.ok_or("the node closed the subscription")?
			.map_err(|e| format!("transaction status: {e}"))?;
		if let Some(hash) = status.get("inBlock").or_else(|| status.get("finalized")) {
			break serde_json::from_value(hash.clone()).map_err(|e| e.to_string())?;
		}
		if let Some(kind) = ["invalid", "dropped", "usurped"].iter().find(|k| status == **k) {
			return Err(format!("the transaction was {kind}"));
		}
	};
	// Find our extrinsic in the block and its outcome in the block's events.
	let body: Value = client
		.request("chain_getBlock", rpc_params![block])
		.await
		.map_err(|e| format!("chain_getBlock: {e}"))?;
	let ours = format!("0x{}", hex(&encoded));
	let index = body["block"]["extrinsics"]
		.as_array()
		.and_then(|xts| xts.iter().position(|x| x.as_str() == Some(ours.as_str())))
		.ok_or("the transaction is not in the block the node reported")? as u32;
	let key =
		Bytes([sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat());
	let events: Option<Bytes> = client
		.request("state_getStorage", rpc_params![key, block])
		.await
		.map_err(|e| format!("state_getStorage: {e}"))?;
	let events = Vec::<frame_system::EventRecord<RuntimeEvent, H256>>::decode(
		&mut &events.map(|b| b.0).unwrap_or_default()[..],
	)
	.map_err(|e| format!("cannot decode the block's events: {e}"))?;
	for record in events {
		if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
			continue;
		}
		if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
			dispatch_error, ..
		}) = record.event
		{
			let reason = twinchain_runtime::RuntimeError::from_dispatch_error(dispatch_error)
				.map(|e| format!("{e:?}"))
				.unwrap_or_else(|| format!("{dispatch_error:?}"));
			return Err(format!("the chain rejected the transaction: {reason}"));
		}
	}
	Ok(block)
}

/// `twinchain vc issue`: prints the JWT, or one error line and exits non-zero.
pub fn issue_cmd(cmd: &crate::cli::VcIssueCmd) -> sc_cli::Result<()> {
	if let Err(e) = issue(cmd) {
		eprintln!("error: {e}");
		std::process::exit(1);
	}
	Ok(())
}

fn issue(cmd: &crate::cli::VcIssueCmd) -> CliResult<()> {
	let key = ed25519::Pair::from_string(&cmd.issuer_key, None)
		.map_err(|e| format!("--issuer-key: not an Ed25519 secret URI or seed: {e:?}"))?;
	let (issuer, _fragment) = cmd
		.kid
		.split_once('#')
		.ok_or("--kid must be a DID URL with a fragment, e.g. did:twin:…#signing")?;
	let issuer_account =
		parse_did::<Runtime>(issuer).ok_or("--kid: the DID is not a did:twin DID")?;
	let text = std::fs::read_to_string(&cmd.claims)
		.map_err(|e| format!("--claims {}: {e}", cmd.claims.display()))?;
	let subject: Value = serde_json::from_str(&text)
		.map_err(|e| format!("--claims {}: {e}", cmd.claims.display()))?;
	let sub = subject["id"].as_str().ok_or("claims: `id` (the subject's DID) is required")?;
	let subject_account = parse_did::<Runtime>(sub).ok_or("claims: `id` is not a did:twin DID")?;
	let schema = match &cmd.schema {
		Some(hex_id) => unhex(hex_id)
			.and_then(|b| <[u8; 32]>::try_from(b).ok())
			.ok_or("--schema: expected a 32-byte hex schema id")?,
		None => known_schema(&cmd.r#type).ok_or(
			"--type: MachineCapability or QualityCertificate, or give --schema <id> for another type",
		)?,
	};
	let now = now_secs();
	let nbf = cmd.valid_from.unwrap_or(now);
	if cmd.valid_until.is_some_and(|exp| exp <= nbf) {
		return Err("--valid-until must lie after the start of validity".into());
	}
	let jti = format!("urn:uuid:{}", uuid_v4());
	let mut payload = Map::new();
	payload.insert("iss".into(), json!(issuer));
	payload.insert("sub".into(), json!(sub));
	payload.insert("nbf".into(), json!(nbf));
	payload.insert("iat".into(), json!(now));
	if let Some(exp) = cmd.valid_until {
		payload.insert("exp".into(), json!(exp));
	}
	payload.insert("jti".into(), json!(jti));
	payload.insert(
		"vc".into(),
		json!({
			"@context": ["https://www.w3.org/2018/credentials/v1"],
			"type": ["VerifiableCredential", cmd.r#type],
			"credentialSubject": subject,
			"credentialSchema": { "id": schema_urn(&schema), "type": "JsonSchema" },
		}),
	);
	let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": cmd.kid });
	let jwt = sign_jws(&header, Value::Object(payload).to_string().as_bytes(), &key);
	let digest = sp_io::hashing::blake2_256(jwt.as_bytes());

	if cmd.anchor {
		let signer = sr25519::Pair::from_string(
			cmd.signer
				.as_deref()
				.ok_or("--anchor needs --signer (the issuer account's key)")?,
			None,
		)
		.map_err(|e| format!("--signer: {e:?}"))?;
		let capability =
			if cmd.r#type == "MachineCapability" { Some(capability_of(&subject)?) } else { None };
		let call = RuntimeCall::Credentials(pallet_credentials::Call::anchor {
			digest,
			subject: subject_account,
			schema,
			valid_from: Some(nbf * 1000),
			valid_until: cmd.valid_until.map(|s| s * 1000),
			capability,
		});
		if sp_runtime::MultiSigner::from(signer.public()).into_account_id() != issuer_account {
			return Err("--signer is not the issuer's account (the DID in --kid)".into());
		}
		let runtime = tokio::runtime::Builder::new_current_thread()
			.enable_all()
			.build()
			.map_err(|e| e.to_string())?;
		let block = runtime.block_on(async {
			let client = connect(&cmd.url).await?;
			submit(&client, &signer, call).await
		})?;
		eprintln!("anchored: digest 0x{} in block {block:?}", hex(&digest));
	}
	println!("{jwt}");
	Ok(())
}

trait IntoAccountId {
	fn into_account_id(self) -> AccountId;
}
impl IntoAccountId for sp_runtime::MultiSigner {
	fn into_account_id(self) -> AccountId {
		sp_runtime::traits::IdentifyAccount::into_account(self)
	}
}

fn uuid_v4() -> String {
	let mut b = [0u8; 16];
	getrandom_fill(&mut b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	let h = hex(&b);
	format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn getrandom_fill(buf: &mut [u8]) {
	// A fresh Ed25519 key's public half is 32 random-looking bytes from the OS RNG.
	let (pair, _) = ed25519::Pair::generate();
	let public = pair.public();
	buf.copy_from_slice(&public.0[..buf.len()]);
}

/// The outcome of a verification: the facts on success, or the one reason it failed.
pub async fn verify(client: &WsClient, jwt: &str) -> Result<Value, String> {
	use pallet_did::{AttributeValue, KeyPurposes, KeyType, Validity};
	let parts: Vec<&str> = jwt.trim().split('.').collect();
	let [header_b64, payload_b64, _sig] = parts[..] else {
		return Err("malformed JWT: expected three base64url parts".into());
	};
	let decode = |part: &str, what: &str| -> Result<Value, String> {
		let bytes = unb64(part).ok_or(format!("malformed JWT: the {what} is not base64url"))?;
		serde_json::from_slice(&bytes).map_err(|_| format!("malformed JWT: the {what} is not JSON"))
	};
	let header = decode(header_b64, "header")?;
	let payload = decode(payload_b64, "payload")?;
	let alg = header["alg"].as_str().unwrap_or_default();
	if alg != "EdDSA" && alg != "Ed25519" {
		return Err(format!("unsupported alg {alg:?}: Twinchain credentials use EdDSA (Ed25519)"));
	}
	let iss = payload["iss"].as_str().ok_or("malformed JWT: no `iss`")?;
	let sub = payload["sub"].as_str().ok_or("malformed JWT: no `sub`")?;
	let kid = header["kid"].as_str().ok_or("malformed JWT: no `kid` in the header")?;
	let (kid_did, fragment) =
		kid.split_once('#').ok_or("`kid` is not a DID URL with a fragment")?;
	if kid_did != iss {
		return Err(format!("`kid` {kid} is not a key of the issuer {iss}"));
	}
	let issuer =
		parse_did::<Runtime>(iss).ok_or(format!("the issuer {iss} is not a did:twin DID"))?;
	let subject =
		parse_did::<Runtime>(sub).ok_or(format!("the subject {sub} is not a did:twin DID"))?;

	// The issuer's DID and key, from the chain.
	let resolution: Value = client
		.request("did_resolve", rpc_params![iss])
		.await
		.map_err(|e| format!("did_resolve: {e}"))?;
	if let Some(error) = resolution["didResolutionMetadata"]["error"].as_str() {
		return Err(format!("the issuer's DID does not resolve: {error}"));
	}
	if resolution["didDocumentMetadata"]["deactivated"] == true {
		return Err(format!("the issuer's DID {iss} is deactivated"));
	}
	let attribute: Option<(AttributeValue, Validity)> = state_call(
		client,
		"DidApi_attribute",
		(iss.as_bytes().to_vec(), fragment.as_bytes().to_vec()),
	)
	.await?;
	let (value, validity) = attribute.ok_or(format!("the issuer has no key {kid}"))?;
	let public = match value {
		AttributeValue::PublicKey { key_type: KeyType::Ed25519, purposes, key }
			if purposes.has(KeyPurposes::ASSERTION_METHOD) =>
		{
			key
		},
		_ => return Err(format!("{kid} is not an Ed25519 assertionMethod key")),
	};

	// Signature, then what the chain anchored.
	let digest = sp_io::hashing::blake2_256(jwt.trim().as_bytes());
	let anchor: Option<(Vec<u8>, pallet_credentials::CredentialStatus)> =
		state_call(client, "CredentialsApi_credential", digest).await?;
	if !verify_jws(jwt.trim(), &public) {
		return Err(if anchor.is_some() {
			format!("signature invalid: not made with {kid} (wrong key)")
		} else {
			"signature invalid: the credential was changed after it was signed".into()
		});
	}

	// The key must have been valid when the credential was issued.
	let issued = payload["iat"].as_u64().or(payload["nbf"].as_u64()).ok_or("no `iat` or `nbf`")?;
	// JWT times are whole seconds: a key set during second `s` counts as valid from `s`.
	let issued_ms = issued.saturating_mul(1000);
	if issued < validity.valid_from / 1000 {
		return Err(format!("{kid} was not yet valid when the credential was issued"));
	}
	if let Some(until) = validity.valid_until.filter(|u| issued_ms >= *u) {
		return Err(format!(
			"{kid} was revoked or expired before the credential was issued (valid until {})",
			twinchain_primitives::text::utc_datetime(until)
		));
	}

	// Validity window.
	let now = now_secs();
	if let Some(nbf) = payload["nbf"].as_u64().filter(|nbf| now < *nbf) {
		return Err(format!(
			"not yet valid (valid from {})",
			twinchain_primitives::text::utc_datetime(nbf * 1000)
		));
	}
	if let Some(exp) = payload["exp"].as_u64().filter(|exp| now >= *exp) {
		return Err(format!(
			"expired (valid until {})",
			twinchain_primitives::text::utc_datetime(exp * 1000)
		));
	}

	// Schema.
	let vc = &payload["vc"];
	let urn = vc["credentialSchema"]["id"].as_str().ok_or("the credential names no schema")?;
	let schema_id = urn
		.strip_prefix("urn:twin:schema:")
		.and_then(unhex)
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.ok_or(format!("unknown schema {urn}"))?;
	let schema: Option<(Vec<u8>, Vec<u8>)> =
		state_call(client, "CredentialsApi_schema", schema_id).await?;
	let (schema_name, schema_body) = schema.ok_or(format!("unknown schema {urn}"))?;
	let schema_name = String::from_utf8_lossy(&schema_name).to_string();
	let schema_json: Value = serde_json::from_slice(&schema_body).unwrap_or_default();
	let claims = &vc["credentialSubject"];
	if claims["id"].as_str() != Some(sub) {
		return Err("credentialSubject.id is not the JWT's `sub`".into());
	}
	check_claims(&schema_json, claims)
		.map_err(|e| format!("the claims do not match the schema {schema_name}: {e}"))?;

	// The anchor (which proves the issuer was an active certifier when it anchored), or why
	// there is none.
	let Some((record, status)) = anchor else {
		let actor: Option<pallet_actors::Actor<AccountId, BlockNumber>> =
			state_call(client, "ActorsApi_actor", issuer.clone()).await?;
		use pallet_actors::ActorStatus;
		use twinchain_primitives::Role;
		return Err(match actor {
			Some(a) if a.withdrawn.contains(Role::Certifier) => {
				format!("the issuer's certifier role was withdrawn; {iss} may no longer issue")
			},
			Some(a) if a.roles.contains(Role::Certifier) && a.status == ActorStatus::Suspended => {
				format!("the issuer {iss} is a suspended certifier")
			},
			Some(a) if a.roles.contains(Role::Certifier) => {
				"not anchored: the chain holds no anchor for this credential's digest".into()
			},
			_ => format!("the issuer {iss} is not a certifier"),
		});
	};
	let record =
		pallet_credentials::Credential::<AccountId, u128, BlockNumber>::decode(&mut &record[..])
			.map_err(|e| format!("cannot decode the anchor: {e}"))?;
	if record.issuer != issuer || record.subject != subject || record.schema != schema_id {
		return Err("the anchor does not match the credential (issuer, subject or schema)".into());
	}
	if status.revoked {
		return Err("revoked (by its issuer, or by the consortium's privileged origin)".into());
	}
	if status.suspended {
		return Err("suspended by its issuer".into());
	}
	// As on chain: while its issuer is suspended (e.g. its keys were stolen), a credential
	// does not count.
	let actor: Option<pallet_actors::Actor<AccountId, BlockNumber>> =
		state_call(client, "ActorsApi_actor", issuer.clone()).await?;
	if actor.is_some_and(|a| a.status == pallet_actors::ActorStatus::Suspended) {
		return Err(format!("suspended: its issuer {iss} is suspended"));
	}
	Ok(json!({
		"valid": true,
		"issuer": iss,
		"subject": sub,
		"schema": schema_name,
		"digest": format!("0x{}", hex(&digest)),
		"anchoredAt": record.anchored.block,
		"statusListIndex": record.status_index,
		"credentialSubject": claims,
	}))
}

/// `twinchain vc verify`.
pub fn verify_cmd(cmd: &crate::cli::VcVerifyCmd) -> sc_cli::Result<()> {
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
	let jwt = if cmd.jwt == "-" {
		let mut s = String::new();
		std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
		s
	} else {
		cmd.jwt.clone()
	};
	let outcome = runtime.block_on(async {
		let client = connect(&cmd.url).await?;
		verify(&client, &jwt).await
	});
	match outcome {
		Ok(facts) => {
			println!("{}", serde_json::to_string_pretty(&facts).expect("JSON serializes"));
			Ok(())
		},
		Err(reason) => {
			// One clear line, no debug formatting, and a non-zero exit code.
			eprintln!("invalid credential: {reason}");
			std::process::exit(1)
		},
	}
}
