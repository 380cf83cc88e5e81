//! # mqtt-offchain-worker: Twinchain's MQTT side
//!
//! The node runs a [`bridge::Bridge`] between the factory's MQTT broker and the chain:
//!
//! - **In**: every message is checked against its topic's payload profile ([`payload`]:
//!   the fischertechnik Training Factory 4.0 topics and a generic JSON profile, configured in
//!   [`config`]); a bad one is counted (Prometheus, [`metrics`]), logged with its topic (a
//!   flood of them at most once per ten seconds per topic and kind, [`throttle`]) and dropped. Telemetry readings go into durable per-machine windows ([`telemetry`]); closed
//!   windows are summarised with a Merkle root and queued to be anchored.
//! - **To the chain**: the bridge's [`bridge::Action`]s (anchor a window, start or complete a
//!   task, place an order) become calls in the gateway queue ([`outbox::GatewayQueue`]) in the
//!   node's offchain database; the runtime's offchain worker (pallet-gateway) signs them with
//!   the gateway key in the node's keystore.
//! - **Out**: a task assigned to a machine of this factory becomes its command, published once
//!   per assignment ([`outbox::Commands`]), also across restarts and reconnects ([`mqtt`]).
//! - Set-up errors are an [`Error`] (a refused message is a [`payload::PayloadError`]).
//! - [`broker`] embeds a broker for development nodes; `factory-sim` (in `src/bin`) simulates
//!   the factory.

pub mod bridge;
pub mod broker;
pub mod config;
pub mod error;
pub mod metrics;
pub mod mqtt;
pub mod outbox;
pub mod payload;
pub mod store;
pub mod telemetry;
pub mod throttle;

pub use bridge::{Action, Assignment, Bridge};
pub use config::{Factory, DEV_FACTORY_TOML};
pub use error::Error;
pub use store::{MemStore, Store};
