//! The client's URL and TLS checks, and the client end to end against the embedded broker.

use super::*;
use crate::{
	bridge::Assignment,
	config::{parse_account, Factory},
	store::MemStore,
};
use rumqttc::{Event, Packet, QoS};
use std::sync::Mutex;

#[test]
fn broker_urls_are_parsed_with_default_ports() {
	assert_eq!(parse_url("mqtt://127.0.0.1:1884").unwrap(), (false, "127.0.0.1".into(), 1884));
	assert_eq!(parse_url("mqtts://broker.example").unwrap(), (true, "broker.example".into(), 8883));
	assert_eq!(parse_url("mqtt://h/").unwrap(), (false, "h".into(), 1883));
	assert_eq!(parse_url("tcp://h:1").unwrap_err(), Error::UrlScheme("tcp://h:1".into()));
	assert!(parse_url("tcp://h:1").unwrap_err().to_string().contains("mqtt://"));
	assert!(parse_url("mqtt://h:x").unwrap_err().to_string().contains("port"));
	assert!(parse_url("mqtt://:1").unwrap_err().to_string().contains("no host"));
	let o = ClientOptions {
		url: "mqtts://h".into(),
		client_id: "c".into(),
		credentials: None,
		ca_pem: None,
		client_auth: None,
		max_packet: 1024,
	};
	let err = mqtt_options(&o).unwrap_err();
	assert_eq!(err, Error::NoCaFile);
	assert!(err.to_string().contains("ca-file"));
}

/// A free port on loopback.
fn free_port() -> u16 {
	std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
	for _ in 0..200 {
		if done() {
			return;
		}
		tokio::time::sleep(Duration::from_millis(50)).await;
	}
	panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_takes_messages_publishes_commands_once_and_shuts_down() {
	let port = free_port();
	let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
	crate::broker::start(addr, 1 << 20).unwrap();
	let mpo = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	let factory = Factory::from_toml(&format!(
		r#"
gateway = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
reconnect_grace_ms = 0
[[machines]]
name = "mpo"
account = "{mpo}"
telemetry = [{{ topic = "sim/mpo/kiln", profile = "json", ts = "ts", fields = {{ kiln_t = "temperature" }} }}]
commands = [{{ capability = "oven", topic = "fl/vgr/do", payload = '{{"task":{{task}}}}' }}]
ack = {{ topic = "fl/mpo/ack", field = "code", started = "1", done = "2", task_field = "task" }}
"#
	))
	.unwrap();
	let bridge = Arc::new(Bridge::new(factory, MemStore::default(), None).unwrap());
	let actions = Arc::new(Mutex::new(Vec::new()));
	let sink: ActionSink = {
		let actions = actions.clone();
		Arc::new(move |a| actions.lock().unwrap().extend(a))
	};
	let options = ClientOptions {
		url: format!("mqtt://127.0.0.1:{port}"),
		client_id: "twinchain-test".into(),
		credentials: None,
		ca_pem: None,
		client_auth: None,
		max_packet: 1 << 20,
	};
	let shutdown = Shutdown::default();
	let running = tokio::spawn(run(options, bridge.clone(), sink, None, shutdown.clone()));

	// The machine's side: it listens for commands and acknowledges one.
	let mut o = MqttOptions::new("machine", "127.0.0.1", port);
	o.set_keep_alive(Duration::from_secs(30));
	let (machine, mut machine_events) = AsyncClient::new(o, 100);
	machine.subscribe("fl/vgr/do", QoS::AtLeastOnce).await.unwrap();
	let commands = Arc::new(Mutex::new(Vec::new()));
	let seen = commands.clone();
	tokio::spawn(async move {
		while let Ok(event) = machine_events.poll().await {
			if let Event::Incoming(Packet::Publish(p)) = event {
				seen.lock().unwrap().push(p.payload.to_vec());
			}
		}
	});
	// The bridge's subscriptions are in place before the machine publishes.
	tokio::time::sleep(Duration::from_secs(1)).await;

	// A reading is taken.
	let reading = format!(r#"{{"ts":"{}","temperature":21}}"#, crate::bridge::ts(now_ms()));
	machine.publish("sim/mpo/kiln", QoS::AtLeastOnce, false, reading).await.unwrap();
	until("the reading", || bridge.windows().buffered() == 1).await;

	// An assignment is published once, and marked sent once the broker acknowledged it.
	let a = Assignment {
		task: 7,
		machine: parse_account(mpo).unwrap(),
		capability: "oven".into(),
		params: b"{}".to_vec(),
		product: None,
		tag: None,
		colour: None,
	};
	assert!(bridge.on_assigned(&a, now_ms()));
	until("the command sent", || bridge.commands().was_sent(7)).await;
	until("the command at the machine", || commands.lock().unwrap().len() == 1).await;
	assert_eq!(commands.lock().unwrap()[0], br#"{"task":7}"#.to_vec());
	assert!(!bridge.on_assigned(&a, now_ms()), "once per task");

	// The machine's acknowledgement starts the task.
	machine
		.publish("fl/mpo/ack", QoS::AtLeastOnce, false, r#"{"code":1,"task":7}"#)
		.await
		.unwrap();
	until("the start", || actions.lock().unwrap().contains(&Action::Start { task: 7 })).await;

	shutdown.stop();
	let stopped = tokio::time::timeout(Duration::from_secs(5), running).await;
	assert!(matches!(stopped, Ok(Ok(Ok(())))), "every task stops: {stopped:?}");
	assert_eq!(commands.lock().unwrap().len(), 1, "no command twice");
}
