//! MQTT telemetry ingest: how many messages per second the node's bridge takes through a real
//! broker, with its windows anchored on chain, and what each 1,000 messages cost in CPU.
//!
//! mosquitto runs on loopback (allowing 1,000 QoS 1 messages in flight to each client and
//! queueing without limit, so that the broker drops nothing); the node runs a factory of the
//! dev chain's two telemetry machines (`env`, `mpo`) with one-second windows. This program
//! publishes single-reading JSON messages (`{"ts": …, "temperature": …}`, every value
//! distinct) at QoS 1 from four connections, at a rising rate for `seconds` per step. A step is
//! sustained if the publishers kept the rate, the broker acknowledged every message, the node
//! took every one of them (Prometheus `twinchain_mqtt_messages_accepted_total`) within two
//! seconds of the last, refusing none. CPU is read from `/proc` for the node and for mosquitto.
//! At the end, every reading taken must be in a window anchored on chain
//! (`telemetry_windows`): the anchored windows' counts add up to the readings taken.

use crate::{chain, m2m::Broker};
use jsonrpsee::{core::client::ClientT, rpc_params};
use mqtt_offchain_worker::{
	config::{Profile, TelemetryTopic},
	Factory, DEV_FACTORY_TOML,
};
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};
use serde_json::Value;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::{
	fmt::Write as _,
	io::{Read, Write},
	net::TcpStream,
	path::Path,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

/// Publishing connections.
const PUBLISHERS: usize = 4;
/// Publishing ticks per second.
const TICKS: u64 = 100;
/// How long after the last message the node may take to have taken them all.
const DRAIN: Duration = Duration::from_secs(2);

/// The run's settings.
pub struct Options<'a> {
	pub node: &'a Path,
	pub spec: &'a Value,
	pub rates: &'a [f64],
	pub seconds: f64,
	pub repeat: usize,
	pub rpc_port: u16,
	pub mqtt_port: u16,
	pub prometheus_port: u16,
	pub log_dir: &'a Path,
}

/// One step's figures.
#[derive(Clone, Debug)]
pub struct Step {
	pub offered: f64,
	/// Messages the broker acknowledged per second of publishing.
	pub published: f64,
	/// Messages the node took per second, first publish to last taken.
	pub taken: f64,
	pub messages: u64,
	/// From the last publish to the node having taken everything.
	pub drain: Duration,
	pub refused: u64,
	/// CPU ms per 1,000 messages: node, mosquitto, this program.
	pub cpu_node: f64,
	/// The node's CPU seconds and the step's seconds, first publish to last taken.
	node_cpu_s: f64,
	elapsed_s: f64,
	pub cpu_broker: f64,
	pub cpu_load: f64,
	pub sustained: bool,
}

impl Step {
	/// The node's CPU ms per 1,000 messages above what it spends idle (block production), the
	/// idle node using `idle` CPU seconds per second.
	pub fn cpu_node_marginal(&self, idle: f64) -> f64 {
		let taken = self.taken * self.elapsed_s;
		(self.node_cpu_s - idle * self.elapsed_s) * 1e6 / taken.max(1.0)
	}
}

/// CPU seconds (user + system) of process `pid` (`self` for this one).
fn cpu_seconds(pid: &str) -> f64 {
	let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
	let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return 0.0 };
	let fields: Vec<&str> = rest.split_whitespace().collect();
	// After the command: state is field 3, utime 14 and stime 15 (1-based, whole line).
	let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
		+ fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
	ticks / clock_ticks()
}

fn clock_ticks() -> f64 {
	std::process::Command::new("getconf")
		.arg("CLK_TCK")
		.output()
		.ok()
		.and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
		.unwrap_or(100.0)
}

/// The node's Prometheus samples, `name{labels}` → value.
fn metrics(port: u16) -> Result<Vec<(String, f64)>, String> {
	let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("metrics: {e}"))?;
	s.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
		.map_err(|e| format!("metrics: {e}"))?;
	let mut body = String::new();
	s.read_to_string(&mut body).map_err(|e| format!("metrics: {e}"))?;
	Ok(body
		.lines()
		.filter(|l| l.starts_with("twinchain_"))
		.filter_map(|l| {
			let (name, value) = l.rsplit_once(' ')?;
			Some((name.to_string(), value.parse().ok()?))
		})
		.collect())
}

