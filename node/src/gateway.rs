//! The factory bridge in the node: starts the MQTT side (`mqtt-offchain-worker`) with the
//! embedded broker on development nodes, keeps its state in the offchain database (where the
//! runtime's gateway offchain worker reads the calls to sign), turns its actions into calls,
//! signs and submits each at once (the offchain worker retries and takes over what it could not
//! submit), and follows finalized blocks: task assignments become machine commands, and gateway
//! calls seen on chain leave the queue.

use codec::{Decode, Encode};
use futures::StreamExt;
use mqtt_offchain_worker::{
	bridge::{Action, Assignment, Bridge, PendingStep},
	config::Factory,
	metrics::Metrics,
	mqtt::{now_ms, ClientOptions},
	outbox::GatewayQueue,
	store::{Store, StoreExt},
};
use sc_client_api::{BlockBackend, BlockchainEvents, StorageProvider};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::Ss58Codec, offchain::OffchainStorage, storage::StorageKey};
use sp_keystore::KeystorePtr;
use std::{path::PathBuf, sync::Arc};
use twinchain_runtime::{
	dev_factory, opaque::Block, AccountId, Hash, RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};

/// The largest MQTT packet the bridge's client and the embedded broker take: well above
/// `max_payload_bytes`, so that oversize messages reach the bridge to be counted and dropped
/// instead of ending the connection.
const MAX_PACKET: usize = 4 << 20;
/// How many queued gateway calls the node keeps at most.
const GATEWAY_QUEUE_CAPACITY: usize = 4_096;
/// The last finalized block whose events the bridge handled.
const LAST_BLOCK: &[u8] = b"twinchain/mqtt/last-finalized";

/// The bridge's command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct BridgeParams {
	/// The factory's MQTT broker, `mqtt://host:port` or `mqtts://host:port`. Without it a
	/// `--dev` node runs an embedded broker on `--mqtt-listen`.
	#[arg(long, value_name = "URL")]
	pub mqtt_broker: Option<String>,

	/// The embedded broker's address (development nodes without `--mqtt-broker`).
	#[arg(long, value_name = "ADDR", default_value = "127.0.0.1:1883")]
	pub mqtt_listen: std::net::SocketAddr,

	/// The MQTT client id of this node.
	#[arg(long, default_value = "twinchain-gateway")]
	pub mqtt_client_id: String,

	/// The MQTT user name.
	#[arg(long, requires = "mqtt_password")]
	pub mqtt_username: Option<String>,

	/// The MQTT password.
	#[arg(long, requires = "mqtt_username")]
	pub mqtt_password: Option<String>,

	/// TLS (`mqtts://`): the CA certificate (PEM) of the broker's certificate.
	#[arg(long, value_name = "FILE")]
	pub mqtt_ca_file: Option<PathBuf>,

	/// TLS: this node's client certificate (PEM), for brokers that require one.
	#[arg(long, value_name = "FILE", requires = "mqtt_client_key")]
	pub mqtt_client_cert: Option<PathBuf>,

	/// TLS: the client certificate's key (PEM).
	#[arg(long, value_name = "FILE", requires = "mqtt_client_cert")]
	pub mqtt_client_key: Option<PathBuf>,

	/// The factory configuration (TOML): topics → machine DIDs, payload profiles, commands,
	/// acknowledgements, orders. A `--dev` node without it serves the demo factory of the dev
	/// chain (the fischertechnik Training Factory 4.0 topics).
	#[arg(long, value_name = "FILE")]
	pub factory_config: Option<PathBuf>,

	/// Run no factory bridge (not even on a `--dev` node).
	#[arg(long, conflicts_with_all = ["mqtt_broker", "factory_config"])]
	pub no_mqtt: bool,

	/// When a task assigned to one of the factory's machines becomes its MQTT command:
	/// `finalized` (the safe default: only assignments that can no longer be reverted) or
	/// `best` (as soon as the assignment is in the best block, about one finality lag sooner;
	/// a best block that is later retracted leaves a command for an assignment that never
	/// happened, which the machine's acknowledgements then cannot start or complete).
	#[arg(long, value_enum, default_value_t = CommandsOn::Finalized)]
	pub commands_on: CommandsOn,
}

