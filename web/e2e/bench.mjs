// Benchmark (not a test): frame rate with N synthetic tracks updating at 1 Hz, first paint,
// built asset size. Run after `npm run build`: `node e2e/bench.mjs [tracks]`.
import { launch, preview } from './browser.mjs';
import { readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 1000);
const size = (d) => readdirSync(d).reduce((s, f) => { const p = join(d, f); return s + (statSync(p).isDirectory() ? size(p) : statSync(p).size); }, 0);
mkdirSync(join(web, 'test-results'), { recursive: true });

const srv = await preview(web);
const ctx = await launch();
try {
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(`${srv.url}?bench=${n}`);
  const load_ms = Date.now() - t0;
  const fcp = await page.evaluate(() => new Promise((res) => {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    if (e) res(e.startTime); else new PerformanceObserver((l) => res(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
  }));
  await page.waitForTimeout(3000);
  // Idle: the overlay redraws on each 1 Hz update; panning forces a full redraw every frame.
  const measure = (pan) => page.evaluate(async (pan) => {
    const m = window.__picket.map.map;
    let frames = 0, worst = 0, last = performance.now();
    const start = last;
    await new Promise((res) => {
      const f = (now) => {
        frames++; worst = Math.max(worst, now - last); last = now;
        if (pan) m.panBy([frames % 2 ? 3 : -3, 0], { animate: false });
        if (now - start < 10000) requestAnimationFrame(f); else res();
      };
      requestAnimationFrame(f);
    });
    return { fps: frames / ((performance.now() - start) / 1000), worst_frame_ms: worst };
  }, pan);
  const idle = await measure(false);
  const panning = await measure(true);
  await page.screenshot({ path: join(web, 'test-results', `bench-${n}.png`) });
  console.log(JSON.stringify({ tracks: n, first_contentful_paint_ms: fcp, goto_load_event_ms: load_ms, idle, panning, dist_bytes: size(join(web, 'dist')) }, null, 1));
} finally {
  await ctx.close(); srv.stop();
}
