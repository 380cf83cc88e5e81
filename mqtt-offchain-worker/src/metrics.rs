//! Prometheus metrics of the bridge, registered in the node's registry (`--prometheus-port`).

use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

/// The bridge's metrics.
#[derive(Clone)]
pub struct Metrics {
	/// Messages taken.
	pub accepted: Counter<U64>,
	/// Messages refused, by reason (oversize, not_json, missing_field, wrong_type, bad_value,
	/// unknown_topic; overload: QoS 0 messages beyond the backlog the node holds).
	pub dropped: CounterVec<U64>,
	/// Readings taken into windows.
	pub readings: Counter<U64>,
	/// Readings and orders delivered a second time (MQTT QoS 1), not taken twice.
	pub duplicates: Counter<U64>,
	/// Readings refused because the telemetry buffer was full.
	pub buffer_full: Counter<U64>,
	/// Readings held in open windows.
	pub buffered: Gauge<U64>,
	/// Windows closed and queued for anchoring.
	pub windows: Counter<U64>,
	/// Commands queued for machines.
	pub commands_queued: Counter<U64>,
	/// Commands the broker acknowledged.
	pub commands_published: Counter<U64>,
	/// Calls queued for the gateway's signature.
	pub gateway_queued: Counter<U64>,
	/// Calls refused because the gateway queue was full.
	pub gateway_full: Counter<U64>,
	/// Queued calls the node signed and submitted at once (the rest wait for the offchain
	/// worker).
	pub gateway_submitted: Counter<U64>,
	/// Whether the broker connection is up.
	pub connected: Gauge<U64>,
	/// Connection losses.
	pub disconnects: Counter<U64>,
}

impl Metrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		let gauge = |name: &str, help: &str| register(Gauge::new(name, help)?, registry);
		Ok(Self {
			accepted: counter("twinchain_mqtt_messages_accepted_total", "MQTT messages taken")?,
			dropped: register(
				CounterVec::new(
					Opts::new(
						"twinchain_mqtt_messages_dropped_total",
						"MQTT messages refused, by reason",
					),
					&["reason"],
				)?,
				registry,
			)?,
			readings: counter(
				"twinchain_mqtt_readings_total",
				"Telemetry readings taken into windows",
			)?,
			duplicates: counter(
				"twinchain_mqtt_duplicates_total",
				"Readings and orders delivered a second time, not taken twice",
			)?,
			buffer_full: counter(
				"twinchain_mqtt_buffer_full_total",
				"Telemetry messages refused because the buffer was full",
			)?,
			buffered: gauge("twinchain_mqtt_buffered_readings", "Readings held in open windows")?,
			windows: counter("twinchain_mqtt_windows_closed_total", "Telemetry windows closed")?,
			commands_queued: counter(
				"twinchain_mqtt_commands_queued_total",
				"Machine commands queued",
			)?,
			commands_published: counter(
				"twinchain_mqtt_commands_published_total",
				"Machine commands acknowledged by the broker",
			)?,
			gateway_queued: counter(
				"twinchain_gateway_calls_queued_total",
				"Calls queued for the gateway's signature",
			)?,
			gateway_full: counter(
				"twinchain_gateway_queue_full_total",
				"Calls refused because the gateway queue was full",
			)?,
			gateway_submitted: counter(
				"twinchain_gateway_calls_submitted_at_once_total",
				"Queued gateway calls the node signed and submitted at once",
			)?,
			connected: gauge("twinchain_mqtt_connected", "1 while connected to the broker")?,
			disconnects: counter("twinchain_mqtt_disconnects_total", "Broker connection losses")?,
		})
	}
}
