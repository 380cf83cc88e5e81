//! The factory bridge in the node: starts the MQTT side (`mqtt-offchain-worker`) with the
//! embedded broker on development nodes, keeps its state in the offchain database (where the
//! runtime's gateway offchain worker reads the calls to sign), turns its actions into calls,
//! signs and submits each at once (the offchain worker retries and takes over what it could not
//! submit), and follows finalized blocks: task assignments become machine commands, and gateway
//! calls seen on chain leave the queue.
//!
//! - [`factory`]: which factory the node serves, the dev gateway key;
//! - [`store`]: the offchain database as the bridge's store and the submitters' database;
//! - [`calls`]: the bridge's actions as runtime calls, queued for the gateway;
//! - [`submit`]: signing and submitting them at once, under pallet-gateway's protocol;
//! - [`follow`]: the finalized (and, with `--commands-on best`, best) block followers.
//!
//! Every task of the bridge — the MQTT client's, the submitter, the followers — is an essential
//! task of the node: if one ends, the node stops rather than run on without its bridge.

mod calls;
mod factory;
mod follow;
mod store;
mod submit;

pub use store::OffchainStore;

use crate::cli::{BridgeParams, CommandsOn};
use mqtt_offchain_worker::{
	bridge::Bridge,
	metrics::Metrics,
	mqtt::{Client, ClientOptions, Shutdown},
	outbox::GatewayQueue,
};
use sc_client_api::{BlockBackend, BlockchainEvents, StorageProvider};
use sc_service::SpawnEssentialTaskHandle;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::Ss58Codec, offchain::OffchainStorage};
use sp_keystore::KeystorePtr;
use std::{fmt, path::PathBuf, sync::Arc};
use twinchain_runtime::{opaque::Block, AccountId, Balance, BlockNumber};

/// The largest MQTT packet the bridge's client and the embedded broker take: well above
/// `max_payload_bytes`, so that oversize messages reach the bridge to be counted and dropped
/// instead of ending the connection.
const MAX_PACKET: usize = 4 << 20;
/// How many queued gateway calls the node keeps at most.
const GATEWAY_QUEUE_CAPACITY: usize = 4_096;
/// The task group of the bridge's tasks.
const GROUP: &str = "factory-bridge";

/// Why the bridge could not start: the operator's to fix; the node stops.
#[derive(Debug)]
pub enum Error {
	/// The node runs without an offchain database.
	NoOffchainDb,
	/// `--factory-config` cannot be read.
	FactoryFile { path: PathBuf, error: std::io::Error },
	/// `--mqtt-broker` without `--factory-config` (on a node other than `--dev`).
	NoFactoryConfig,
	/// `--factory-config` without `--mqtt-broker` on a node other than `--dev`: the embedded
	/// broker authenticates nobody, so it runs there only when asked for by name.
	NoBroker,
	/// The factory configuration is refused.
	Factory(mqtt_offchain_worker::Error),
	/// The dev gateway key could not be put in the keystore.
	Keystore(String),
	/// A TLS file cannot be read.
	TlsFile { path: PathBuf, error: std::io::Error },
	/// The bridge's metrics could not be registered.
	Metrics(substrate_prometheus_endpoint::PrometheusError),
	/// The bridge or its MQTT client refused to start (a command template, the broker URL).
	Mqtt(mqtt_offchain_worker::Error),
}

impl fmt::Display for Error {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			Self::NoOffchainDb => f.write_str("the factory bridge needs the offchain database"),
			Self::FactoryFile { path, error } => {
				write!(f, "--factory-config {}: {error}", path.display())
			},
			Self::NoFactoryConfig => f.write_str("--mqtt-broker needs --factory-config"),
			Self::NoBroker => f.write_str(
				"--factory-config needs --mqtt-broker: the factory's broker, with a login and ACLs \
				 per machine (docs/factory-bridge.md, \"Threat model\"); the embedded broker \
				 authenticates nobody and runs outside --dev only with --mqtt-embedded-broker",
			),
			Self::Factory(e) => write!(f, "factory configuration: {e}"),
			Self::Keystore(e) => write!(f, "cannot put the dev gateway key in the keystore: {e}"),
			Self::TlsFile { path, error } => write!(f, "{}: {error}", path.display()),
			Self::Metrics(e) => write!(f, "{e}"),
			Self::Mqtt(e) => write!(f, "{e}"),
		}
	}
}

impl std::error::Error for Error {
	fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
		match self {
			Self::FactoryFile { error, .. } | Self::TlsFile { error, .. } => Some(error),
			Self::Factory(e) | Self::Mqtt(e) => Some(e),
			Self::Metrics(e) => Some(e),
			Self::NoOffchainDb | Self::NoFactoryConfig | Self::NoBroker | Self::Keystore(_) => None,
		}
	}
}

/// The runtime APIs the bridge calls.
pub trait BridgeApi:
	sp_api::Core<Block>
	+ pallet_provenance::runtime_api::ProvenanceApi<Block, AccountId, Balance, BlockNumber>
	+ pallet_telemetry::TelemetryApi<Block, AccountId, Balance, BlockNumber>
{
}
impl<A> BridgeApi for A where
	A: sp_api::Core<Block>
		+ pallet_provenance::runtime_api::ProvenanceApi<Block, AccountId, Balance, BlockNumber>
		+ pallet_telemetry::TelemetryApi<Block, AccountId, Balance, BlockNumber>
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

