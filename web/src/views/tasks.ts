// Tasks: every M2M task with its state and the reward in escrow, grouped by state, and the
// production orders; live as blocks arrive.

import { esc, short, text, twin, didOf, type Chain, type Json } from '../chain';
import type { View } from '../main';

const GROUPS: [string, string[]][] = [
  ['Open', ['Open']],
  ['Assigned', ['Assigned']],
  ['In progress', ['InProgress', 'Completed', 'Disputed']],
  ['Settled', ['Settled']],
  ['Ended otherwise', ['Cancelled', 'Expired', 'Failed', 'Refunded']],
];
const ESCROWED = ['Open', 'Assigned', 'InProgress', 'Completed', 'Disputed'];

export function tasksView(root: HTMLElement, chain: Chain): View {
  root.innerHTML = `<section><h1>Tasks</h1><div id="escrow" data-testid="escrow"></div><div id="groups"></div><h2>Production orders</h2><div id="orders"></div></section>`;
  const escrow = root.querySelector<HTMLElement>('#escrow')!;
  const groups = root.querySelector<HTMLElement>('#groups')!;
  const orders = root.querySelector<HTMLElement>('#orders')!;
  const api = chain.api;

  return {
    async update() {
      const tasks = (await api.query.tasks.taskRecords.entries())
        .map(([k, v]) => ({ id: (k.args[0] as Json).toNumber() as number, t: (v as Json).unwrap() }))
        .sort((a, b) => b.id - a.id);
      const held = tasks.filter(({ t }) => ESCROWED.includes(t.state.type)).reduce((sum, { t }) => sum + t.reward.toBigInt(), 0n);
      escrow.innerHTML = `<p>${tasks.length} tasks · <b data-testid="escrow-total">${esc(twin(held))}</b> in escrow</p>`;
      groups.innerHTML = GROUPS.map(([title, states]) => {
        const rows = tasks.filter(({ t }) => states.includes(t.state.type));
        return `<h2>${esc(title)} <small class="muted">${rows.length}</small></h2>${rows.length === 0 ? '' : `<table data-testid="tasks-${esc(title.toLowerCase().replace(/ /g, '-'))}">
          <thead><tr><th>#</th><th>capability</th><th>state</th><th>machine</th><th>requester</th><th>reward</th><th>deadline</th><th>order</th></tr></thead><tbody>
          ${rows.slice(0, 200).map(({ id, t }) => `<tr data-testid="task" data-task="${id}" data-state="${esc(t.state.type)}">
            <td>${id}</td><td>${esc(text(t.capability))}</td><td><span class="badge">${esc(t.state.type)}</span></td>
            <td>${t.provider.isSome ? `<a href="#/factory/${esc(didOf(t.provider.unwrap().toString()))}">${esc(short(t.provider.unwrap().toString()))}</a>` : '—'}</td>
            <td>${esc(short(t.requester.toString()))}</td><td>${esc(twin(t.reward.toBigInt()))}</td><td>#${t.deadline.toNumber()}</td>
            <td>${t.order.isSome ? `${t.order.unwrap()[0].toNumber()} step ${t.order.unwrap()[1].toNumber() + 1}` : ''}</td></tr>`).join('')}
          </tbody></table>`}`;
      }).join('');
      const list = (await api.query.tasks.orders.entries())
        .map(([k, v]) => ({ id: (k.args[0] as Json).toNumber() as number, o: (v as Json).unwrap() }))
        .sort((a, b) => b.id - a.id);
      orders.innerHTML = list.length === 0 ? '<p class="muted">none</p>' : `<table data-testid="orders"><thead><tr><th>#</th><th>product</th><th>recipe</th><th>step</th><th>state</th><th>reward per step</th></tr></thead><tbody>
        ${list.slice(0, 100).map(({ id, o }) => `<tr data-testid="order" data-order="${id}" data-state="${esc(o.state.type)}"><td>${id}</td>
          <td><a href="#/product/${esc(didOf(o.product.toString()))}">${esc(short(o.product.toString()))}</a></td><td>${o.recipe.toNumber()}</td>
          <td>${o.step.toNumber() + 1}</td><td><span class="badge">${esc(o.state.type)}</span></td><td>${esc(twin(o.rewardPerStep.toBigInt()))}</td></tr>`).join('')}
        </tbody></table>`;
    },
  };
}