/// The sum of the samples whose name starts with `prefix`.
fn sum(samples: &[(String, f64)], prefix: &str) -> u64 {
	samples
		.iter()
		.filter(|(n, _)| n.starts_with(prefix))
		.map(|(_, v)| *v)
		.sum::<f64>() as u64
}

/// The node's counters that a step reads.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
	accepted: u64,
	refused: u64,
	readings: u64,
	buffer_full: u64,
	windows: u64,
}

fn counters(port: u16) -> Result<Counters, String> {
	let m = metrics(port)?;
	Ok(Counters {
		accepted: sum(&m, "twinchain_mqtt_messages_accepted_total"),
		refused: sum(&m, "twinchain_mqtt_messages_dropped_total"),
		readings: sum(&m, "twinchain_mqtt_readings_total"),
		buffer_full: sum(&m, "twinchain_mqtt_buffer_full_total"),
		windows: sum(&m, "twinchain_mqtt_windows_closed_total"),
	})
}

/// The factory the node serves: the dev factory's telemetry machines (`env`, `mpo`: their
/// accounts and the gateway as the dev factory's file names them), one-second windows, each
/// machine's readings on its own bench topic, no commands or orders.
fn factory() -> Result<Factory, mqtt_offchain_worker::Error> {
	let mut config = Factory::from_toml(DEV_FACTORY_TOML)?.config;
	config.window_ms = 1_000;
	config.close_delay_ms = 1_000;
	config.reconnect_grace_ms = 0;
	config.buffer_capacity = 1_000_000;
	config.environment = None;
	config.orders = None;
	config.machines.retain(|m| m.name == "env" || m.name == "mpo");
	for m in &mut config.machines {
		let metric = if m.name == "env" { "temperature" } else { "kiln_t" };
		m.telemetry = vec![TelemetryTopic {
			topic: format!("bench/{}", m.name),
			profile: Profile::Json,
			fields: [(metric.to_string(), "temperature".to_string())].into(),
			ts: Some("ts".into()),
		}];
		m.state_topic = None;
		m.commands.clear();
		m.ack = None;
	}
	Factory::new(config)
}

/// A publishing connection: what it sent and what the broker acknowledged.
struct Publisher {
	client: AsyncClient,
	acked: Arc<AtomicU64>,
	topic: &'static str,
	sent: u64,
	base: u64,
}

async fn publisher(i: usize, port: u16) -> Publisher {
	let mut o = MqttOptions::new(format!("twinchain-ingest-{i}-{port}"), "127.0.0.1", port);
	o.set_keep_alive(Duration::from_secs(30));
	o.set_inflight(1_000);
	let (client, mut events) = AsyncClient::new(o, 10_000);
	let acked = Arc::new(AtomicU64::new(0));
	let counter = acked.clone();
	tokio::spawn(async move {
		loop {
			match events.poll().await {
				Ok(Event::Incoming(Packet::PubAck(_))) => {
					counter.fetch_add(1, Ordering::Relaxed);
				},
				Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
				Ok(_) => {},
				Err(e) => {
					eprintln!("   ingest: publisher {i}: {e}");
					tokio::time::sleep(Duration::from_millis(200)).await;
				},
			}
		}
	});
	let topic = if i.is_multiple_of(2) { "bench/env" } else { "bench/mpo" };
	Publisher { client, acked, topic, sent: 0, base: (i as u64) << 40 }
}

