//! Durable queues between the bridge, the chain and the broker.
//!
//! - [`GatewayQueue`]: the node's side of pallet-gateway's queue. The bridge appends encoded
//!   calls; the runtime's offchain worker signs them with the gateway key; the node removes an
//!   entry once it saw the call succeed or fail in a finalized block ([`GatewayQueue::confirm`]).
//! - [`Commands`]: machine commands to publish, each exactly once per task assignment — also
//!   across node restarts and broker reconnects: a command stays pending until the broker
//!   acknowledged it (QoS 1), and a task that was ever published is never published again.
//! - [`Current`]: the task each machine is working on, so its acknowledgements can be matched.

use crate::store::{Store, StoreExt};
use codec::{Decode, Encode};
use pallet_gateway::{entry_key, tried_key, Entry, Tried, QUEUE_KEY};
use std::sync::Mutex;

const NEXT_ID: &[u8] = b"twinchain/gateway/next";
const PENDING: &[u8] = b"twinchain/mqtt/commands/pending";
const SENT: &[u8] = b"twinchain/mqtt/commands/sent/";
const CURRENT: &[u8] = b"twinchain/mqtt/current/";

/// Why a call was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFull;

/// The gateway queue (node side). Its methods are atomic with respect to each other (the
/// MQTT client and the block follower both use it).
pub struct GatewayQueue<S> {
	store: S,
	capacity: usize,
	lock: Mutex<()>,
}

impl<S: Store> GatewayQueue<S> {
	/// The queue in `store`, holding at most `capacity` entries.
	pub fn new(store: S, capacity: usize) -> Self {
		Self { store, capacity, lock: Mutex::new(()) }
	}

	/// The queued ids, oldest first.
	pub fn ids(&self) -> Vec<u64> {
		self.store.load(QUEUE_KEY).unwrap_or_default()
	}

	/// Queues `call` to be signed by `signer`; returns its id.
	pub fn push(&self, signer: [u8; 32], call: Vec<u8>) -> Result<u64, QueueFull> {
		let _guard = self.lock.lock().expect("not poisoned");
		let mut ids = self.ids();
		if ids.len() >= self.capacity {
			return Err(QueueFull);
		}
		let id: u64 = self.store.load(NEXT_ID).unwrap_or(0);
		self.store.save(&entry_key(id), &Entry { signer, call });
		self.store.save(NEXT_ID, &(id + 1));
		ids.push(id);
		self.store.save(QUEUE_KEY, &ids);
		Ok(id)
	}

	/// The entry `id`.
	pub fn entry(&self, id: u64) -> Option<Entry> {
		self.store.load(&entry_key(id))
	}

	/// The offchain worker's attempts at `id`.
	pub fn tried(&self, id: u64) -> Option<Tried> {
		self.store.load(&tried_key(id))
	}

	/// Removes entry `id`.
	pub fn remove(&self, id: u64) {
		let _guard = self.lock.lock().expect("not poisoned");
		self.remove_locked(id)
	}

	fn remove_locked(&self, id: u64) {
		let mut ids = self.ids();
		ids.retain(|i| *i != id);
		self.store.save(QUEUE_KEY, &ids);
		self.store.remove(&entry_key(id));
		self.store.remove(&tried_key(id));
	}

	/// A call signed by `signer` appeared in a finalized block: removes the oldest entry with
	/// exactly this call and returns its id.
	pub fn confirm(&self, signer: &[u8; 32], call: &[u8]) -> Option<u64> {
		let _guard = self.lock.lock().expect("not poisoned");
		let id = self
			.ids()
			.into_iter()
			.find(|id| self.entry(*id).is_some_and(|e| &e.signer == signer && e.call == call))?;
		self.remove_locked(id);
		Some(id)
	}
}

/// A command to publish.
#[derive(Clone, Debug, Decode, Encode, PartialEq, Eq)]
pub struct Command {
	/// The task it carries out.
	pub task: u64,
	/// The topic.
	pub topic: String,
	/// The payload.
	pub payload: Vec<u8>,
}

/// Commands awaiting the broker's acknowledgement (atomic like [`GatewayQueue`]).
pub struct Commands<S> {
	store: S,
	lock: Mutex<()>,
	/// Wakes the publisher when a command is queued.
	queued: tokio::sync::Notify,
}

impl<S: Store> Commands<S> {
	/// The commands in `store`.
	pub fn new(store: S) -> Self {
		Self { store, lock: Mutex::new(()), queued: tokio::sync::Notify::new() }
	}

	fn sent_key(task: u64) -> Vec<u8> {
		[SENT, &task.to_be_bytes()[..]].concat()
	}

	/// The pending commands, oldest first.
	pub fn pending(&self) -> Vec<Command> {
		self.store.load(PENDING).unwrap_or_default()
	}

