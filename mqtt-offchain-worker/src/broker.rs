//! The embedded broker of development nodes (rumqttd, MQTT 3.1.1, no persistence, loopback
//! only), so that `twinchain --dev` needs nothing installed.

use crate::error::Error;
use rumqttd::{Broker, Config, ConnectionSettings, RouterConfig, ServerSettings};
use std::{net::SocketAddr, time::Duration};

/// Starts a broker on `addr` in its own thread; returns once it accepts connections. It takes
/// payloads up to `max_payload` bytes (larger ones end the publisher's connection), so make it
/// larger than what the bridge accepts: the bridge should see, count and drop oversize messages.
pub fn start(addr: SocketAddr, max_payload: usize) -> Result<(), Error> {
	if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
		return Err(Error::BrokerAddressInUse(addr));
	}
	let connections = ConnectionSettings {
		connection_timeout_ms: 60_000,
		max_payload_size: max_payload,
		max_inflight_count: 100,
		auth: None,
		external_auth: None,
		dynamic_filters: true,
	};
	let server = ServerSettings {
		name: "v4-loopback".into(),
		listen: addr,
		tls: None,
		next_connection_delay_ms: 1,
		connections,
	};
	let config = Config {
		router: RouterConfig {
			max_connections: 1_000,
			max_outgoing_packet_count: 200,
			max_segment_size: 100 * 1024 * 1024,
			max_segment_count: 10,
			..Default::default()
		},
		v4: Some([("1".to_string(), server)].into_iter().collect()),
		..Default::default()
	};
	let mut broker = Broker::new(config);
	std::thread::Builder::new()
		.name("mqtt-broker".into())
		.spawn(move || {
			if let Err(e) = broker.start() {
				log::error!(target: "mqtt", "embedded broker stopped: {e}");
			}
		})
		.map_err(|e| Error::BrokerThread(e.to_string()))?;
	for _ in 0..50 {
		if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
			log::info!(target: "mqtt", "embedded MQTT broker listening on {addr}");
			return Ok(());
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	Err(Error::BrokerNotStarted(addr))
}
