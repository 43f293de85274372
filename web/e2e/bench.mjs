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
  // Idle: the overlay redraws on each 1 Hz update. Panning: the view drifts 4 px every frame
  // (like a drag), turning back every 2 s, for 10 s; `redraws` counts full overlay redraws.
  const measure = (pan) => page.evaluate(async (pan) => {
    const cm = window.__picket.map, m = cm.map;
    let frames = 0, worst = 0, last = performance.now();
    const start = last, redraws0 = cm.redraws;
    await new Promise((res) => {
      const f = (now) => {
        frames++; worst = Math.max(worst, now - last); last = now;
        if (pan) m.panBy([Math.floor((now - start) / 2000) % 2 ? -4 : 4, 0], { animate: false });
        if (now - start < 10000) requestAnimationFrame(f); else res();
      };
      requestAnimationFrame(f);
    });
    return { fps: frames / ((performance.now() - start) / 1000), worst_frame_ms: worst, redraws: cm.redraws - redraws0 };
  }, pan);
  // Main-thread CPU time per frame (Chromium's ThreadTime), which other load on the machine
  // inflates far less than it does the frame rate.
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const cpu = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const measured = async (pan) => {
    const a = await cpu(); const r = await measure(pan); const b = await cpu();
    const frames = Math.round(r.fps * 10);
    return { ...r, main_thread_cpu_ms_per_frame: ((b.ThreadTime - a.ThreadTime) * 1000) / frames, script_ms_per_frame: ((b.ScriptDuration - a.ScriptDuration) * 1000) / frames };
  };
  const idle = await measured(false);
  const panning = await measured(true);
  // A real drag: the mouse held down and moved 4 px at a time, turning back every 2 s.
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy); await page.mouse.down();
  const during = measured(false);
  const d0 = Date.now();
  for (let x = cx; Date.now() - d0 < 10_000;) { x += Math.floor((Date.now() - d0) / 2000) % 2 ? -4 : 4; await page.mouse.move(x, cy); }
  const dragging = await during;
  await page.mouse.up();
  await page.screenshot({ path: join(web, 'test-results', `bench-${n}.png`) });
  console.log(JSON.stringify({ tracks: n, first_contentful_paint_ms: fcp, goto_load_event_ms: load_ms, idle, panning, dragging, dist_bytes: size(join(web, 'dist')) }, null, 1));
} finally {
  await ctx.close(); srv.stop();
}
