import { defineConfig } from 'vite';

// Static files only: the app talks to the node's JSON-RPC (WebSocket) from the browser.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 8000 },
});
