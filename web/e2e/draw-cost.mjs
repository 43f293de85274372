// Benchmark helper: the cost of one full redraw of 1,000 tracks with trails, and of one map pan.
import { launch, preview } from './browser.mjs';
const srv = await preview(new URL('..', import.meta.url).pathname); const ctx = await launch();
const page = await ctx.newPage(); await page.goto(`${srv.url}?bench=1000`); await page.waitForTimeout(2500);
console.log(await page.evaluate(() => { const m = window.__picket.map; let t = performance.now(); for (let i = 0; i < 20; i++) m.draw(); const d = (performance.now() - t) / 20;
 t = performance.now(); for (let i = 0; i < 20; i++) m.map.panBy([2, 0], { animate: false }); const p = (performance.now() - t) / 20; return { draw_ms: d, pan_ms: p }; }));
await ctx.close(); srv.stop();
