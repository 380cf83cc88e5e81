//! The chain side of the load generator: the load accounts and their genesis, the node process,
//! the RPC connection and signed extrinsics.

use codec::Encode;
use jsonrpsee::{
	core::{
		client::ClientT,
		params::{ArrayParams, BatchRequestBuilder},
	},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, sr25519, Bytes, Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::IdentifyAccount, MultiSigner};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};
use twinchain_runtime::{AccountId, Balance, RuntimeCall, MILLI_UNIT, UNIT};

pub type Error = String;

/// What each load account holds at genesis.
pub const LOAD_ENDOWMENT: Balance = 10_000 * UNIT;
/// The capability every load machine holds (credentialed by the dev certifier, Charlie).
pub const LOAD_CAPABILITY: &str = "milling";
/// The reward of a load task: the chain's minimum.
pub const LOAD_REWARD: Balance = 10 * MILLI_UNIT;

/// A load account: its key, and the machine it owns (a DID it created) and is the gateway of.
pub struct LoadAccount {
	pub pair: sr25519::Pair,
	pub account: AccountId,
	pub machine: AccountId,
}

/// The `n` load accounts, `//load//0` … (dev phrase). Their machines are set by
/// [`load_chain_spec`].
pub fn load_accounts(n: usize) -> Vec<LoadAccount> {
	(0..n)
		.map(|i| {
			let pair = sr25519::Pair::from_string(&format!("//load//{i}"), None)
				.expect("a dev derivation path is valid");
			let account: AccountId = MultiSigner::from(pair.public()).into_account();
			LoadAccount { pair, account: account.clone(), machine: account }
		})
		.collect()
}

fn bounded<const N: u32>(
	s: &str,
) -> frame_support::BoundedVec<u8, frame_support::traits::ConstU32<N>> {
	s.as_bytes().to_vec().try_into().expect("load names are short")
}

/// The calls that make `a` a machine owner: its DID, itself as the DID's gateway, its machine
/// registered, and the machine's credentialed capability (anchored by Charlie).
fn setup_calls(i: usize, a: &LoadAccount) -> Vec<(AccountId, RuntimeCall)> {
	let charlie = Sr25519Keyring::Charlie.to_account_id();
	let digest = sp_io::hashing::blake2_256(&(b"twinchain/load/vc", i as u64).encode());
	let schema =
		sp_io::hashing::blake2_256(pallet_credentials::schemas::MACHINE_CAPABILITY.as_bytes());
	vec![
		(a.account.clone(), RuntimeCall::Did(pallet_did::Call::create_did {})),
		(
			a.account.clone(),
			RuntimeCall::Did(pallet_did::Call::add_delegate {
				did: a.machine.clone(),
				delegate_type: twinchain_primitives::DelegateType::Authentication,
				delegate: a.account.clone(),
				valid_from: None,
				valid_until: None,
			}),
		),
		(
			a.account.clone(),
			RuntimeCall::Machines(pallet_machines::Call::register_machine {
				machine: a.machine.clone(),
				nameplate: pallet_machines::Nameplate {
					manufacturer_name: bounded("Twinchain load"),
					model: bounded("Load machine"),
					serial_number: bounded(&format!("load-{i}")),
					year_of_construction: 2026,
				},
			}),
		),
		(
			charlie,
			RuntimeCall::Credentials(pallet_credentials::Call::anchor {
				digest,
				subject: a.machine.clone(),
				schema,
				valid_from: None,
				valid_until: None,
				capability: Some(twinchain_primitives::Capability {
					id: bounded(LOAD_CAPABILITY),
					params: Default::default(),
				}),
			}),
		),
		(
			a.account.clone(),
			RuntimeCall::Machines(pallet_machines::Call::add_capability {
				machine: a.machine.clone(),
				capability: bounded(LOAD_CAPABILITY),
				credential: digest,
			}),
		),
	]
}

