//! The node's MQTT client (rumqttc): subscribes to the factory's topics, feeds messages to the
//! [`Bridge`], closes telemetry windows every second, and publishes queued machine commands
//! one at a time with QoS 1, each marked sent only once the broker acknowledged it.
//!
//! The session is persistent (clean session off, a fixed client id): while the node is away the
//! broker keeps the machines' acknowledgements for it, and a publish in flight when the
//! connection broke is completed by rumqttc on reconnect. Only when the broker lost the session
//! (`session_present` false) is the command in flight published again — so a command reaches
//! the broker once. A lost connection is retried with exponential backoff (0.5 s doubling to
//! 10 s); subscriptions are renewed on every connection; commands wait, durably, until the
//! broker is back. Nothing that arrives stops the client: a refused message is logged with its
//! topic and counted.
//!
//! Nothing the broker delivered is lost: a message is acknowledged to the broker only once the
//! bridge took it (manual acknowledgements; stored durably or refused), so a node that stops
//! in between gets it again; readings and orders delivered twice are taken once. Messages are
//! handled in batches of what arrived meanwhile (up to [`MAX_BATCH`]): one commit of the
//! telemetry journal makes a whole batch durable before its acknowledgements go out, so the
//! cost of durability is per batch, not per message. Windows do
//! not close while the connection is down, nor for `reconnect_grace_ms` after it came back, so
//! readings that waited at the broker or at the machines during an outage are not late.
//!
//! ## Tasks
//!
//! [`Client::into_tasks`] gives four named tasks over one shared state; the node spawns each as
//! an essential task (if one ends, the node stops rather than run without its bridge), [`run`]
//! runs them together. None of them polls: each waits for what it acts on.
//!
//! - `mqtt-connection` drives the connection (rumqttc's event loop): connects and reconnects
//!   with backoff, subscribes, hands messages to `mqtt-intake` through a bounded channel
//!   ([`MAX_BACKLOG`]: QoS 0 messages beyond it are dropped and counted as `overload`; QoS 1
//!   ones wait, and so does the broker, whose in-flight window they count against), and notes
//!   the broker's acknowledgement of the command in flight.
//! - `mqtt-intake` takes the messages in batches, commits them, acknowledges them.
//! - `mqtt-publisher` wakes when a command is queued ([`crate::outbox::Commands::queued`]) or
//!   the connection comes up, and publishes the pending commands one at a time.
//! - `mqtt-windows` waits for the connection and its grace period, then closes due windows
//!   every second until the connection drops.
//!
//! A [`Shutdown`] ends them all: the intake finishes the batch in hand, the connection sends
//! the broker a DISCONNECT. Stopping without it (the node's task manager drops the tasks) loses
//! nothing either: what was not acknowledged is delivered again.

use crate::{
	bridge::{Action, Bridge},
	error::Error,
	metrics::Metrics,
	store::Store,
};
use rumqttc::{AsyncClient, EventLoop, MqttOptions, Publish, Transport};
use std::{
	future::Future,
	pin::Pin,
	sync::Arc,
	time::{Duration, SystemTime, UNIX_EPOCH},
};
use tokio::{
	sync::{mpsc, watch},
	time::Instant,
};

mod tasks;
#[cfg(test)]
mod tests;

/// The most messages handled, committed and acknowledged together.
pub const MAX_BATCH: usize = 1_024;
/// The most messages waiting for the intake: QoS 0 messages beyond it are dropped (counted as
/// `overload`).
pub const MAX_BACKLOG: usize = 65_536;
/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How long a command waits for the broker's acknowledgement before it is published again (a
/// safety net: a lost session is noticed at once).
const ACK_TIMEOUT: Duration = Duration::from_secs(60);
/// How often due windows are closed.
const WINDOW_TICK: Duration = Duration::from_secs(1);

/// Where and how to connect.
#[derive(Clone, Debug)]
pub struct ClientOptions {
	/// `mqtt://host:port` or `mqtts://host:port` (TLS).
	pub url: String,
	/// The MQTT client id.
	pub client_id: String,
	/// User name and password, if the broker wants them.
	pub credentials: Option<(String, String)>,
	/// TLS: the CA certificate (PEM) the broker's certificate must chain to.
	pub ca_pem: Option<Vec<u8>>,
	/// TLS: a client certificate and key (PEM), for brokers that require one.
	pub client_auth: Option<(Vec<u8>, Vec<u8>)>,
	/// The largest packet in either direction, bytes.
	pub max_packet: usize,
}

