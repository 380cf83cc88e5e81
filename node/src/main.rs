//! The `twinchain` node: Aura + GRANDPA proof of authority over the Twinchain runtime.

mod chain_spec;
mod cli;
mod command;
mod did;
mod gateway;
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
