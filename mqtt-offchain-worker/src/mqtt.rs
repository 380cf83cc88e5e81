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

use crate::{
	bridge::{Action, Bridge},
	metrics::Metrics,
	payload::PayloadError,
	store::Store,
	throttle::{held_back, Throttle},
};
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, Publish, QoS, Transport};
use std::{
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use tokio::sync::{mpsc, watch, Notify};

/// The most messages handled, committed and acknowledged together.
const MAX_BATCH: usize = 1_024;
/// QoS 0 messages waiting beyond this many are dropped (counted as `overload`).
const MAX_BACKLOG: usize = 65_536;

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
pub fn parse_url(url: &str) -> Result<(bool, String, u16), String> {
	let (tls, rest) = if let Some(r) = url.strip_prefix("mqtts://") {
		(true, r)
	} else if let Some(r) = url.strip_prefix("mqtt://") {
		(false, r)
	} else {
		return Err(format!("{url:?}: the broker URL must start with mqtt:// or mqtts://"));
	};
	let rest = rest.trim_end_matches('/');
	let (host, port) = match rest.rsplit_once(':') {
		Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("{url:?}: bad port"))?),
		None => (rest, if tls { 8883 } else { 1883 }),
	};
	if host.is_empty() {
		return Err(format!("{url:?}: no host"));
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

fn mqtt_options(o: &ClientOptions) -> Result<MqttOptions, String> {
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
		let _ = rustls::crypto::ring::default_provider().install_default();
		let ca = o.ca_pem.clone().ok_or("mqtts:// needs --mqtt-ca-file")?;
		m.set_transport(Transport::tls(ca, o.client_auth.clone(), None));
	} else if o.ca_pem.is_some() || o.client_auth.is_some() {
		return Err("TLS files given for an mqtt:// URL: use mqtts://".into());
	}
	Ok(m)
}

/// The publish in flight: which task, its packet id once sent, whether acknowledged or lost
/// with the broker's session.
#[derive(Default)]
struct InFlight {
	task: Option<u64>,
	pkid: Option<u16>,
	acked: bool,
	lost: bool,
}