/// `(tls, host, port)` of an `mqtt://` or `mqtts://` URL (ports default to 1883 and 8883).
pub fn parse_url(url: &str) -> Result<(bool, String, u16), Error> {
	let (tls, rest) = if let Some(r) = url.strip_prefix("mqtts://") {
		(true, r)
	} else if let Some(r) = url.strip_prefix("mqtt://") {
		(false, r)
	} else {
		return Err(Error::UrlScheme(url.to_string()));
	};
	let rest = rest.trim_end_matches('/');
	let (host, port) = match rest.rsplit_once(':') {
		Some((h, p)) => (h, p.parse::<u16>().map_err(|_| Error::UrlPort(url.to_string()))?),
		None => (rest, if tls { 8883 } else { 1883 }),
	};
	if host.is_empty() {
		return Err(Error::UrlHost(url.to_string()));
	}
	Ok((tls, host.to_string(), port))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

fn mqtt_options(o: &ClientOptions) -> Result<MqttOptions, Error> {
	let (tls, host, port) = parse_url(&o.url)?;
	let mut m = MqttOptions::new(o.client_id.clone(), host, port);
	m.set_keep_alive(Duration::from_secs(30));
	m.set_clean_session(false);
	m.set_manual_acks(true);
	m.set_max_packet_size(o.max_packet, o.max_packet);
	if let Some((user, password)) = &o.credentials {
		m.set_credentials(user.clone(), password.clone());
	}
	if tls {
		// Fails only when a provider is installed already (a second client): that one serves.
		if rustls::crypto::ring::default_provider().install_default().is_err() {
			log::debug!(target: "mqtt", "a TLS crypto provider is installed already");
		}
		let ca = o.ca_pem.clone().ok_or(Error::NoCaFile)?;
		m.set_transport(Transport::tls(ca, o.client_auth.clone(), None));
	} else if o.ca_pem.is_some() || o.client_auth.is_some() {
		return Err(Error::TlsWithoutMqtts);
	}
	Ok(m)
}

/// Where the bridge's actions for the chain go (the node queues them for the gateway).
pub type ActionSink = Arc<dyn Fn(Vec<Action>) + Send + Sync>;

/// One of the client's tasks: it ends when shut down (`Ok`) or when it cannot go on.
pub type Task = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// Stops the client's tasks; clones stop the same client.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
	fn default() -> Self {
		Self(Arc::new(watch::channel(false).0))
	}
}

impl Shutdown {
	/// Tells every task to stop.
	pub fn stop(&self) {
		self.0.send_replace(true);
	}

	/// Whether [`Shutdown::stop`] was called.
	pub fn is_stopped(&self) -> bool {
		*self.0.borrow()
	}

	/// Returns once [`Shutdown::stop`] was called.
	pub async fn stopped(&self) {
		let mut stopped = self.0.subscribe();
		// The sender lives in `self`, so `changed` fails never: only a stop ends the wait.
		while !*stopped.borrow_and_update() {
			if stopped.changed().await.is_err() {
				return;
			}
		}
	}
}

/// The command publish in flight: which task, its packet id once sent, whether acknowledged or
/// lost with the broker's session.
#[derive(Clone, Copy, Debug, Default)]
struct InFlight {
	task: Option<u64>,
	pkid: Option<u16>,
	acked: bool,
	lost: bool,
}

/// What the client's tasks share.
struct Shared<S: Store + Clone> {
	url: String,
	bridge: Arc<Bridge<S>>,
	client: AsyncClient,
	sink: ActionSink,
	metrics: Option<Metrics>,
	/// Since when the connection is up (`None` while it is down).
	up_since: watch::Sender<Option<Instant>>,
	/// The command publish in flight.
	in_flight: watch::Sender<InFlight>,
	shutdown: Shutdown,
}

/// The client, ready to run as its tasks.
pub struct Client<S: Store + Clone> {
	shared: Arc<Shared<S>>,
	events: EventLoop,
	messages: mpsc::Sender<Publish>,
	received: mpsc::Receiver<Publish>,
}

impl<S: Store + Clone> Client<S> {
	/// A client for `bridge` connecting as `options` say; `sink` receives the actions for the
	/// chain; `shutdown` stops it.
	pub fn new(
		options: ClientOptions,
		bridge: Arc<Bridge<S>>,
		sink: ActionSink,
		metrics: Option<Metrics>,
		shutdown: Shutdown,
	) -> Result<Self, Error> {
		let mqtt = mqtt_options(&options)?;
		let (client, events) = AsyncClient::new(mqtt, 4 * MAX_BATCH);
		let (messages, received) = mpsc::channel(MAX_BACKLOG);
		let shared = Shared {
			url: options.url,
			bridge,
			client,
			sink,
			metrics,
			up_since: watch::channel(None).0,
			in_flight: watch::channel(InFlight::default()).0,
			shutdown,
		};
		Ok(Self { shared: Arc::new(shared), events, messages, received })
	}

	/// The client's tasks with their names, to be spawned each on its own.
	pub fn into_tasks(self) -> [(&'static str, Task); 4] {
		let Self { shared, events, messages, received } = self;
		[
			("mqtt-connection", Box::pin(tasks::connection(shared.clone(), events, messages))),
			("mqtt-intake", Box::pin(tasks::intake(shared.clone(), received))),
			("mqtt-publisher", Box::pin(tasks::publisher(shared.clone()))),
			("mqtt-windows", Box::pin(tasks::windows(shared))),
		]
	}
}

/// Runs the client's tasks together until `shutdown` stops them (then `Ok`) or one of them
/// fails (then the others are stopped and its error returned).
pub async fn run<S: Store + Clone>(
	options: ClientOptions,
	bridge: Arc<Bridge<S>>,
	sink: ActionSink,
	metrics: Option<Metrics>,
	shutdown: Shutdown,
) -> Result<(), Error> {
	let client = Client::new(options, bridge, sink, metrics, shutdown.clone())?;
	let mut tasks = tokio::task::JoinSet::new();
	for (_, task) in client.into_tasks() {
		tasks.spawn(task);
	}
	let mut result = Ok(());
	while let Some(ended) = tasks.join_next().await {
		// The first to end ends them all.
		shutdown.stop();
		match ended {
			Ok(Ok(())) => {},
			Ok(Err(e)) if result.is_ok() => result = Err(e),
			Ok(Err(_)) => {},
			// Nothing aborts the tasks: a join error is a panic, passed on.
			Err(panicked) => std::panic::resume_unwind(panicked.into_panic()),
		}
	}
	result
}

/// `task`, unless `shutdown` stops it first (`None`).
async fn unless_stopped<T>(shutdown: &Shutdown, task: impl Future<Output = T>) -> Option<T> {
	tokio::select! {
		biased;
		() = shutdown.stopped() => None,
		out = task => Some(out),
	}
}