/// What the bridge needs of the node.
pub struct NodeParts<'a, C, P, S> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool the bridge submits to.
	pub pool: Arc<P>,
	/// The offchain database, if the node has one.
	pub offchain: Option<S>,
	/// The keystore holding the gateway key.
	pub keystore: KeystorePtr,
	/// The Prometheus registry, if the node serves metrics.
	pub registry: Option<&'a substrate_prometheus_endpoint::Registry>,
	/// Where the bridge's tasks are spawned: each is essential.
	pub spawn: SpawnEssentialTaskHandle,
}

/// Reads a TLS file.
fn read(path: &Option<PathBuf>) -> Result<Option<Vec<u8>>, Error> {
	path.as_ref()
		.map(|p| std::fs::read(p).map_err(|error| Error::TlsFile { path: p.clone(), error }))
		.transpose()
}

/// Spawns `task` as an essential task of the node, logging why it ended.
fn spawn_essential(
	spawn: &SpawnEssentialTaskHandle,
	name: &'static str,
	task: impl std::future::Future<Output = Result<(), mqtt_offchain_worker::Error>> + Send + 'static,
) {
	spawn.spawn(name, Some(GROUP), async move {
		match task.await {
			Ok(()) => log::info!(target: "mqtt", "{name} stopped"),
			Err(e) => log::error!(target: "mqtt", "{name} failed: {e}; the node stops"),
		}
	});
}

/// Starts the bridge if this node should run one. Errors in its set-up are the operator's
/// to fix and stop the node; a busy embedded-broker port only disables the bridge.
pub fn start<C, P, S>(
	params: &BridgeParams,
	dev: bool,
	node: NodeParts<'_, C, P, S>,
) -> Result<Option<Arc<Bridge<OffchainStore<S>>>>, Error>
where
	C: ChainClient,
	P: TransactionPool<Block = Block> + 'static,
	S: OffchainStorage + 'static,
{
	let NodeParts { client, pool, offchain, keystore, registry, spawn } = node;
	if params.no_mqtt || (!dev && params.mqtt_broker.is_none() && params.factory_config.is_none()) {
		return Ok(None);
	}
	if !dev && params.mqtt_broker.is_none() && !params.mqtt_embedded_broker {
		return Err(Error::NoBroker);
	}
	let offchain = offchain.ok_or(Error::NoOffchainDb)?;
	let factory = factory::load(params, dev)?;
	if dev {
		factory::insert_dev_gateway_key(&keystore)?;
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
			if !dev {
				log::warn!(
					target: "mqtt",
					"--mqtt-embedded-broker: the embedded broker on {} authenticates nobody; any client that reaches it can forge any machine's telemetry and acknowledgements",
					params.mqtt_listen
				);
			}
			if let Err(e) = mqtt_offchain_worker::broker::start(params.mqtt_listen, MAX_PACKET) {
				log::error!(target: "mqtt", "embedded MQTT broker: {e}; the factory bridge is off");
				return Ok(None);
			}
			format!("mqtt://{}", params.mqtt_listen)
		},
	};
	let options = ClientOptions {
		url: url.clone(),
		client_id: params.mqtt_client_id.clone(),
		credentials: params.mqtt_username.clone().zip(params.mqtt_password.clone()),
		ca_pem: read(&params.mqtt_ca_file)?,
		client_auth: read(&params.mqtt_client_cert)?.zip(read(&params.mqtt_client_key)?),
		max_packet: MAX_PACKET.max(factory.config.max_payload_bytes + 1024),
	};
	let metrics = registry.map(Metrics::register).transpose().map_err(Error::Metrics)?;
	let store = OffchainStore(offchain);
	let bridge =
		Arc::new(Bridge::new(factory, store.clone(), metrics.clone()).map_err(Error::Mqtt)?);
	let queue = Arc::new(GatewayQueue::new(store.clone(), GATEWAY_QUEUE_CAPACITY));

	// The calls the bridge queues go to the submitter at once (what its channel cannot take
	// waits for the offchain worker).
	let (submit, to_submit) = tokio::sync::mpsc::channel(GATEWAY_QUEUE_CAPACITY);
	let sink = calls::gateway_sink(queue.clone(), gateway, submit, metrics.clone());
	// Nothing stops the client but the node's exit, which drops its tasks: that loses nothing
	// (messages are acknowledged only once stored, the MQTT session is persistent).
	let client_tasks =
		Client::new(options, bridge.clone(), sink.clone(), metrics.clone(), Shutdown::default())
			.map_err(Error::Mqtt)?
			.into_tasks();
	log::info!(
		target: "mqtt",
		"factory bridge: {} machine(s) on {url}, gateway {}",
		bridge.factory().accounts.len(),
		bridge.factory().gateway.to_ss58check()
	);
	for (name, task) in client_tasks {
		spawn_essential(&spawn, name, task);
	}
	spawn_essential(&spawn, "mqtt-bridge-submit", {
		let submitting = submit::submit_at_once(
			client.clone(),
			pool,
			keystore,
			store.clone(),
			gateway,
			to_submit,
			metrics,
		);
		async move {
			submitting.await;
			Ok(())
		}
	});
	if params.commands_on == CommandsOn::Best {
		log::info!(target: "mqtt", "task commands go out on best blocks (--commands-on best)");
		let following = follow::follow_best(client.clone(), bridge.clone());
		spawn_essential(&spawn, "mqtt-bridge-best", async move {
			following.await;
			Ok(())
		});
	}
	let following = follow::follow_finalized(client, bridge.clone(), queue, store, gateway, sink);
	spawn_essential(&spawn, "mqtt-bridge-chain", async move {
		following.await;
		Ok(())
	});
	Ok(Some(bridge))
}