/// Which blocks' task assignments the bridge turns into machine commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CommandsOn {
	/// Finalized blocks only.
	Finalized,
	/// Each new best block (and finalized blocks, for any assignment a best block missed).
	Best,
}

/// The offchain database's PERSISTENT storage, which the runtime's offchain workers share.
#[derive(Clone)]
pub struct OffchainStore<S>(pub S);

impl<S: OffchainStorage + 'static> Store for OffchainStore<S> {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.get(sp_offchain::STORAGE_PREFIX, key)
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		self.0.clone().set(sp_offchain::STORAGE_PREFIX, key, value)
	}
	fn remove(&self, key: &[u8]) {
		self.0.clone().remove(sp_offchain::STORAGE_PREFIX, key)
	}
}

/// The demo factory's configuration: the Training Factory 4.0 topics, mapped to the dev
/// chain's genesis machines ([`dev_factory`]), the gateway `//Gateway`.
pub fn dev_factory_config() -> String {
	let account = |station: &str| {
		dev_factory::machine(station)
			.expect("the dev factory's stations derive")
			.to_ss58check()
	};
	let acks = |station: &str| {
		format!(
			"ack = {{ topic = \"fl/{station}/ack\", field = \"code\", started = \"1\", done = \"2\", task_field = \"task\" }}"
		)
	};
	let cmd = |capability: &str, topic: &str, code: &str, extra: &str| {
		format!(
			"{{ capability = \"{capability}\", topic = \"{topic}\", payload = '{{\"ts\":\"{{ts}}\",{code}\"task\":{{task}},\"step\":\"{capability}\",\"params\":{{params}},\"workpiece\":{{\"id\":\"{{tag}}\",\"type\":\"{{colour}}\",\"state\":\"RAW\"}}{extra}}}' }}"
		)
	};
	format!(
		r#"gateway = "{gateway}"
window_ms = 10000
close_delay_ms = 2000
environment = "env"

[orders]
topic = "f/o/order"
recipes = {{ WHITE = 0, RED = 1, BLUE = 2 }}
reward_per_step = {reward}
step_blocks = 60
stock_topic = "f/i/stock"
state_topic = "f/i/order"
nfc_topic = "f/i/nfc/ds"

[[machines]]
name = "env"
account = "{env}"
telemetry = [{{ topic = "i/bme680", profile = "bme680" }}, {{ topic = "i/ldr", profile = "ldr" }}]

[[machines]]
name = "hbw"
account = "{hbw}"
state_topic = "f/i/state/hbw"
commands = [{hbw_cmd}]
{hbw_ack}

[[machines]]
name = "vgr"
account = "{vgr}"
state_topic = "f/i/state/vgr"
commands = [{vgr_cmd}]
{vgr_ack}

[[machines]]
name = "mpo"
account = "{mpo}"
state_topic = "f/i/state/mpo"
telemetry = [{{ topic = "sim/mpo/kiln", profile = "json", ts = "ts", fields = {{ kiln_t = "temperature" }} }}]
commands = [{oven}, {milling}]
{mpo_ack}

[[machines]]
name = "sld"
account = "{sld}"
state_topic = "f/i/state/sld"
commands = [{sld_cmd}]
{sld_ack}
"#,
		gateway = dev_factory::gateway().to_ss58check(),
		reward = dev_factory::STEP_REWARD,
		env = account("env"),
		hbw = account("hbw"),
		vgr = account("vgr"),
		mpo = account("mpo"),
		sld = account("sld"),
		hbw_cmd = cmd("outsourcing", "fl/vgr/do", "\"code\":3,", ""),
		vgr_cmd = cmd("shipping", "twin/c/vgr", "", ""),
		oven = cmd("oven", "fl/vgr/do", "\"code\":7,", ""),
		milling = cmd("milling", "fl/vgr/do", "\"code\":7,", ""),
		sld_cmd = cmd("sorting", "fl/vgr/do", "\"code\":8,", ""),
		hbw_ack = acks("hbw"),
		vgr_ack = acks("vgr"),
		mpo_ack = acks("mpo"),
		sld_ack = acks("sld"),
	)
}

