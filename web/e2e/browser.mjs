// Shared by the end-to-end tests and the benchmark: Debian's chromium driven by playwright-core,
// and a static server for web/dist (vite preview) when no picket server is given.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

export async function launch() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const userDataDir = mkdtempSync(join(tmpdir(), 'picket-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1600, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** `vite preview` of web/dist on a free port; resolves to its URL. */
export function preview(cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules/vite/bin/vite.js'), 'preview', '--port', '0', '--strictPort', 'false', '--host', '127.0.0.1'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.replace(/\x1b\[[0-9;]*m/g, '').match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], stop: () => child.kill() });
    });
    child.on('exit', (c) => reject(new Error(`vite preview exited ${c}: ${out}`)));
  });
}