/// Runs the client until the process ends. `sink` receives the actions for the chain.
pub async fn run<S: Store + Clone>(
	options: ClientOptions,
	bridge: Arc<Bridge<S>>,
	sink: Arc<dyn Fn(Vec<Action>) + Send + Sync>,
	metrics: Option<Metrics>,
) -> Result<(), String> {
	let mqtt = mqtt_options(&options)?;
	let (client, mut events) = AsyncClient::new(mqtt, 4 * MAX_BATCH);
	let (connected_tx, connected_rx) = watch::channel(false);
	let in_flight = Arc::new(Mutex::new(InFlight::default()));
	let ack = Arc::new(Notify::new());
	// Since when the connection is up (`None` while it is down).
	let up_since = Arc::new(Mutex::new(None::<Instant>));

	// Closes telemetry windows, once the connection has been up for the grace period.
	let ticker = {
		let (bridge, sink, up_since) = (bridge.clone(), sink.clone(), up_since.clone());
		let grace = Duration::from_millis(bridge.factory().config.reconnect_grace_ms);
		async move {
			let mut every = tokio::time::interval(Duration::from_secs(1));
			loop {
				every.tick().await;
				let settled =
					up_since.lock().expect("not poisoned").is_some_and(|t| t.elapsed() >= grace);
				if !settled {
					continue;
				}
				let actions = bridge.tick(now_ms());
				if !actions.is_empty() {
					sink(actions);
				}
			}
		}
	};

	// Publishes pending commands, one at a time.
	let publisher = {
		let (bridge, client, in_flight, ack, metrics) =
			(bridge.clone(), client.clone(), in_flight.clone(), ack.clone(), metrics.clone());
		let mut connected = connected_rx.clone();
		async move {
			loop {
				if !*connected.borrow() {
					let _ = connected.changed().await;
					continue;
				}
				let Some(cmd) = bridge.commands().pending().into_iter().next() else {
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				};
				*in_flight.lock().expect("not poisoned") =
					InFlight { task: Some(cmd.task), pkid: None, acked: false, lost: false };
				if client
					.publish(cmd.topic.clone(), QoS::AtLeastOnce, false, cmd.payload.clone())
					.await
					.is_err()
				{
					tokio::time::sleep(Duration::from_millis(500)).await;
					continue;
				}
				// Until acknowledged, or lost with the session; a minute is a safety net only.
				let _ = tokio::time::timeout(Duration::from_secs(60), async {
					loop {
						let notified = ack.notified();
						{
							let f = in_flight.lock().expect("not poisoned");
							if f.acked || f.lost {
								break;
							}
						}
						notified.await;
					}
				})
				.await;
				let acked = in_flight.lock().expect("not poisoned").acked;
				if acked {
					bridge.commands().acknowledged(cmd.task);
					log::info!(target: "mqtt", "command for task {} published on {}", cmd.task, cmd.topic);
					if let Some(m) = &metrics {
						m.commands_published.inc();
					}
				} else {
					log::warn!(target: "mqtt", "command for task {} not acknowledged; retrying", cmd.task);
				}
			}
		}
	};

	// Takes the messages the poller received, in batches: each batch is handled, committed
	// with one flush of the telemetry journal, and only then acknowledged to the broker (in
	// the order received, as MQTT wants).
	let (messages, mut received) = mpsc::unbounded_channel::<Publish>();
	let backlog = Arc::new(AtomicUsize::new(0));
	let (backlog_in, metrics_in) = (backlog.clone(), metrics.clone());
	let processor = {
		let (bridge, client, sink) = (bridge.clone(), client.clone(), sink.clone());
		async move {
			let mut unknown_seen = std::collections::BTreeSet::<String>::new();
			let refusals = Throttle::default();
			let mut batch = Vec::with_capacity(MAX_BATCH);
			while let Some(first) = received.recv().await {
				batch.push(first);
				while batch.len() < MAX_BATCH {
					match received.try_recv() {
						Ok(p) => batch.push(p),
						Err(_) => break,
					}
				}
				backlog.fetch_sub(batch.len(), Ordering::Relaxed);
				let now = now_ms();
				let results: Vec<_> = batch
					.iter()
					.map(|p| {
						// Our own commands are not for us; everything else goes to the bridge.
						if bridge.factory().is_command_topic(&p.topic) {
							Ok(Vec::new())
						} else {
							bridge.on_message(&p.topic, &p.payload, now)
						}
					})
					.collect();
				bridge.commit();
				for (p, result) in batch.drain(..).zip(results) {
					// Taken (stored) or refused: now the broker may forget it.
					if let Err(e) = client.ack(&p).await {
						log::debug!(target: "mqtt", "acknowledging a message on {}: {e}; the broker sends it again", p.topic);
					}
					match result {
						Ok(actions) if !actions.is_empty() => sink(actions),
						Ok(_) => {},
						Err(PayloadError::UnknownTopic) => {
							// Counted every time; logged once per topic (cameras stream).
							if unknown_seen.len() < 1_000 && unknown_seen.insert(p.topic.clone()) {
								log::info!(target: "mqtt", "dropped a message on {}: {}", p.topic, PayloadError::UnknownTopic);
							}
						},
						Err(e) => {
							// Each topic's refusals of each kind: one line per ten seconds.
							let key = format!("{}\0{}", p.topic, e.kind());
							if let Some(held) = refusals.admit(&key, now) {
								log::warn!(target: "mqtt", "dropped a message on {}: {e}{}", p.topic, held_back(held));
							}
						},
					}
				}
			}
		}
	};

	// Polls the connection: messages in, acknowledgements, reconnects.
	let topics = bridge.factory().subscriptions();
	let poller = async move {
		let mut backoff = Duration::from_millis(500);
		loop {
			match events.poll().await {
				Ok(Event::Incoming(Packet::ConnAck(connack))) => {
					log::info!(target: "mqtt", "connected to {} (session present: {})", options.url, connack.session_present);
					if !connack.session_present {
						// The broker does not know our session: what was in flight is gone.
						let mut f = in_flight.lock().expect("not poisoned");
						if f.task.is_some() && !f.acked {
							f.lost = true;
							ack.notify_waiters();
						}
					}
					for t in &topics {
						if let Err(e) = client.try_subscribe(t.clone(), QoS::AtLeastOnce) {
							log::warn!(target: "mqtt", "subscribing to {t}: {e}");
						}
					}
					backoff = Duration::from_millis(500);
					*up_since.lock().expect("not poisoned") = Some(Instant::now());
					let _ = connected_tx.send(true);
					if let Some(m) = &metrics {
						m.connected.set(1);
					}
				},
				Ok(Event::Incoming(Packet::Publish(p))) => {
					// QoS 1 messages are bounded by the broker's in-flight window (they wait
					// for our acknowledgement); QoS 0 ones are not: beyond the backlog they
					// are dropped and counted.
					let backlog = backlog_in.fetch_add(1, Ordering::Relaxed);
					if p.qos == QoS::AtMostOnce && backlog >= MAX_BACKLOG {
						backlog_in.fetch_sub(1, Ordering::Relaxed);
						if let Some(m) = &metrics_in {
							m.dropped.with_label_values(&["overload"]).inc();
						}
						continue;
					}
					let _ = messages.send(p);
				},
				Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
					let mut f = in_flight.lock().expect("not poisoned");
					if f.task.is_some() && f.pkid.is_none() {
						f.pkid = Some(pkid);
					}
				},
				Ok(Event::Incoming(Packet::PubAck(a))) => {
					let mut f = in_flight.lock().expect("not poisoned");
					if f.pkid == Some(a.pkid) {
						f.acked = true;
						ack.notify_waiters();
					}
				},
				Ok(_) => {},
				Err(e) => {
					if *connected_tx.borrow() {
						log::warn!(target: "mqtt", "broker connection lost: {e}; reconnecting");
						if let Some(m) = &metrics {
							m.disconnects.inc();
							m.connected.set(0);
						}
					} else {
						log::debug!(target: "mqtt", "broker unreachable: {e}; retrying in {backoff:?}");
					}
					let _ = connected_tx.send(false);
					*up_since.lock().expect("not poisoned") = None;
					tokio::time::sleep(backoff).await;
					backoff = (backoff * 2).min(Duration::from_secs(10));
				},
			}
		}
	};
	tokio::join!(ticker, publisher, processor, poller);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn broker_urls_are_parsed_with_default_ports() {
		assert_eq!(parse_url("mqtt://127.0.0.1:1884").unwrap(), (false, "127.0.0.1".into(), 1884));
		assert_eq!(
			parse_url("mqtts://broker.example").unwrap(),
			(true, "broker.example".into(), 8883)
		);
		assert_eq!(parse_url("mqtt://h/").unwrap(), (false, "h".into(), 1883));
		assert!(parse_url("tcp://h:1").unwrap_err().contains("mqtt://"));
		assert!(parse_url("mqtt://h:x").unwrap_err().contains("port"));
		assert!(parse_url("mqtt://:1").unwrap_err().contains("no host"));
		let o = ClientOptions {
			url: "mqtts://h".into(),
			client_id: "c".into(),
			credentials: None,
			ca_pem: None,
			client_auth: None,
			max_packet: 1024,
		};
		assert!(mqtt_options(&o).unwrap_err().contains("ca-file"));
	}
}