fn key(s: &str) -> frame_support::BoundedVec<u8, frame_support::traits::ConstU32<64>> {
	s.as_bytes().to_vec().try_into().unwrap_or_default()
}

/// The call that carries out `action` as the gateway.
pub fn call_of(action: Action) -> Option<RuntimeCall> {
	Some(match action {
		Action::Anchor { machine, window } => {
			RuntimeCall::Telemetry(pallet_telemetry::Call::anchor_window { machine, window })
		},
		Action::Start { task } => RuntimeCall::Tasks(pallet_tasks::Call::start_task { task }),
		Action::Complete { task, evidence } => {
			RuntimeCall::Tasks(pallet_tasks::Call::complete_task {
				task,
				result: Default::default(),
				evidence,
			})
		},
		Action::AttachEnvironment { product, index, sensor, start } => {
			RuntimeCall::Provenance(pallet_provenance::Call::attach_environment {
				product,
				index,
				sensor,
				start,
			})
		},
		Action::Order { recipe, colour, tag, reward_per_step, step_blocks } => {
			let colour = match colour.as_str() {
				"WHITE" => pallet_provenance::Colour::White,
				"RED" => pallet_provenance::Colour::Red,
				"BLUE" => pallet_provenance::Colour::Blue,
				_ => return None,
			};
			RuntimeCall::Tasks(pallet_tasks::Call::place_order {
				recipe,
				product_type: pallet_provenance::ProductType {
					kind: key("workpiece").into_inner().try_into().ok()?,
					colour: Some(colour),
					tag: tag.and_then(|t| t.into_bytes().try_into().ok()),
				},
				lots: Default::default(),
				reward_per_step,
				step_blocks,
			})
		},
	})
}

