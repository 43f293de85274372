// End-to-end tests in Debian's chromium (playwright-core) against a running `picket demo`, and
// nothing else: without the binary (`cargo build -p picket` first, or PICKET_BIN) they fail.
// The demo prints its console URL and a viewer and an operator token; the tests log in as each.
// Screenshots go to web/test-results/. Prints "e2e: P passed, F failed, S skipped".
import { launch } from './browser.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(web, 'test-results');
mkdirSync(out, { recursive: true });
const bin = process.env.PICKET_BIN ?? join(web, '../target/debug/picket');
if (!existsSync(bin)) {
  console.error(`e2e: no picket binary at ${bin}: run \`cargo build -p picket\` first (or set PICKET_BIN)`);
  console.log('e2e: 0 passed, 1 failed, 0 skipped (no picket binary)');
  process.exit(1);
}
const results = { passed: 0, failed: 0, skipped: 0 };

// An offline basemap for the demo: a small MBTiles file over the site-defense preset's origin
// (36.19 N, 44.01 E), written by Python's sqlite3 (Node 20 has none). Without python3 the
// basemap test is skipped and the demo runs with its grid alone.
const mbtiles = join(out, 'e2e.mbtiles');
const made = spawnSync('python3', [join(web, 'e2e/make-mbtiles.py'), mbtiles, '36.19', '44.01'], { stdio: 'inherit' });
const basemap = made.status === 0 ? ['--basemap', mbtiles] : [];

