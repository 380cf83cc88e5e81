// The app shell: connects to the node, shows a banner while it is away, routes between the
// views (#/product/<did>, #/factory[/<did>], #/tasks, #/actions) and updates the visible view on
// every new block, without reloading.

import { connect, nodeUrl, esc, type Chain } from './chain';
import { productView } from './views/product';
import { factoryView } from './views/factory';
import { tasksView } from './views/tasks';
import { actionsView } from './views/actions';

/** A mounted view: `update` redraws it from the chain (called on every new block). */
export interface View {
  update(): Promise<void>;
}
export type ViewFactory = (root: HTMLElement, chain: Chain, arg: string) => View;

const views: Record<string, ViewFactory> = {
  product: productView,
  factory: factoryView,
  tasks: tasksView,
  actions: actionsView,
};

const banner = document.getElementById('banner')!;
const info = document.getElementById('chain-info')!;
const root = document.getElementById('view')!;

function showBanner(message: string | null) {
  banner.hidden = !message;
  banner.textContent = message ?? '';
}

let current: View | null = null;
let updating = false;
let again = false;

/** Redraws the current view; updates that arrive meanwhile coalesce into one more. */
async function update() {
  if (!current) return;
  if (updating) {
    again = true;
    return;
  }
  updating = true;
  try {
    await current.update();
  } catch (e) {
    console.error(e);
  } finally {
    updating = false;
    if (again) {
      again = false;
      void update();
    }
  }
}

function route(chain: Chain) {
  const [, name = 'product', ...rest] = location.hash.replace(/^#/, '').split('/');
  const factory = views[name] ?? views.product;
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', (a as HTMLElement).dataset.view === name));
  root.innerHTML = '';
  current = factory(root, chain, decodeURIComponent(rest.join('/')));
  void update();
}

async function start() {
  const url = nodeUrl();
  let connected = false;
  showBanner(`Connecting to ${url}…`);
  const chain = await connect(url, (up, error) => {
    if (up === connected && !error) return;
    connected = up;
    showBanner(up ? null : `The node at ${url} is not reachable${error ? ` (${error})` : ''} — reconnecting…`);
    if (up) void update();
  });
  connected = true;
  showBanner(null);
  const name = (await chain.api.rpc.system.chain()).toString();
  await chain.api.rpc.chain.subscribeNewHeads((header) => {
    info.innerHTML = `${esc(name)} · block <b data-testid="best">#${header.number.toNumber()}</b>`;
    void update();
  });
  window.addEventListener('hashchange', () => route(chain));
  route(chain);
}

start().catch((e) => showBanner(`Cannot start: ${e instanceof Error ? e.message : String(e)}`));