fn events_key() -> StorageKey {
	StorageKey(
		[sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")].concat(),
	)
}

type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

/// The runtime APIs the bridge calls.
pub trait BridgeApi:
	sp_api::Core<Block>
	+ pallet_provenance::runtime_api::ProvenanceApi<
		Block,
		AccountId,
		twinchain_runtime::Balance,
		twinchain_runtime::BlockNumber,
	> + pallet_telemetry::TelemetryApi<
		Block,
		AccountId,
		twinchain_runtime::Balance,
		twinchain_runtime::BlockNumber,
	>
{
}
impl<A> BridgeApi for A where
	A: sp_api::Core<Block>
		+ pallet_provenance::runtime_api::ProvenanceApi<
			Block,
			AccountId,
			twinchain_runtime::Balance,
			twinchain_runtime::BlockNumber,
		> + pallet_telemetry::TelemetryApi<
			Block,
			AccountId,
			twinchain_runtime::Balance,
			twinchain_runtime::BlockNumber,
		>
{
}

/// What the bridge needs of the client: blocks, their events and bodies, finality, and the
/// runtime APIs of [`BridgeApi`].
pub trait ChainClient:
	ProvideRuntimeApi<Block, Api: BridgeApi>
	+ HeaderBackend<Block>
	+ BlockBackend<Block>
	+ BlockchainEvents<Block>
	+ StorageProvider<Block, sc_service::TFullBackend<Block>>
	+ Send
	+ Sync
	+ 'static
{
}
impl<C> ChainClient for C where
	C: ProvideRuntimeApi<Block, Api: BridgeApi>
		+ HeaderBackend<Block>
		+ BlockBackend<Block>
		+ BlockchainEvents<Block>
		+ StorageProvider<Block, sc_service::TFullBackend<Block>>
		+ Send
		+ Sync
		+ 'static
{
}

/// Starts the bridge if this node should run one. Errors in its set-up are the operator's
/// to fix and stop the node; a busy embedded-broker port only disables the bridge.
#[allow(clippy::too_many_arguments)]
pub fn start<C, P, S>(
	params: &BridgeParams,
	dev: bool,
	client: Arc<C>,
	pool: Arc<P>,
	offchain: Option<S>,
	keystore: KeystorePtr,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
	spawn: &sc_service::SpawnTaskHandle,
) -> Result<Option<Arc<Bridge<OffchainStore<S>>>>, String>
where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	if params.no_mqtt || (!dev && params.mqtt_broker.is_none() && params.factory_config.is_none()) {
		return Ok(None);
	}
	let offchain = offchain.ok_or("the factory bridge needs the offchain database")?;
	let text = match &params.factory_config {
		Some(path) => std::fs::read_to_string(path)
			.map_err(|e| format!("--factory-config {}: {e}", path.display()))?,
		None if dev => dev_factory_config(),
		None => return Err("--mqtt-broker needs --factory-config".into()),
	};
	let factory = Factory::from_toml(&text).map_err(|e| format!("factory configuration: {e}"))?;
	if dev {
		keystore
			.sr25519_generate_new(pallet_gateway::KEY_TYPE, Some(dev_factory::GATEWAY_SEED))
			.map_err(|e| format!("cannot put the dev gateway key in the keystore: {e:?}"))?;
	}
	let gateway: [u8; 32] = factory.gateway.clone().into();
	if !keystore.has_keys(&[(gateway.to_vec(), pallet_gateway::KEY_TYPE)]) {
		log::warn!(
			target: "mqtt",
			"the gateway key {} is not in the keystore (key type `gate`): insert it with `twinchain key insert --key-type gate` or author_insertKey, or nothing will be signed",
			factory.gateway.to_ss58check()
		);
	}
	let url = match &params.mqtt_broker {
		Some(url) => url.clone(),
		None => {
			if let Err(e) = mqtt_offchain_worker::broker::start(params.mqtt_listen, MAX_PACKET) {
				log::error!(target: "mqtt", "embedded MQTT broker: {e}; the factory bridge is off");
				return Ok(None);
			}
			format!("mqtt://{}", params.mqtt_listen)
		},
	};
	let read = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>, String> {
		p.as_ref()
			.map(|p| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())))
			.transpose()
	};
	let options = ClientOptions {
		url: url.clone(),
		client_id: params.mqtt_client_id.clone(),
		credentials: params.mqtt_username.clone().zip(params.mqtt_password.clone()),
		ca_pem: read(&params.mqtt_ca_file)?,
		client_auth: read(&params.mqtt_client_cert)?.zip(read(&params.mqtt_client_key)?),
		max_packet: MAX_PACKET.max(factory.config.max_payload_bytes + 1024),
	};
	let metrics = registry.map(Metrics::register).transpose().map_err(|e| e.to_string())?;
	let store = OffchainStore(offchain);
	let bridge = Arc::new(Bridge::new(factory, store.clone(), metrics.clone())?);
	let queue = Arc::new(GatewayQueue::new(store.clone(), GATEWAY_QUEUE_CAPACITY));

	let (submit, to_submit) = futures::channel::mpsc::unbounded::<(u64, RuntimeCall)>();
	let sink: Arc<dyn Fn(Vec<Action>) + Send + Sync> = {
		let (queue, metrics) = (queue.clone(), metrics.clone());
		Arc::new(move |actions: Vec<Action>| {
			for action in actions {
				let what = format!("{action:?}");
				let Some(call) = call_of(action) else { continue };
				match queue.push(gateway, call.encode()) {
					Ok(id) => {
						log::debug!(target: "mqtt", "gateway call {id} queued: {what}");
						if let Some(m) = &metrics {
							m.gateway_queued.inc();
						}
						let _ = submit.unbounded_send((id, call));
					},
					Err(_) => {
						log::warn!(target: "mqtt", "gateway queue full ({GATEWAY_QUEUE_CAPACITY}): {what} dropped");
						if let Some(m) = &metrics {
							m.gateway_full.inc();
						}
					},
				}
			}
		})
	};
	let sink_for_chain = sink.clone();
	log::info!(
		target: "mqtt",
		"factory bridge: {} machine(s) on {url}, gateway {}",
		bridge.factory().accounts.len(),
		bridge.factory().gateway.to_ss58check()
	);
	spawn.spawn("mqtt-bridge", Some("factory-bridge"), {
		let (bridge, metrics) = (bridge.clone(), metrics.clone());
		async move {
			if let Err(e) = mqtt_offchain_worker::mqtt::run(options, bridge, sink, metrics).await {
				log::error!(target: "mqtt", "factory bridge stopped: {e}");
			}
		}
	});
	spawn.spawn(
		"mqtt-bridge-submit",
		Some("factory-bridge"),
		submit_at_once(
			client.clone(),
			pool,
			keystore,
			store.clone(),
			gateway,
			to_submit,
			metrics.clone(),
		),
	);
	if params.commands_on == CommandsOn::Best {
		log::info!(target: "mqtt", "task commands go out on best blocks (--commands-on best)");
		spawn.spawn(
			"mqtt-bridge-best",
			Some("factory-bridge"),
			follow_best(client.clone(), bridge.clone()),
		);
	}
	spawn.spawn(
		"mqtt-bridge-chain",
		Some("factory-bridge"),
		follow_finalized(client, bridge.clone(), queue, store, gateway, sink_for_chain),
	);
	Ok(Some(bridge))
}

