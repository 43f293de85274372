// A stand-in for picket's HTTP API, used by the e2e tests ONLY while `picket demo` does not serve
// the console yet. It follows picket-api's routes and JSON shapes (whoami, sites, WebSocket
// snapshot + updates, alerts acknowledge/resolve with roles, track history) with scripted test
// data: a drone flying into a protected zone raises an alert. It is not picket.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { WebSocketServer } from 'ws';

const EARTH_R_M = 6_371_008.8;
export function startStandin(dist) {
  const origin = { lat_deg: 51.5, lon_deg: -0.12, alt_m: 0 };
  const tokens = { viewer: 'viewer-token', operator: 'operator-token' };
  const roleOf = (t) => Object.entries(tokens).find(([, v]) => v === t)?.[0];
  const zones = [{ id: 'core', kind: 'protected', shape: { circle: { x: 0, y: 0, r_m: 300 } }, floor_m: 0, ceiling_m: 400, altitude_ref: 'above_ground' }];
  const sensors = [
    { name: 'radar-1', kind: 'radar', format: 'asterix-cat048', frames: 0, reports: 0, rejects: { crc: 2 }, shed: 0, last_seen: null, latency_ms: 4, stale: false },
    { name: 'camera-1', kind: 'camera', format: 'json', frames: 10, reports: 10, rejects: {}, shed: 0, last_seen: null, latency_ms: null, stale: true },
  ];
  const history = [], alerts = new Map(), clients = new Set();
  const t0 = Date.now() / 1000;
  let time = t0, inside = false;
  const geo = (x, y) => ({ lat_deg: origin.lat_deg + (y / EARTH_R_M) * 180 / Math.PI, lon_deg: origin.lon_deg + (x / (EARTH_R_M * Math.cos(origin.lat_deg * Math.PI / 180))) * 180 / Math.PI, alt_m: 0 });
  const track = (id, x, y, vx, vy, cls, identity, pilot) => ({ id, time, position: { x, y, z: 80 }, velocity: { x: vx, y: vy, z: 0 }, cov: [], status: 'confirmed', class: cls, identity, pilot, sensors: 1, last_update: time, update_count: Math.round(time - t0), geodetic: geo(x, y), best_class: ['drone', 'bird', 'aircraft', 'other'][cls.indexOf(Math.max(...cls))] });
  const tracks = () => {
    const dt = time - t0;
    return [
      track(1, 900 - 40 * dt, 50, -40, 0, [0.9, 0.05, 0.03, 0.02], { remote_id: 'SN-STANDIN-1' }, geo(1200, -400)),
      track(2, -600, -800 + 15 * dt, 0, 15, [0.1, 0.8, 0.05, 0.05], null, null),
      track(3, 2000 * Math.cos(dt / 60), 2000 * Math.sin(dt / 60), -33 * Math.sin(dt / 60), 33 * Math.cos(dt / 60), [0.02, 0.02, 0.9, 0.06], { icao: 0x4ca123 }, null),
    ];
  };
  const send = (m) => { const s = JSON.stringify(m); for (const c of clients) c.send(s); };
  const setAlert = (a) => { alerts.set(a.alert, a); send({ type: 'alert', ...a }); };
  const tick = setInterval(() => {
    time = Date.now() / 1000;
    const ts = tracks();
    history.push(...ts.map((t) => ({ ...t })));
    const d = ts[0];
    if (!inside && Math.hypot(d.position.x, d.position.y) < 300) {
      inside = true;
      setAlert({ alert: 1, time, track: 1, rule: 'entry', zone: 'core', level: 3, state: 'raised', actor: 'system', cause: 'track 1 entered zone core', raised_at: time });
    }
    sensors[0].frames += 10; sensors[0].reports += 9; sensors[0].last_seen = time;
    send({ type: 'tracks', time, tracks: ts, deleted: [] });
    send({ type: 'sensor', ...sensors[0] });
  }, 1000);

  const json = (res, code, body) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith('/api/')) {
      const f = join(dist, url.pathname === '/' ? 'index.html' : url.pathname);
      if (!existsSync(f)) { res.writeHead(404); res.end(); return; }
      const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
      res.writeHead(200, { 'Content-Type': types[extname(f)] ?? 'application/octet-stream' }); res.end(readFileSync(f)); return;
    }
    const role = roleOf((req.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (!role) return json(res, 401, { error: 'no token' });
    const p = url.pathname.replace('/api/v1', '');
    const win = (rows) => { const from = Number(url.searchParams.get('from') ?? 0), to = Number(url.searchParams.get('to') ?? Infinity); return rows.filter((r) => r.time >= from && r.time <= to); };
    let m;
    if (p === '/whoami') return json(res, 200, { name: `${role}-user`, role });
    if (p === '/sites') return json(res, 200, [{ id: 'demo', origin, time, tracks: 3, alerts_open: alerts.size, sensors: 2, stale_sensors: 1, history: true, ingest: false }]);
    if (p === '/sites/demo/whitelist') return json(res, 200, []);
    if (p === '/sites/demo/history/tracks') return json(res, 200, { from: 0, to: time, truncated: false, items: win(history) });
    if ((m = p.match(/^\/sites\/demo\/tracks\/(\d+)\/history$/))) return json(res, 200, { from: 0, to: time, truncated: false, items: win(history.filter((h) => h.id === Number(m[1]))) });
    if ((m = p.match(/^\/sites\/demo\/alerts\/(\d+)$/)) && alerts.has(Number(m[1]))) return json(res, 200, alerts.get(Number(m[1])));
    if ((m = p.match(/^\/sites\/demo\/alerts\/(\d+)\/(acknowledge|resolve)$/)) && req.method === 'POST') {
      if (role === 'viewer') return json(res, 403, { error: 'operator role needed' });
      const a = alerts.get(Number(m[1]));
      if (!a) return json(res, 404, { error: 'no alert' });
      setAlert({ ...a, time: Date.now() / 1000, state: m[2] === 'acknowledge' ? 'acknowledged' : 'resolved', actor: { operator: `${role}-user` } });
      return json(res, 200, alerts.get(a.alert));
    }
    json(res, 404, { error: `no route ${p}` });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/api/v1/sites/demo/stream' || !roleOf(url.searchParams.get('access_token'))) { sock.destroy(); return; }
    wss.handleUpgrade(req, sock, head, (ws) => {
      clients.add(ws); ws.on('close', () => clients.delete(ws));
      ws.send(JSON.stringify({ type: 'snapshot', site: 'demo', origin, time, tracks: tracks(), alerts: [...alerts.values()], sensors, zones }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`, viewer: tokens.viewer, operator: tokens.operator,
    stop: () => { clearInterval(tick); wss.close(); server.close(); for (const c of clients) c.terminate(); },
  })));
}