/// The dev chain spec of `node` with the load accounts added to its genesis: funded,
/// registered manufacturers, each owning a credentialed machine (set up by genesis calls, so
/// through the same checks as on a live chain).
pub fn load_chain_spec(node: &Path, accounts: &mut [LoadAccount]) -> Result<Value, Error> {
	let out = Command::new(node)
		.args(["build-spec", "--chain", "dev"])
		.stderr(Stdio::null())
		.output()
		.map_err(|e| format!("{}: {e}", node.display()))?;
	if !out.status.success() {
		return Err(format!("{} build-spec failed", node.display()));
	}
	let mut spec: Value =
		serde_json::from_slice(&out.stdout).map_err(|e| format!("build-spec output: {e}"))?;
	spec["name"] = json!("Twinchain load test");
	spec["id"] = json!("twinchain_load");
	let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
	// DIDs derive from their creator and a chain-wide count: the dev factory's come first.
	let create_did =
		serde_json::to_value(RuntimeCall::Did(pallet_did::Call::create_did {}).encode())
			.expect("bytes serialize");
	let earlier = patch["gateway"]["calls"]
		.as_array()
		.ok_or("the dev preset's genesis changed shape")?
		.iter()
		.filter(|c| c[1] == create_did)
		.count() as u64;
	for (i, a) in accounts.iter_mut().enumerate() {
		a.machine =
			pallet_did::derived_did(&a.account, earlier + i as u64).expect("32 bytes decode");
	}
	let push = |v: &mut Value, items: Vec<Value>| -> Result<(), Error> {
		v.as_array_mut().ok_or("the dev preset's genesis changed shape")?.extend(items);
		Ok(())
	};
	push(
		&mut patch["balances"]["balances"],
		accounts
			.iter()
			.map(|a| json!([a.account.to_ss58check(), LOAD_ENDOWMENT]))
			.collect(),
	)?;
	push(
		&mut patch["actors"]["actors"],
		accounts
			.iter()
			.enumerate()
			.map(|(i, a)| {
				json!([a.account.to_ss58check(), "manufacturer", format!("load-{i}").into_bytes()])
			})
			.collect(),
	)?;
	push(
		&mut patch["gateway"]["calls"],
		accounts
			.iter()
			.enumerate()
			.flat_map(|(i, a)| setup_calls(i, a))
			.map(|(who, call)| json!([who.to_ss58check(), call.encode()]))
			.collect(),
	)?;
	Ok(spec)
}

/// A node process on loopback, killed when dropped.
pub struct Node {
	child: Child,
	pub ws: String,
	_dir: TempDir,
}

/// A directory, removed when dropped unless kept.
pub struct TempDir(pub PathBuf, bool);
impl Drop for TempDir {
	fn drop(&mut self) {
		if !self.1 {
			#[allow(
				clippy::let_underscore_must_use,
				reason = "best-effort clean-up: a directory left behind is harmless"
			)]
			let _ = std::fs::remove_dir_all(&self.0);
		}
	}
}