/// Handles every finalized block once, in order, also those finalized while the node was down
/// (from the last one handled).
async fn follow_finalized<C, S>(
	client: Arc<C>,
	bridge: Arc<Bridge<OffchainStore<S>>>,
	queue: Arc<GatewayQueue<OffchainStore<S>>>,
	store: OffchainStore<S>,
	gateway: [u8; 32],
	sink: Arc<dyn Fn(Vec<Action>) + Send + Sync>,
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let mut finality = client.finality_notification_stream();
	loop {
		let finalized = client.info().finalized_number;
		let mut next: u32 = match store.load::<u32>(LAST_BLOCK) {
			Some(last) => last + 1,
			None => finalized,
		};
		while next <= finalized {
			if let Ok(Some(hash)) = client.hash(next) {
				handle_block(&*client, &bridge, &queue, gateway, hash);
				attach_environments(&*client, &bridge, hash, &*sink);
			}
			store.save(LAST_BLOCK, &next);
			next += 1;
		}
		if finality.next().await.is_none() {
			return;
		}
	}
}

/// Signs and submits queued gateway calls as they come, so that a call does not wait for the
/// next block's offchain worker run. It follows the worker's rules (pallet-gateway): it holds
/// the worker's lock while it reads nonces, signs, submits and notes what it submitted; it
/// appends to the gateway key's batch in flight (or starts one at the chain's nonce), never
/// signs a nonce that batch holds, and leaves everything to the worker when the pool no longer
/// holds that whole batch (e.g. after a restart), when it is overdue (taken as dropped) or when a
/// submission is refused. What it submitted the worker retries
/// like its own.
async fn submit_at_once<C, P, S>(
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	store: OffchainStore<S>,
	gateway: [u8; 32],
	mut queued: futures::channel::mpsc::UnboundedReceiver<(u64, RuntimeCall)>,
	metrics: Option<Metrics>,
) where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	while let Some(first) = queued.next().await {
		let mut batch = vec![first];
		while let Ok(more) = queued.try_recv() {
			batch.push(more);
		}
		let n = submit_batch(&*client, &*pool, &keystore, &store, gateway, batch).await;
		if let Some(m) = &metrics {
			m.gateway_submitted.inc_by(n);
		}
	}
}