	/// Queues `command` unless its task was published or is pending; whether it was queued.
	pub fn push(&self, command: Command) -> bool {
		let _guard = self.lock.lock().expect("not poisoned");
		if self.was_sent(command.task) {
			return false;
		}
		let mut pending = self.pending();
		if pending.iter().any(|c| c.task == command.task) {
			return false;
		}
		pending.push(command);
		self.store.save(PENDING, &pending);
		// A permit is kept if the publisher is not waiting yet: no wake-up is lost.
		self.queued.notify_one();
		true
	}

	/// Returns once a command was queued since the last return (at once if one was queued
	/// meanwhile): the publisher's wake-up, instead of looking at [`Commands::pending`] again
	/// and again.
	pub async fn queued(&self) {
		self.queued.notified().await
	}

	/// Whether `task`'s command was acknowledged by the broker.
	pub fn was_sent(&self, task: u64) -> bool {
		self.store.get(&Self::sent_key(task)).is_some()
	}

	/// The broker acknowledged `task`'s command: never publish it again.
	pub fn acknowledged(&self, task: u64) {
		let _guard = self.lock.lock().expect("not poisoned");
		self.store.set(&Self::sent_key(task), &[1]);
		let mut pending = self.pending();
		pending.retain(|c| c.task != task);
		self.store.save(PENDING, &pending);
	}
}

/// What a machine is working on.
#[derive(Clone, Copy, Debug, Decode, Encode, PartialEq, Eq)]
pub struct Work {
	/// The task.
	pub task: u64,
	/// Whether the machine acknowledged starting it.
	pub started: bool,
}

/// Each machine's current task.
pub struct Current<S> {
	store: S,
}

impl<S: Store> Current<S> {
	/// The tasks in `store`.
	pub fn new(store: S) -> Self {
		Self { store }
	}

	fn key(machine: &[u8]) -> Vec<u8> {
		[CURRENT, machine].concat()
	}

	/// `machine`'s current work.
	pub fn get(&self, machine: &[u8]) -> Option<Work> {
		self.store.load(&Self::key(machine))
	}

	/// Sets `machine`'s current work.
	pub fn set(&self, machine: &[u8], work: Work) {
		self.store.save(&Self::key(machine), &work)
	}

	/// `machine` is done.
	pub fn clear(&self, machine: &[u8]) {
		self.store.remove(&Self::key(machine))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::MemStore;

	#[test]
	fn the_gateway_queue_speaks_the_offchain_workers_format_and_confirms_by_call() {
		let store = MemStore::default();
		let q = GatewayQueue::new(store.clone(), 2);
		assert_eq!(q.push([1; 32], vec![9, 9]), Ok(0));
		assert_eq!(q.push([1; 32], vec![8]), Ok(1));
		assert_eq!(q.push([1; 32], vec![7]), Err(QueueFull));
		// What pallet-gateway reads.
		let ids: Vec<u64> = Decode::decode(&mut &store.get(QUEUE_KEY).unwrap()[..]).unwrap();
		assert_eq!(ids, vec![0, 1]);
		let e: Entry = Decode::decode(&mut &store.get(&entry_key(1)).unwrap()[..]).unwrap();
		assert_eq!(e, Entry { signer: [1; 32], call: vec![8] });
		store.set(&tried_key(1), &Tried { at: 5, attempts: 1, refused: None }.encode());
		assert_eq!(q.tried(1).unwrap().attempts, 1);
		assert_eq!(q.confirm(&[2; 32], &[8]), None, "another signer");
		assert_eq!(q.confirm(&[1; 32], &[8]), Some(1));
		assert_eq!(q.ids(), vec![0]);
		assert!(store.get(&tried_key(1)).is_none() && store.get(&entry_key(1)).is_none());
		assert_eq!(q.push([1; 32], vec![7]), Ok(2), "ids are never reused");
	}

	#[test]
	fn a_tasks_command_is_published_once_even_after_a_restart() {
		let store = MemStore::default();
		let c = Commands::new(store.clone());
		let cmd = |task| Command { task, topic: "t".into(), payload: vec![task as u8] };
		assert!(c.push(cmd(1)));
		assert!(!c.push(cmd(1)), "already pending");
		assert!(c.push(cmd(2)));
		// Restart before the broker acknowledged: both still pending, in order.
		let c = Commands::new(store.clone());
		assert_eq!(c.pending(), vec![cmd(1), cmd(2)]);
		c.acknowledged(1);
		assert_eq!(c.pending(), vec![cmd(2)]);
		// The same assignment seen again (a re-scan after restart) is not queued again.
		let c = Commands::new(store);
		assert!(!c.push(cmd(1)));
		assert!(c.was_sent(1) && !c.was_sent(2));
	}

	#[test]
	fn current_work_is_kept_per_machine() {
		let cur = Current::new(MemStore::default());
		cur.set(b"m1", Work { task: 3, started: false });
		assert_eq!(cur.get(b"m1"), Some(Work { task: 3, started: false }));
		assert_eq!(cur.get(b"m2"), None);
		cur.clear(b"m1");
		assert_eq!(cur.get(b"m1"), None);
	}
}
