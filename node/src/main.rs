//! The `twinchain` node: Aura + GRANDPA proof of authority over the Twinchain runtime.

// `sc_cli::Error` and `sc_service::Error` are large, but they are Substrate's: the node's
// commands and services return them as its runner and service builder want them.
#![allow(clippy::result_large_err, reason = "Substrate's CLI and service error types")]

mod bridge;
mod chain_spec;
mod cli;
mod command;
mod did;
mod provenance;
mod query;
mod rpc;
mod service;
mod telemetry;
mod twins;
mod vc;

fn main() -> sc_cli::Result<()> {
	command::run()
}