/// The offchain lock of pallet-gateway's worker, held by the node.
struct SubmitLock<'a, S: OffchainStorage + 'static>(&'a OffchainStore<S>);

impl<'a, S: OffchainStorage + 'static> SubmitLock<'a, S> {
	/// Takes the lock, waiting up to 200 ms for the worker to free it.
	async fn take(store: &'a OffchainStore<S>) -> Option<Self> {
		for _ in 0..20 {
			let old = store.get(pallet_gateway::LOCK_KEY);
			let held = old
				.as_deref()
				.and_then(|mut raw| u64::decode(&mut raw).ok())
				.is_some_and(|deadline| deadline >= now_ms());
			let deadline = now_ms() + pallet_gateway::LOCK_MS;
			if !held
				&& store.0.clone().compare_and_set(
					sp_offchain::STORAGE_PREFIX,
					pallet_gateway::LOCK_KEY,
					old.as_deref(),
					&deadline.encode(),
				) {
				return Some(SubmitLock(store));
			}
			tokio::time::sleep(std::time::Duration::from_millis(10)).await;
		}
		None
	}
}

impl<S: OffchainStorage + 'static> Drop for SubmitLock<'_, S> {
	fn drop(&mut self) {
		self.0.remove(pallet_gateway::LOCK_KEY);
	}
}

/// Submits what it can of `batch`; returns how many it submitted.
async fn submit_batch<C, P, S>(
	client: &C,
	pool: &P,
	keystore: &KeystorePtr,
	store: &OffchainStore<S>,
	gateway: [u8; 32],
	batch: Vec<(u64, RuntimeCall)>,
) -> u64
where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	use frame_support::traits::{Contains, Get};
	use pallet_gateway::{InFlight, Tried, IN_FLIGHT_KEY};
	use sc_transaction_pool_api::{InPoolTransaction, TransactionSource};
	use sp_api::Core;
	let public = sp_core::sr25519::Public::from_raw(gateway);
	if !keystore.has_keys(&[(gateway.to_vec(), pallet_gateway::KEY_TYPE)]) {
		return 0;
	}
	let Some(_lock) = SubmitLock::take(store).await else {
		log::debug!(target: "mqtt", "the offchain worker is submitting; it takes the new calls");
		return 0;
	};
	let info = client.info();
	let (at, number, genesis) = (info.best_hash, info.best_number as u64, info.genesis_hash);
	let account = AccountId::from(gateway);
	let key =
		StorageKey(frame_system::Account::<twinchain_runtime::Runtime>::hashed_key_for(&account));
	let chain_nonce = client
		.storage(at, &key)
		.ok()
		.flatten()
		.and_then(|raw| {
			frame_system::AccountInfo::<
				twinchain_runtime::Nonce,
				<twinchain_runtime::Runtime as frame_system::Config>::AccountData,
			>::decode(&mut &raw.0[..])
			.ok()
		})
		.map_or(0, |a| a.nonce as u64);
	let mut in_flight: Vec<InFlight> = store.load(IN_FLIGHT_KEY).unwrap_or_default();
	let retry_after: u32 =
		<twinchain_runtime::Runtime as pallet_gateway::Config>::RetryAfter::get();
	// The next nonce after the gateway's transactions the pool holds ready (the tags their
	// nonce check provides), as `system_accountNextIndex` counts it.
	let provided: std::collections::HashSet<Vec<u8>> =
		pool.ready().flat_map(|tx| tx.provides().to_vec()).collect();
	let mut pool_next = chain_nonce;
	while provided.contains(&(account.clone(), pool_next as twinchain_runtime::Nonce).encode()) {
		pool_next += 1;
	}
	let mut nonce = match in_flight.iter().find(|f| f.signer == gateway) {
		Some(f) if f.pending(chain_nonce) => {
			if f.pending(pool_next) || f.overdue(number, retry_after as u64) {
				// The pool no longer holds the whole batch (lost with a restart, or dropped),
				// or it is overdue: the worker resubmits it from the chain's nonce once overdue;
				// a call appended now would wait behind the gap, or collide with the worker's.
				return 0;
			}
			pool_next
		},
		_ => pool_next,
	};
	let Ok(version) = client.runtime_api().version(at) else { return 0 };
	let mut submitted = 0;
	for (id, call) in batch {
		if store.get(&pallet_gateway::tried_key(id)).is_some()
			|| !twinchain_runtime::configs::GatewayCalls::contains(&call)
		{
			// The worker got there first, or (never for the bridge's calls) not a gateway call.
			continue;
		}
		let sign = |payload: &[u8]| {
			keystore.sr25519_sign(pallet_gateway::KEY_TYPE, &public, payload).ok().flatten()
		};
		let Some(xt) = twinchain_runtime::sign_immortal_with(
			public,
			sign,
			nonce as twinchain_runtime::Nonce,
			call,
			genesis,
			version.spec_version,
			version.transaction_version,
		) else {
			break;
		};
		match pool.submit_one(at, TransactionSource::Local, xt.into()).await {
			Ok(_) => {
				store.save(
					&pallet_gateway::tried_key(id),
					&Tried { at: number, attempts: 1, refused: None },
				);
				log::debug!(target: "mqtt", "gateway call {id} submitted with nonce {nonce}");
				nonce += 1;
				submitted += 1;
			},
			Err(e) => {
				// The worker tries it (and what follows) from the next block on.
				log::debug!(target: "mqtt", "gateway call {id} refused by the pool: {e}");
				break;
			},
		}
	}
	if submitted > 0 {
		in_flight.retain(|f| f.signer != gateway);
		in_flight.push(InFlight { signer: gateway, nonce_after: nonce, at: number });
		store.save(IN_FLIGHT_KEY, &in_flight);
	}
	submitted
}

