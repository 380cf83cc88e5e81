//! Maintenance tasks that telemetry rules open through `MaintenanceRequest`.

use super::*;

#[test]
fn maintenance_requests_take_the_machine_out_and_open_an_assigned_paid_task() {
	new_test_ext().execute_with(|| {
		type M = Tasks;
		let open = |machine, reward, blocks| {
			<M as MaintenanceRequest<u64, Balance, u64>>::open_maintenance(
				&machine, &MAKER, b"mill", reward, blocks,
			)
		};
		assert_noop!(open(999, 100, 10), Error::<Test>::MachineUnavailable);
		assert_noop!(open(OVEN, 100, 0), Error::<Test>::InvalidDeadline);
		assert_noop!(open(OVEN, 5, 10), Error::<Test>::RewardTooLow);
		// Nothing changes when the reward cannot be held: the machine stays in service.
		assert_noop!(open(OVEN, 20_000, 10), sp_runtime::TokenError::FundsUnavailable);
		assert_eq!(MockMachines::get(OVEN).status, MachineStatus::Idle);

		let task = open(OVEN, 100, 10).unwrap();
		assert_eq!(MockMachines::get(OVEN).status, MachineStatus::Maintenance);
		let t = TaskRecords::<Test>::get(task).unwrap();
		assert_eq!((t.requester, t.reward, t.deadline), (MAKER, 100, 11));
		assert_eq!(t.params.to_vec(), OVEN.encode(), "the parameters name the machine");
		assert_eq!(escrow(MAKER), 100);
		// The chain assigned it to a capable idle machine at once.
		assert_eq!(t.state, TaskState::Assigned);
		assert!(matches!(t.provider, Some(MILL1) | Some(MILL2)));
		assert_noop!(open(OVEN, 100, 10), Error::<Test>::MachineUnavailable);
	});
}
