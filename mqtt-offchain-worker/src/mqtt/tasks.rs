//! The client's four tasks over its [`Shared`] state (see the parent module): the connection,
//! the intake, the command publisher and the window clock.

use super::{
	now_ms, unless_stopped, InFlight, Shared, ACK_TIMEOUT, MAX_BACKOFF, MAX_BATCH, MIN_BACKOFF,
	WINDOW_TICK,
};
use crate::{
	error::Error,
	payload::PayloadError,
	store::Store,
	throttle::{held_back, Throttle},
};
use rumqttc::{ConnAck, Event, EventLoop, Outgoing, Packet, Publish, QoS};
use std::{collections::BTreeSet, sync::Arc, time::Duration};
use tokio::{
	sync::{mpsc, watch},
	time::Instant,
};

/// Drives the connection: messages in, acknowledgements of the command in flight, reconnects.
pub(super) async fn connection<S: Store + Clone>(
	shared: Arc<Shared<S>>,
	mut events: EventLoop,
	messages: mpsc::Sender<Publish>,
) -> Result<(), Error> {
	let topics = shared.bridge.factory().subscriptions();
	let mut backoff = MIN_BACKOFF;
	while let Some(event) = unless_stopped(&shared.shutdown, events.poll()).await {
		match event {
			Ok(Event::Incoming(Packet::ConnAck(connack))) => {
				connected(&shared, &connack, &topics);
				backoff = MIN_BACKOFF;
			},
			Ok(Event::Incoming(Packet::Publish(p))) => {
				// QoS 1 messages are bounded by the broker's in-flight window (they wait for
				// our acknowledgement); QoS 0 ones are not: beyond the backlog they are dropped
				// and counted.
				if p.qos == QoS::AtMostOnce {
					match messages.try_send(p) {
						Ok(()) => {},
						Err(mpsc::error::TrySendError::Full(_)) => {
							if let Some(m) = &shared.metrics {
								m.dropped.with_label_values(&["overload"]).inc();
							}
						},
						Err(mpsc::error::TrySendError::Closed(_)) => return Err(Error::ClientGone),
					}
				} else {
					match unless_stopped(&shared.shutdown, messages.send(p)).await {
						Some(Ok(())) => {},
						Some(Err(_)) => return Err(Error::ClientGone),
						None => break,
					}
				}
			},
			Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
				shared.in_flight.send_if_modified(|f| {
					let ours = f.task.is_some() && f.pkid.is_none();
					if ours {
						f.pkid = Some(pkid);
					}
					ours
				});
			},
			Ok(Event::Incoming(Packet::PubAck(a))) => {
				shared.in_flight.send_if_modified(|f| {
					let ours = f.pkid == Some(a.pkid);
					if ours {
						f.acked = true;
					}
					ours
				});
			},
			Ok(_) => {},
			Err(e) => {
				if shared.up_since.borrow().is_some() {
					log::warn!(target: "mqtt", "broker connection lost: {e}; reconnecting");
					if let Some(m) = &shared.metrics {
						m.disconnects.inc();
						m.connected.set(0);
					}
				} else {
					log::debug!(target: "mqtt", "broker unreachable: {e}; retrying in {backoff:?}");
				}
				shared.up_since.send_replace(None);
				if unless_stopped(&shared.shutdown, tokio::time::sleep(backoff)).await.is_none() {
					break;
				}
				backoff = (backoff * 2).min(MAX_BACKOFF);
			},
		}
	}
	disconnect(&shared, &mut events).await;
	Ok(())
}

/// A (re)connection: what was in flight is lost unless the broker kept the session; the
/// subscriptions are renewed.
fn connected<S: Store + Clone>(shared: &Shared<S>, connack: &ConnAck, topics: &[String]) {
	log::info!(target: "mqtt", "connected to {} (session present: {})", shared.url, connack.session_present);
	if !connack.session_present {
		// The broker does not know our session: what was in flight is gone.
		shared.in_flight.send_if_modified(|f| {
			let lost = f.task.is_some() && !f.acked;
			if lost {
				f.lost = true;
			}
			lost
		});
	}
	for t in topics {
		if let Err(e) = shared.client.try_subscribe(t.clone(), QoS::AtLeastOnce) {
			log::warn!(target: "mqtt", "subscribing to {t}: {e}");
		}
	}
	shared.up_since.send_replace(Some(Instant::now()));
	if let Some(m) = &shared.metrics {
		m.connected.set(1);
	}
}

/// Leaves the broker cleanly (shutdown): a DISCONNECT, sent within a second.
async fn disconnect<S: Store + Clone>(shared: &Shared<S>, events: &mut EventLoop) {
	if shared.up_since.send_replace(None).is_some() && shared.client.try_disconnect().is_ok() {
		let sent = tokio::time::timeout(Duration::from_secs(1), async {
			while let Ok(event) = events.poll().await {
				if matches!(event, Event::Outgoing(Outgoing::Disconnect)) {
					break;
				}
			}
		})
		.await;
		if sent.is_err() {
			log::debug!(target: "mqtt", "the DISCONNECT did not go out in time");
		}
	}
	if let Some(m) = &shared.metrics {
		m.connected.set(0);
	}
	log::info!(target: "mqtt", "MQTT client stopped");
}