/// Commands the task assignments of each new best block (`--commands-on best`). The finalized
/// follower still sees every assignment; a task is commanded once, whichever sees it first.
async fn follow_best<C, S>(client: Arc<C>, bridge: Arc<Bridge<OffchainStore<S>>>)
where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	let mut imports = client.import_notification_stream();
	while let Some(block) = imports.next().await {
		if block.is_new_best {
			command_assignments(&*client, &bridge, block.hash, &events_at(&*client, block.hash));
		}
	}
}

fn events_at<C: ChainClient>(client: &C, hash: Hash) -> EventRecords {
	client
		.storage(hash, &events_key())
		.ok()
		.flatten()
		.and_then(|raw| Decode::decode(&mut &raw.0[..]).ok())
		.unwrap_or_default()
}

/// Queues the command of each task in block `hash` assigned to one of the factory's machines.
fn command_assignments<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	hash: Hash,
	events: &EventRecords,
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	use pallet_provenance::runtime_api::ProvenanceApi;
	for record in events {
		if let RuntimeEvent::Tasks(pallet_tasks::Event::TaskAssigned {
			task,
			machine,
			capability,
			params,
			product,
			..
		}) = &record.event
		{
			if bridge.factory().machine_index(machine).is_none() {
				continue;
			}
			let product_type = product
				.as_ref()
				.and_then(|p| client.runtime_api().trace(hash, p.clone(), 0, 0).ok().flatten());
			let (tag, colour) = product_type
				.map(|t| {
					let pt = t.product.product_type;
					(
						pt.tag.map(|t| String::from_utf8_lossy(&t).to_string()),
						pt.colour.map(|c| crate::provenance::colour_name(c).to_string()),
					)
				})
				.unwrap_or_default();
			let a = Assignment {
				task: *task,
				machine: machine.clone(),
				capability: String::from_utf8_lossy(capability).to_string(),
				params: params.to_vec(),
				product: product.clone(),
				tag,
				colour,
			};
			if bridge.on_assigned(&a, now_ms()) {
				log::info!(target: "mqtt", "task {task} ({}) assigned to {}: command queued", a.capability, machine.to_ss58check());
			}
		}
	}
}