impl Node {
	/// Starts `bin` as the single validator (Alice) of `spec` with its RPC on `rpc_port`, a
	/// transaction pool large enough to hold the offered load, and its log in `log`. Its
	/// directory (chain spec and database) is `keep` if given, and kept; otherwise temporary.
	/// `extra` are further options.
	pub fn start(
		bin: &Path,
		spec: &Value,
		rpc_port: u16,
		log: &Path,
		keep: Option<PathBuf>,
		extra: &[&str],
	) -> Result<Node, Error> {
		let kept = keep.is_some();
		let dir = keep.unwrap_or_else(|| {
			std::env::temp_dir().join(format!("twinchain-load-{}-{rpc_port}", std::process::id()))
		});
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a fresh directory: it may not exist yet"
		)]
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
		let dir = TempDir(dir, kept);
		let spec_path = dir.0.join("spec.json");
		std::fs::write(&spec_path, serde_json::to_vec(spec).map_err(|e| e.to_string())?)
			.map_err(|e| e.to_string())?;
		let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
		let child = Command::new(bin)
			.arg("--chain")
			.arg(&spec_path)
			.arg("--base-path")
			.arg(dir.0.join("db"))
			.args(["--alice", "--validator", "--force-authoring", "--no-mdns"])
			.args((!extra.contains(&"--prometheus-port")).then_some("--no-prometheus"))
			.args(["--no-telemetry", "--listen-addr", "/ip4/127.0.0.1/tcp/0"])
			// A throwaway network key: the node has no peers.
			.args(["--node-key", &format!("{:064x}", 1)])
			.args(["--rpc-port", &rpc_port.to_string(), "--rpc-max-connections", "1000"])
			.args(["--pool-limit", "200000", "--pool-kbytes", "1000000"])
			.args(extra)
			.stdout(Stdio::null())
			.stderr(log_file)
			.spawn()
			.map_err(|e| format!("{}: {e}", bin.display()))?;
		Ok(Node { child, ws: format!("ws://127.0.0.1:{rpc_port}"), _dir: dir })
	}

	/// The node's database directory.
	pub fn db(&self) -> PathBuf {
		self._dir.0.join("db")
	}

	/// The process id.
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	/// Connects to the node, waiting up to `timeout` for its RPC server and its first block.
	pub async fn connect(&mut self, timeout: Duration) -> Result<WsClient, Error> {
		let until = Instant::now() + timeout;
		loop {
			if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
				return Err(format!("the node exited ({status}); see its log"));
			}
			if let Ok(client) = connect(&self.ws).await {
				let header: Result<Value, _> =
					client.request("chain_getHeader", rpc_params![]).await;
				if let Ok(h) = header {
					if h["number"].as_str().is_some_and(|n| n != "0x0") {
						return Ok(client);
					}
				}
			}
			if Instant::now() > until {
				return Err(format!("no block from the node within {timeout:?}"));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

impl Drop for Node {
	#[allow(clippy::let_underscore_must_use, reason = "the node may have exited already")]
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A WebSocket client sized for bulk submission.
pub async fn connect(url: &str) -> Result<WsClient, Error> {
	WsClientBuilder::default()
		.max_concurrent_requests(100_000)
		.max_buffer_capacity_per_subscription(100_000)
		.max_request_size(256 * 1024 * 1024)
		.max_response_size(256 * 1024 * 1024)
		.request_timeout(Duration::from_secs(300))
		.build(url)
		.await
		.map_err(|e| format!("{url}: {e}"))
}

/// What a signature commits to besides the call.
#[derive(Clone, Copy)]
pub struct ChainInfo {
	pub genesis: H256,
	pub spec_version: u32,
	pub tx_version: u32,
}

impl ChainInfo {
	pub async fn fetch(client: &WsClient) -> Result<ChainInfo, Error> {
		let genesis: H256 = client
			.request("chain_getBlockHash", rpc_params![0])
			.await
			.map_err(|e| format!("chain_getBlockHash: {e}"))?;
		let version: Value = client
			.request("state_getRuntimeVersion", rpc_params![])
			.await
			.map_err(|e| format!("state_getRuntimeVersion: {e}"))?;
		Ok(ChainInfo {
			genesis,
			spec_version: version["specVersion"].as_u64().ok_or("no specVersion")? as u32,
			tx_version: version["transactionVersion"].as_u64().ok_or("no transactionVersion")?
				as u32,
		})
	}

	/// `call` signed by `pair` with `nonce`, immortal, without tip: the encoded extrinsic.
	pub fn sign(&self, pair: &sr25519::Pair, nonce: u32, call: RuntimeCall) -> Bytes {
		let xt = twinchain_runtime::sign_immortal(
			pair,
			nonce,
			call,
			self.genesis,
			self.spec_version,
			self.tx_version,
		);
		Bytes(xt.encode())
	}
}

/// Calls `method` once for each of `calls` (its parameters), `chunk` calls to a JSON-RPC batch
/// request: each call's answer or error, in order. A batch that fails as a whole is an error.
pub async fn batch<R>(
	client: &WsClient,
	method: &str,
	calls: impl IntoIterator<Item = ArrayParams>,
	chunk: usize,
) -> Result<Vec<Result<R, Error>>, Error>
where
	R: jsonrpsee::core::DeserializeOwned + std::fmt::Debug,
{
	let mut out = Vec::new();
	let mut calls = calls.into_iter().peekable();
	while calls.peek().is_some() {
		let mut batch = BatchRequestBuilder::new();
		for params in calls.by_ref().take(chunk) {
			batch.insert(method, params).map_err(|e| format!("{method}: {e}"))?;
		}
		let answers =
			client.batch_request::<R>(batch).await.map_err(|e| format!("{method}: {e}"))?;
		out.extend(answers.into_iter().map(|a| a.map_err(|e| format!("{method}: {e}"))));
	}
	Ok(out)
}

/// The next nonce of each account, as the node's pool sees it.
pub async fn nonces(client: &WsClient, accounts: &[LoadAccount]) -> Result<Vec<u32>, Error> {
	let calls = accounts.iter().map(|a| rpc_params![a.account.to_ss58check()]);
	batch(client, "system_accountNextIndex", calls, 500)
		.await?
		.into_iter()
		.collect()
}

/// How many transactions wait in the node's pool.
pub async fn pool_len(client: &WsClient) -> Result<usize, Error> {
	let xts: Vec<Value> = client
		.request("author_pendingExtrinsics", rpc_params![])
		.await
		.map_err(|e| format!("author_pendingExtrinsics: {e}"))?;
	Ok(xts.len())
}