/// Takes the messages the connection received, in batches: each batch is handled, committed
/// with one flush of the telemetry journal, and only then acknowledged to the broker (in the
/// order received, as MQTT wants).
pub(super) async fn intake<S: Store + Clone>(
	shared: Arc<Shared<S>>,
	mut received: mpsc::Receiver<Publish>,
) -> Result<(), Error> {
	let bridge = &shared.bridge;
	let mut unknown_seen = BTreeSet::<String>::new();
	let refusals = Throttle::default();
	let mut batch = Vec::with_capacity(MAX_BATCH);
	loop {
		match unless_stopped(&shared.shutdown, received.recv_many(&mut batch, MAX_BATCH)).await {
			None => return Ok(()),
			// The connection task is gone (it failed, or stopped).
			Some(0) => {
				return if shared.shutdown.is_stopped() { Ok(()) } else { Err(Error::ClientGone) }
			},
			Some(_) => {},
		}
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
			if let Err(e) = shared.client.ack(&p).await {
				log::debug!(target: "mqtt", "acknowledging a message on {}: {e}; the broker sends it again", p.topic);
			}
			match result {
				Ok(actions) if !actions.is_empty() => (shared.sink)(actions),
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

/// Waits until the connection is up; its start.
async fn until_up(up_since: &mut watch::Receiver<Option<Instant>>) -> Result<Instant, Error> {
	loop {
		let since = *up_since.borrow_and_update();
		if let Some(since) = since {
			return Ok(since);
		}
		up_since.changed().await.map_err(|_| Error::ClientGone)?;
	}
}

/// Publishes the pending commands, one at a time, while the connection is up.
pub(super) async fn publisher<S: Store + Clone>(shared: Arc<Shared<S>>) -> Result<(), Error> {
	let commands = shared.bridge.commands();
	let mut up_since = shared.up_since.subscribe();
	loop {
		let Some(up) = unless_stopped(&shared.shutdown, until_up(&mut up_since)).await else {
			return Ok(());
		};
		up?;
		let Some(cmd) = commands.pending().into_iter().next() else {
			// Until a command is queued (or the connection changes: it is looked at again).
			let woken = unless_stopped(&shared.shutdown, async {
				tokio::select! {
					() = commands.queued() => Ok(()),
					changed = up_since.changed() => changed.map_err(|_| Error::ClientGone),
				}
			});
			match woken.await {
				None => return Ok(()),
				Some(woken) => woken?,
			}
			continue;
		};
		shared
			.in_flight
			.send_replace(InFlight { task: Some(cmd.task), ..InFlight::default() });
		shared
			.client
			.publish(cmd.topic.clone(), QoS::AtLeastOnce, false, cmd.payload.clone())
			.await
			.map_err(|_| Error::ClientGone)?;
		// Until acknowledged, or lost with the session; a minute is a safety net only.
		let mut in_flight = shared.in_flight.subscribe();
		let settled = unless_stopped(&shared.shutdown, async {
			// The guard `wait_for` returns is dropped at once: the connection task writes.
			let settled = in_flight.wait_for(|f| f.acked || f.lost);
			tokio::time::timeout(ACK_TIMEOUT, async { settled.await.is_ok() }).await
		})
		.await;
		if settled.is_none() {
			return Ok(());
		}
		let acked = shared.in_flight.borrow().acked;
		if acked {
			commands.acknowledged(cmd.task);
			log::info!(target: "mqtt", "command for task {} published on {}", cmd.task, cmd.topic);
			if let Some(m) = &shared.metrics {
				m.commands_published.inc();
			}
		} else {
			log::warn!(target: "mqtt", "command for task {} not acknowledged; retrying", cmd.task);
		}
	}
}

/// Closes due telemetry windows every second while the connection is up and has been for the
/// grace period; while it is down, none closes.
pub(super) async fn windows<S: Store + Clone>(shared: Arc<Shared<S>>) -> Result<(), Error> {
	let grace = Duration::from_millis(shared.bridge.factory().config.reconnect_grace_ms);
	let mut up_since = shared.up_since.subscribe();
	loop {
		let Some(since) = unless_stopped(&shared.shutdown, until_up(&mut up_since)).await else {
			return Ok(());
		};
		let mut every = tokio::time::interval_at(since? + grace, WINDOW_TICK);
		// A late tick is not made up for with a burst: one closes everything due.
		every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
		// Until the connection drops, or is renewed (a new grace period).
		loop {
			let next = unless_stopped(&shared.shutdown, async {
				tokio::select! {
					_ = every.tick() => Ok(true),
					changed = up_since.changed() => changed.map(|()| false).map_err(|_| Error::ClientGone),
				}
			});
			match next.await {
				None => return Ok(()),
				Some(Ok(true)) => {
					let actions = shared.bridge.tick(now_ms());
					if !actions.is_empty() {
						(shared.sink)(actions);
					}
				},
				Some(Ok(false)) => break,
				Some(Err(e)) => return Err(e),
			}
		}
	}
}