fn handle_block<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	queue: &GatewayQueue<OffchainStore<S>>,
	gateway: [u8; 32],
	hash: Hash,
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	use pallet_provenance::runtime_api::ProvenanceApi;
	let events = events_at(client, hash);
	command_assignments(client, bridge, hash, &events);
	for record in &events {
		if let RuntimeEvent::Provenance(pallet_provenance::Event::StepRecorded {
			product,
			index,
			machine,
			..
		}) = &record.event
		{
			if bridge.factory().machine_index(machine).is_some() {
				let step = client
					.runtime_api()
					.trace(hash, product.clone(), *index, 1)
					.ok()
					.flatten()
					.and_then(|t| t.steps.into_iter().next());
				if let Some((_, step)) = step {
					bridge.note_step(PendingStep {
						product: product.clone(),
						index: *index,
						start: step.input.start,
						end: step.input.end,
					});
				}
			}
		}
	}
	// Gateway calls included in this block leave the queue.
	let Ok(Some(body)) = client.block_body(hash) else { return };
	for (index, opaque) in body.iter().enumerate() {
		let Ok(xt) = UncheckedExtrinsic::decode(&mut &opaque.encode()[..]) else { continue };
		let sp_runtime::generic::Preamble::Signed(address, _, _) = &xt.preamble else { continue };
		let sp_runtime::MultiAddress::Id(signer) = address else { continue };
		let signer: [u8; 32] = signer.clone().into();
		if signer != gateway {
			continue;
		}
		let call = xt.function.encode();
		if let Some(id) = queue.confirm(&signer, &call) {
			let failed = events.iter().find_map(|r| match (&r.phase, &r.event) {
				(
					frame_system::Phase::ApplyExtrinsic(i),
					RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
						dispatch_error,
						..
					}),
				) if *i as usize == index => Some(*dispatch_error),
				_ => None,
			});
			match failed {
				None => log::debug!(target: "mqtt", "gateway call {id} is on chain"),
				Some(e) => log::warn!(target: "mqtt", "gateway call {id} failed on chain: {e:?}"),
			}
		}
	}
}

/// How long a step waits for an environment window before it goes without.
const ENVIRONMENT_PATIENCE_MS: u64 = 5 * 60_000;

/// Attaches to each waiting step the first anchored window of the environment sensor that
/// overlaps it.
fn attach_environments<C, S>(
	client: &C,
	bridge: &Bridge<OffchainStore<S>>,
	hash: Hash,
	sink: &(dyn Fn(Vec<Action>) + Send + Sync),
) where
	C: ChainClient,
	S: OffchainStorage + 'static,
{
	use pallet_telemetry::TelemetryApi;
	let Some(sensor) = bridge.factory().environment.clone() else { return };
	let window_ms = bridge.factory().config.window_ms;
	for step in bridge.pending_steps() {
		let from = step.start.saturating_sub(window_ms);
		let windows =
			client.runtime_api().windows(hash, sensor.clone(), from, 4).unwrap_or_default();
		let covering = windows.iter().find(|(start, w)| *start <= step.end && w.end > step.start);
		if let Some((start, _)) = covering {
			sink(vec![Action::AttachEnvironment {
				product: step.product.clone(),
				index: step.index,
				sensor: sensor.clone(),
				start: *start,
			}]);
			bridge.forget_step(&step.product, step.index);
		} else if now_ms() > step.end + ENVIRONMENT_PATIENCE_MS {
			log::warn!(
				target: "mqtt",
				"no environment window covers step {} of {}: it stays without",
				step.index,
				step.product.to_ss58check()
			);
			bridge.forget_step(&step.product, step.index);
		}
	}
}
