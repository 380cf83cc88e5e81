// Serves the built web app (web/dist) on loopback: `node web/serve.mjs [--port 8000] [--host 127.0.0.1]`.
// Static files only (no dependencies); the app itself talks to the node's WebSocket RPC.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };
export const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');

/** Starts serving `dir`; resolves to the server once it listens. */
export function serve({ dir = DIST, port = 8000, host = '127.0.0.1' } = {}) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir}/index.html is missing: build the app first (cd web && npm ci && npm run build)`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    fs.createReadStream(target).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
  const port = Number(arg('port', 8000));
  const host = arg('host', '127.0.0.1');
  serve({ port, host }).then(() => console.log(`Twinchain web app on http://${host}:${port}/`)).catch((e) => { console.error(e.message); process.exit(1); });
}