/// Offers `rate` messages per second for `seconds`, then waits for the node to take them.
async fn step(
	pubs: &mut [Publisher],
	rate: f64,
	seconds: f64,
	prometheus: u16,
	pids: (&str, &str),
) -> Result<Step, String> {
	let before = counters(prometheus)?;
	let acked_before: u64 = pubs.iter().map(|p| p.acked.load(Ordering::Relaxed)).sum();
	let sent_before: u64 = pubs.iter().map(|p| p.sent).sum();
	let cpu_before = (cpu_seconds(pids.0), cpu_seconds(pids.1), cpu_seconds("self"));
	let start = Instant::now();
	let per_tick = rate / PUBLISHERS as f64 / TICKS as f64;
	let ticks = (seconds * TICKS as f64) as u64;
	let mut owed = 0.0;
	let mut every = tokio::time::interval(Duration::from_micros(1_000_000 / TICKS));
	for _ in 0..ticks {
		every.tick().await;
		owed += per_tick;
		let n = owed as u64;
		owed -= n as f64;
		let ts = mqtt_offchain_worker::bridge::ts(mqtt_offchain_worker::mqtt::now_ms());
		for p in pubs.iter_mut() {
			for _ in 0..n {
				// Every value distinct: a repeated one would be a second delivery.
				let value = (p.base + p.sent) as f64 / 1000.0;
				let payload = format!(r#"{{"ts":"{ts}","temperature":{value}}}"#);
				p.client
					.publish(p.topic, QoS::AtLeastOnce, false, payload.into_bytes())
					.await
					.map_err(|e| format!("publish: {e}"))?;
				p.sent += 1;
			}
		}
	}
	let published_for = start.elapsed();
	let sent = pubs.iter().map(|p| p.sent).sum::<u64>() - sent_before;
	// The broker acknowledges everything, the node takes everything.
	let last = Instant::now();
	let until = last + Duration::from_secs(30);
	let (after, drained_at) = loop {
		let c = counters(prometheus)?;
		let acked =
			pubs.iter().map(|p| p.acked.load(Ordering::Relaxed)).sum::<u64>() - acked_before;
		if acked >= sent && c.accepted + c.refused >= before.accepted + before.refused + sent {
			break (c, Instant::now());
		}
		if Instant::now() > until {
			return Err(format!(
				"after 30 s the broker acknowledged {acked} and the node took {} of {sent} messages",
				c.accepted - before.accepted
			));
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	};
	let cpu_after = (cpu_seconds(pids.0), cpu_seconds(pids.1), cpu_seconds("self"));
	let taken = after.accepted - before.accepted;
	let refused = after.refused - before.refused + after.buffer_full - before.buffer_full;
	let drain = drained_at - last;
	let published = sent as f64 / published_for.as_secs_f64();
	let per_k = |d: f64| d * 1e6 / taken.max(1) as f64;
	Ok(Step {
		offered: rate,
		published,
		taken: taken as f64 / (drained_at - start).as_secs_f64(),
		messages: sent,
		drain,
		refused,
		cpu_node: per_k(cpu_after.0 - cpu_before.0),
		node_cpu_s: cpu_after.0 - cpu_before.0,
		elapsed_s: (drained_at - start).as_secs_f64(),
		cpu_broker: per_k(cpu_after.1 - cpu_before.1),
		cpu_load: per_k(cpu_after.2 - cpu_before.2),
		sustained: refused == 0
			&& taken == sent
			&& drain <= DRAIN + Duration::from_millis(100)
			&& published >= 0.95 * rate,
	})
}

/// The readings in `machine`'s windows anchored from `from` (ms) on.
async fn anchored(
	client: &jsonrpsee::ws_client::WsClient,
	machine: &AccountId32,
	from: u64,
) -> Result<(u64, u64), String> {
	let did = format!("did:twin:{}", machine.to_ss58check());
	let (mut windows, mut readings, mut from) = (0u64, 0u64, from);
	loop {
		let page: Value = client
			.request(
				"telemetry_windows",
				rpc_params![&did, serde_json::json!({ "from": from, "limit": 100 })],
			)
			.await
			.map_err(|e| format!("telemetry_windows: {e}"))?;
		let list = page["windows"].as_array().cloned().unwrap_or_default();
		for w in &list {
			windows += 1;
			readings += w["count"].as_u64().unwrap_or(0);
		}
		match list.last() {
			Some(last) if list.len() == 100 => {
				from = last["start"]["ms"].as_u64().ok_or("telemetry_windows: no start.ms")? + 1
			},
			_ => return Ok((windows, readings)),
		}
	}
}

/// The measured ladder, the repeats of its highest sustained step, and the anchoring check.
pub struct Report {
	pub steps: Vec<Step>,
	pub repeats: Vec<Step>,
	pub readings: u64,
	pub anchored_windows: u64,
	pub anchored_readings: u64,
	/// The idle node's CPU seconds per second.
	pub idle: f64,
	/// Windows the bridge closed (and queued for anchoring).
	pub closed: u64,
}

/// Runs the ladder on a fresh node behind a fresh mosquitto.
pub async fn run(o: &Options<'_>) -> Result<Report, String> {
	let broker = Broker::start(
		o.mqtt_port,
		o.log_dir,
		"max_inflight_messages 1000\nmax_queued_messages 0\nmax_queued_bytes 0\n",
	)?;
	let factory = factory().map_err(|e| format!("the ingest factory: {e}"))?;
	let config = o.log_dir.join("twinchain-load-ingest-factory.toml");
	std::fs::write(&config, factory.config.to_toml())
		.map_err(|e| format!("{}: {e}", config.display()))?;
	let log = o.log_dir.join("twinchain-load-ingest.log");
	let url = format!("mqtt://127.0.0.1:{}", o.mqtt_port);
	let prometheus = o.prometheus_port;
	let config_arg = config.display().to_string();
	let extra = [
		"--dev",
		"--mqtt-broker",
		&url,
		"--factory-config",
		&config_arg,
		"--prometheus-port",
		&prometheus.to_string(),
	];
	let mut node = chain::Node::start(o.node, o.spec, o.rpc_port, &log, None, &extra)?;
	let client = node.connect(Duration::from_secs(120)).await?;
	crate::m2m::bridge_connected(&log, &url).await?;
	let started_ms = mqtt_offchain_worker::mqtt::now_ms();
	let mut pubs = Vec::new();
	for i in 0..PUBLISHERS {
		pubs.push(publisher(i, o.mqtt_port).await);
	}
	let (node_pid, broker_pid) = (node.pid().to_string(), broker.pid().to_string());
	let pids = (node_pid.as_str(), broker_pid.as_str());
	// Warm up: connections, the first windows.
	step(&mut pubs, 1_000.0, 3.0, prometheus, pids).await?;
	let mut steps = Vec::new();
	let mut best: Option<f64> = None;
	for &rate in o.rates {
		let s = step(&mut pubs, rate, o.seconds, prometheus, pids).await?;
		eprintln!(
			"   ingest {rate:>6.0} msg/s offered: published {:.0}/s, taken {:.0}/s, drain {:.2} s, refused {}, node {:.1} CPU-ms/1k msgs{}",
			s.published,
			s.taken,
			s.drain.as_secs_f64(),
			s.refused,
			s.cpu_node,
			if s.sustained { "" } else { " — not sustained" }
		);
		let ok = s.sustained;
		steps.push(s);
		if !ok {
			break;
		}
		best = Some(rate);
	}
	// The node's CPU without messages (block production, the bridge's ticks), per second,
	// measured once the ladder's windows are anchored and the node is warm.
	tokio::time::sleep(Duration::from_secs(5)).await;
	let (cpu, at) = (cpu_seconds(pids.0), Instant::now());
	tokio::time::sleep(Duration::from_secs_f64(o.seconds)).await;
	let idle = (cpu_seconds(pids.0) - cpu) / at.elapsed().as_secs_f64();
	eprintln!("   ingest: the idle node uses {:.1} CPU-ms per second", idle * 1e3);
	let mut repeats = Vec::new();
	if let Some(rate) = best {
		for _ in 0..o.repeat {
			repeats.push(step(&mut pubs, rate, o.seconds, prometheus, pids).await?);
		}
	}
	// Every reading taken is anchored: wait for the last windows to close and be anchored.
	let readings = counters(prometheus)?.readings;
	let mut closed;
	let machines = &factory.accounts;
	let until = Instant::now() + Duration::from_secs(60);
	let (anchored_windows, anchored_readings) = loop {
		let (mut w, mut r) = (0, 0);
		for m in machines {
			let (mw, mr) = anchored(&client, m, started_ms.saturating_sub(60_000)).await?;
			w += mw;
			r += mr;
		}
		closed = counters(prometheus)?.windows;
		if (r >= readings && w >= closed) || Instant::now() > until {
			break (w, r);
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	};
	for p in &pubs {
		#[allow(
			clippy::let_underscore_must_use,
			reason = "the publishers are done; the broker stops next"
		)]
		let _ = p.client.disconnect().await;
	}
	drop(node);
	drop(broker);
	Ok(Report { steps, repeats, readings, anchored_windows, anchored_readings, idle, closed })
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
	v.sort_by(|a, b| a.total_cmp(b));
	if v.is_empty() {
		return (0.0, 0.0, 0.0);
	}
	(v[0], v[v.len() / 2], v[v.len() - 1])
}

/// The report in Markdown.
#[allow(clippy::let_underscore_must_use, reason = "`writeln!` into a String cannot fail")]
pub fn report(r: &Report) -> String {
	let mut s = String::new();
	let _ = writeln!(s, "#### MQTT telemetry ingest\n");
	let _ = writeln!(
		s,
		"A fresh dev node serves a factory of the dev chain's two telemetry machines (one-second windows, anchored by the gateway as they close); its bridge subscribes to mosquitto on loopback (1,000 QoS 1 messages in flight per client, unlimited queue). The load generator publishes single-reading JSON messages at QoS 1 from {PUBLISHERS} connections for each step; a step is sustained if the publishers kept the rate, the broker acknowledged every message and the node took all of them, refusing none, within {} s of the last. CPU from /proc, per 1,000 messages taken.\n",
		DRAIN.as_secs()
	);
	let _ = writeln!(
		s,
		"The idle node (block production, no messages; measured after the ladder) uses {:.1} CPU-ms per second; \"above idle\" is the node's CPU beyond that.\n",
		r.idle * 1e3
	);
	let _ = writeln!(s, "| offered msg/s | published msg/s | taken msg/s | messages | drain s | refused | node CPU ms / 1k msgs | above idle | mosquitto CPU ms / 1k | publisher CPU ms / 1k | sustained |");
	let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|");
	for x in &r.steps {
		let _ = writeln!(
			s,
			"| {:.0} | {:.0} | {:.0} | {} | {:.2} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
			x.offered,
			x.published,
			x.taken,
			x.messages,
			x.drain.as_secs_f64(),
			x.refused,
			x.cpu_node,
			x.cpu_node_marginal(r.idle),
			x.cpu_broker,
			x.cpu_load,
			if x.sustained { "yes" } else { "no" }
		);
	}
	if !r.repeats.is_empty() {
		let (a, b, c) = median(r.repeats.iter().map(|x| x.taken).collect());
		let (d, e, f) = median(r.repeats.iter().map(|x| x.cpu_node_marginal(r.idle)).collect());
		let _ = writeln!(
			s,
			"\nHighest sustained step, {} runs: taken {a:.0} / {b:.0} / {c:.0} msg/s (min / median / max); node CPU above idle {d:.1} / {e:.1} / {f:.1} ms per 1,000 messages; all sustained: {}.",
			r.repeats.len(),
			if r.repeats.iter().all(|x| x.sustained) { "yes" } else { "no" }
		);
	}
	let _ = writeln!(
		s,
		"\nAnchoring: {} readings taken; {} anchored on chain in {} of the {} one-second windows closed{}.",
		r.readings,
		r.anchored_readings,
		r.anchored_windows,
		r.closed,
		if r.anchored_readings == r.readings {
			" — every reading"
		} else {
			" — NOT every reading"
		}
	);
	s
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_ingest_factory_is_the_dev_factorys_telemetry_machines_with_one_second_windows() {
		let dev = Factory::from_toml(DEV_FACTORY_TOML).unwrap();
		let f = factory().unwrap();
		assert_eq!(f.gateway, dev.gateway);
		let names: Vec<&str> = f.config.machines.iter().map(|m| m.name.as_str()).collect();
		assert_eq!(names, ["env", "mpo"]);
		assert_eq!(
			f.accounts,
			["env", "mpo"].map(|s| twinchain_runtime::dev_factory::machine(s).unwrap())
		);
		assert_eq!(f.topics().collect::<Vec<_>>(), ["bench/env", "bench/mpo"]);
		assert_eq!((f.config.window_ms, f.config.reconnect_grace_ms), (1_000, 0));
		// What the node reads back from the file written for it.
		let again = Factory::from_toml(&f.config.to_toml()).unwrap();
		assert_eq!(again.accounts, f.accounts);
		assert_eq!(again.config.machines[1].telemetry[0].fields["kiln_t"], "temperature");
	}
}