function startDemo() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['demo', '--speed', process.env.DEMO_SPEED ?? '1', ...basemap], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no console URL from picket demo within 60 s:\n${text}`)); }, 60_000);
    child.stdout.on('data', (d) => {
      text += d;
      const url = text.match(/console:\s+(https?:\/\/\S+)/)?.[1];
      const viewer = text.match(/viewer token:\s+(\S+)/)?.[1];
      const operator = text.match(/operator token:\s+(\S+)/)?.[1];
      const none = text.match(/console:\s+([^h\s].*)/)?.[1];
      if (none) { clearTimeout(timer); child.kill(); reject(new Error(`picket demo serves no console: ${none}`)); return; }
      if (url && viewer && operator) { clearTimeout(timer); resolve({ url: url.replace(/\/?$/, '/'), viewer, operator, stop: () => child.kill() }); }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`picket demo exited ${c} before serving the console:\n${text}`)); });
  });
}

async function test(name, fn) {
  const t0 = Date.now();
  try { await fn(); results.passed++; console.log(`ok   ${name} (${Date.now() - t0} ms)`); }
  catch (e) { results.failed++; console.log(`FAIL ${name}: ${e.message}`); }
}
const assert = (c, msg) => { if (!c) throw new Error(msg); };

async function login(ctx, url, token) {
  const page = await ctx.newPage();
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForFunction(() => window.__picket?.picture.time > 0, null, { timeout: 30_000 });
  return page;
}

async function rest(demo, token, method, path) {
  const res = await fetch(new URL(`api/v1${path}`, demo.url), { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
  return { status: res.status, body: res.ok ? await res.json() : await res.text() };
}

let demo;
try {
  demo = await startDemo();
} catch (e) {
  console.error(`e2e: ${e.message}`);
  console.log(`e2e: 0 passed, 1 failed, 0 skipped (picket demo from ${bin} did not serve the console)`);
  process.exit(1);
}
const ctx = await launch();
const tiles = [];
ctx.on('response', (r) => { if (r.url().includes('/tiles/')) tiles.push(r.status()); });
let alertId = null;
try {
  const op = await login(ctx, demo.url, demo.operator);

  if (basemap.length) {
    await test('offline basemap: tiles from the MBTiles file under the grid', async () => {
      await op.waitForFunction(() => (document.getElementById('map')?.dataset.basemap ?? '').startsWith('basemap'), null, { timeout: 20_000 });
      const deadline = Date.now() + 20_000;
      while (!tiles.includes(200) && Date.now() < deadline) await op.waitForTimeout(250);
      assert(tiles.includes(200), `no tile served (responses: ${tiles.join(', ') || 'none'})`);
      await op.screenshot({ path: join(out, 'basemap.png') });
    });
  } else {
    results.skipped++;
    console.log('skip offline basemap (no python3 to write the MBTiles file)');
  }

  await test('tracks appear and move', async () => {
    await op.waitForFunction(() => window.__picket.picture.tracks.size > 0, null, { timeout: 60_000 });
    const before = await op.evaluate(() => Object.fromEntries([...window.__picket.picture.tracks.values()].map((t) => [t.id, [t.position.x, t.position.y]])));
    await op.waitForTimeout(4000);
    const moved = await op.evaluate((b) => [...window.__picket.picture.tracks.values()].filter((t) => b[t.id] && Math.hypot(t.position.x - b[t.id][0], t.position.y - b[t.id][1]) > 1).length, before);
    await op.screenshot({ path: join(out, 'live-tracks.png') });
    assert(moved > 0, 'no track moved more than 1 m in 4 s');
  });

  await test('sensors are drawn with their coverage and tracks name their sensors', async () => {
    const layout = await op.evaluate(() => window.__picket.picture.layout);
    assert(layout.length > 0, 'the snapshot carried no sensor layout');
    const r = await rest(demo, demo.operator, 'GET', '/sites/demo/layout');
    assert(r.status === 200 && r.body.length === layout.length, `layout route: ${r.status}`);
    assert(layout.every((s) => s.geodetic && s.name), 'a sensor without a position or name');
    const withCoverage = layout.filter((s) => s.coverage).length;
    assert(withCoverage > 0, 'no sensor has a coverage to draw');
    for (const s of layout) await op.waitForSelector(`#sensors tr[data-sensor="${s.name}"]`, { timeout: 5_000 });
    assert((await op.locator('[data-sensor-label]').count()) === layout.length, 'sensor names are not all on the map');
    const names = new Set(layout.map((s) => s.name));
    const id = await op.evaluate((names) => [...window.__picket.picture.tracks.values()].find((t) => t.sensor_names?.length && t.sensor_names.every((n) => names.includes(n)))?.id, [...names]);
    assert(id != null, 'no live track names its sensors from the layout');
    await op.evaluate((id) => window.__picket.select(id), id);
    await op.waitForSelector('#detail .sensor-names', { timeout: 5_000 });
    const shown = await op.textContent('#detail .sensor-names');
    assert(!shown.includes('#') && [...names].some((n) => shown.includes(n)), `track detail shows sensors as "${shown}"`);
    await op.screenshot({ path: join(out, 'sensors.png') });
    await op.evaluate(() => window.__picket.select(null));
  });

  await test('after dragging the map, clicking a track opens its detail', async () => {
    const box = await op.locator('#map').boundingBox();
    await op.mouse.move(box.x + 300, box.y + 300); await op.mouse.down();
    for (let i = 1; i <= 10; i++) await op.mouse.move(box.x + 300 + 12 * i, box.y + 300 + 5 * i);
    await op.mouse.up();
    await op.waitForTimeout(400);
    // A track well inside the view, where the map puts it now.
    const at = await op.evaluate(() => {
      const m = window.__picket.map.map, size = m.getSize();
      for (const t of window.__picket.picture.tracks.values()) {
        const p = m.latLngToContainerPoint([t.geodetic.lat_deg, t.geodetic.lon_deg]);
        if (p.x > 50 && p.y > 50 && p.x < size.x - 50 && p.y < size.y - 50) return { id: t.id, x: p.x, y: p.y };
      }
      return null;
    });
    assert(at, 'no track in view after the drag');
    await op.mouse.click(box.x + at.x, box.y + at.y);
    await op.waitForSelector('#detail-section:not([hidden])', { timeout: 5_000 });
    const shown = await op.textContent('#detail-id');
    assert(shown.startsWith('T'), `detail shows ${shown}`);
    await op.click('#detail-close');
  });

  await test('an alert appears when a drone enters a zone', async () => {
    // The first open alert that names a zone (the demo also raises zone-less ones, e.g. no Remote ID).
    const h = await op.waitForFunction(() => [...window.__picket.picture.alerts.values()].find((a) => a.zone && (a.state === 'raised' || a.state === 'escalated'))?.alert, null, { timeout: 180_000 });
    alertId = await h.jsonValue();
    await op.waitForSelector(`#alerts li[data-alert="${alertId}"]`, { timeout: 5_000 });
    const a = await op.evaluate((id) => window.__picket.picture.alerts.get(id), alertId);
    await op.screenshot({ path: join(out, 'alert.png') });
    assert(a.zone, `alert ${alertId} names no zone (rule ${a.rule})`);
    assert((await op.title()).match(/^\(\d+\)/), `title has no unacknowledged count: ${await op.title()}`);
  });

  await test('acknowledging changes the alert on the server', async () => {
    assert(alertId != null, 'no alert to acknowledge');
    await op.click(`#alerts li[data-alert="${alertId}"] button[data-act=acknowledge]`);
    await op.waitForSelector(`#alerts li[data-alert="${alertId}"][data-state=acknowledged]`, { timeout: 10_000 });
    const r = await rest(demo, demo.operator, 'GET', `/sites/demo/alerts/${alertId}`);
    assert(r.status === 200 && r.body.state === 'acknowledged', `server says ${r.status} ${JSON.stringify(r.body)}`);
  });

  await test('a viewer cannot acknowledge', async () => {
    const vctx = await launch();
    try {
      const v = await login(vctx, demo.url, demo.viewer);
      await v.waitForSelector('#alerts li.alert', { timeout: 60_000 });
      assert(await v.locator('#alerts button[data-act]').count() === 0, 'a viewer is offered acknowledge/resolve');
      await v.screenshot({ path: join(out, 'viewer.png') });
      const id = alertId ?? Number(await v.locator('#alerts li.alert').first().getAttribute('data-alert'));
      const r = await rest(demo, demo.viewer, 'POST', `/sites/demo/alerts/${id}/resolve`);
      assert(r.status === 403, `the API answered a viewer's resolve with ${r.status}`);
    } finally { await vctx.close(); }
  });

  await test('measurement: range and bearing between two clicked points', async () => {
    await op.click('#measure-btn');
    const box = await op.locator('#map').boundingBox();
    await op.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await op.mouse.click(box.x + box.width / 2 + 200, box.y + box.height / 2);
    const text = await op.textContent('#measure-out');
    assert(/range [\d.]+ k?m {2}bearing (89|90)\.\d°/.test(text), `measure says ${text}`);
    assert((await op.textContent('#cursor')).includes('from origin'), 'no coordinates under the cursor');
    await op.click('#measure-btn');
  });

  await test('a wrong token is refused at login', async () => {
    const bctx = await launch();
    try {
      const p = await bctx.newPage();
      await p.goto(demo.url);
      await p.fill('#token', 'not-a-token');
      await p.click('button[type=submit]');
      await p.waitForSelector('#login-error:not(:empty)', { timeout: 10_000 });
      assert(await p.locator('#app').isHidden(), 'the console opened with a wrong token');
    } finally { await bctx.close(); }
  });

  await test('replay shows a past moment, marked not live', async () => {
    await op.click('#replay-btn');
    await op.waitForSelector('#mode.replay', { timeout: 20_000 });
    assert((await op.textContent('#mode')).includes('NOT LIVE'), 'mode is not marked NOT LIVE');
    await op.waitForFunction(() => { const r = window.__picket.replay; return r && !r.loading && r.history.length > 0; }, null, { timeout: 20_000 });
    const r = await op.evaluate(() => { const r = window.__picket.replay; return { t0: r.t0, t1: r.t1, n: r.history.length }; });
    assert(r.n > 0 && r.t1 > r.t0, `replay holds ${r.n} states`);
    // The timeline spans the whole store; the middle of it is loaded on demand.
    const at = r.t0 + (r.t1 - r.t0) / 2;
    await op.evaluate((at) => { const el = document.getElementById('timeline'); el.value = String(at); el.dispatchEvent(new Event('input')); }, at);
    await op.waitForFunction((at) => { const r = window.__picket.replay; return !r.loading && r.from <= at && at <= r.to; }, at, { timeout: 20_000 });
    const shown = await op.evaluate(() => { const r = window.__picket.replay; return { t: r.t, tracks: window.__picket.stateAt(r.history, r.t).size }; });
    assert(Math.abs(shown.t - at) < 1 && shown.t < r.t1 - 1, `replay is at ${shown.t}, wanted ${at}`);
    assert(shown.tracks > 0, `no stored track at ${at}`);
    // The alerts panel shows that moment, offers no actions, and still counts live alerts.
    await op.waitForSelector('#alerts .replay-note', { timeout: 5_000 });
    assert(await op.locator('#alerts button[data-act]').count() === 0, 'replay offers acknowledge/resolve');
    await op.screenshot({ path: join(out, 'replay.png') });
    await op.click('#live-btn');
    await op.waitForSelector('#mode.live', { timeout: 5_000 });
    await op.waitForFunction(() => !document.querySelector('#alerts .replay-note'), null, { timeout: 5_000 });
  });
} finally {
  await ctx.close();
  demo.stop();
}
console.log(`e2e: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped (against picket demo, ${bin})`);
process.exit(results.failed ? 1 : 0);
