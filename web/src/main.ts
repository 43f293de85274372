// The operator console: login, the live picture from the site's stream, panels, replay.
import './style.css';
import { api, ApiError, stream, token } from './api';
import { ConsoleMap } from './map';
import { CLASSES, Picture, alertsAt, authorization, bestClass, threatAt, coverageText, formatLatLon, formatRange, identityText, isRemoteId, rangeBearing, sensorNames, sortAlerts, speedMps, stateAt, threatColour, unacknowledged, type AlertEvent, type Authorized, type BasemapInfo, type Geodetic, type Track } from './logic';
import { syntheticFeed } from './bench';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const actorText = (a: unknown) => (a && typeof a === 'object' && 'operator' in a ? ` by ${esc(String((a as { operator: unknown }).operator))}` : '');
const utc = (t: number) => new Date(t * 1000).toISOString().slice(11, 19) + 'Z';

let role = 'viewer';
const canAct = () => role === 'operator' || role === 'admin';
const picture = new Picture();
let map: ConsoleMap;
let site = '';
let selected: number | null = null;
let muted = false;
let whitelist: Authorized[] | null = null;
let replay: { history: Track[]; alerts: AlertEvent[]; from: number; to: number; t: number; t0: number; t1: number; playing: boolean; loading: Promise<void> | null } | null = null;
const rates = new Map<string, { frames: number; at: number; rate: number }>();

// ---- alarm -------------------------------------------------------------------------------
let audio: AudioContext | null = null;
function beep(): void {
  if (muted) return;
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.15;
    osc.connect(gain).connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.25);
  } catch { /* no audio device: the title and panel still show the alert */ }
}
setInterval(() => { if (!replay && unacknowledged(picture.alerts.values()) > 0) beep(); }, 10_000);

// ---- rendering ---------------------------------------------------------------------------
let panelsDue = false;
function refresh(): void {
  const threat = new Map<number, number>();
  for (const a of picture.alerts.values()) if (a.state !== 'resolved') threat.set(a.track, Math.max(threat.get(a.track) ?? 0, a.level));
  if (replay) {
    const shown = stateAt(replay.history, replay.t);
    const trails = new Map<number, [number, number, number][]>();
    for (const s of replay.history) if (s.time <= replay.t && s.time >= replay.t - 30) {
      const tr = trails.get(s.id) ?? []; tr.push([s.time, s.position.x, s.position.y]); trails.set(s.id, tr);
    }
    map.render({ tracks: [...shown.values()], trails, threat: threatAt(replay.alerts, replay.t), selected });
  } else {
    map.render({ tracks: [...picture.tracks.values()], trails: picture.trails, threat, selected });
  }
  if (picture.fresh.length) { picture.fresh = []; if (!replay) beep(); }
  if (!panelsDue) { panelsDue = true; setTimeout(() => { panelsDue = false; panels(); }, 250); }
}

function panels(): void {
  const n = unacknowledged(picture.alerts.values());
  document.title = n > 0 ? `(${n}) picket console` : 'picket console';
  $('alert-count').textContent = n > 0 ? `${n} unacknowledged` : '';
  $('clock').textContent = picture.time ? utc(picture.time) : '';
  renderAlerts(); renderSensors(); renderDetail();
}

function renderAlerts(): void {
  const ul = $('alerts');
  // In replay the panel shows the alerts as they stood at that moment, with no actions; the
  // live count stays in the title and at the top, so a new live alert is not missed.
  const live = unacknowledged(picture.alerts.values());
  const head = replay ? `<li class="replay-note" style="border:0">As at ${utc(replay.t)} (replay)${live ? `: <b>${live} live alert${live > 1 ? 's' : ''} unacknowledged</b>, back to live to act` : ''}</li>` : '';
  const shown = replay ? [...alertsAt(replay.alerts, replay.t).values()] : [...picture.alerts.values()];
  ul.innerHTML = head + (sortAlerts(shown).map((a) => {
    const open = a.state === 'raised' || a.state === 'escalated';
    const acts = canAct() && !replay ? `${open ? `<button data-act="acknowledge" data-id="${a.alert}">Acknowledge</button>` : ''}${a.state !== 'resolved' ? `<button data-act="resolve" data-id="${a.alert}">Resolve</button>` : ''}` : '';
    return `<li class="alert ${a.state} ${open ? 'unacked' : ''}" data-alert="${a.alert}" data-state="${a.state}" style="border-left-color:${threatColour(a.level)}">
      <b>L${a.level} ${esc(a.rule)}</b> ${a.zone ? `zone <b>${esc(a.zone)}</b>` : ''} track <a href="#" data-track="${a.track}">T${a.track}</a>
      <span class="state">${a.state}</span>${actorText(a.actor)} ${utc(a.time)}<br><small>${esc(a.cause)}</small><div class="acts">${acts}</div></li>`;
  }).join('') || '<li style="border:0">No alerts</li>');
}

function renderSensors(): void {
  const now = picture.time;
  // Every sensor of the site's table, and any that reports health without being in it.
  const names = new Set([...picture.layout.map((s) => s.name), ...picture.sensors.keys()]);
  const rows = [...names].sort((a, b) => a.localeCompare(b)).map((name) => {
    const s = picture.sensors.get(name), place = picture.layout.find((p) => p.name === name);
    const kind = `${esc(s?.kind ?? place?.kind ?? '')}/${esc(s?.format ?? place?.format ?? '')}`;
    const where = place ? `<br><small>${esc(coverageText(place.coverage))}</small>` : '';
    map.setReportedFov(name, place?.geodetic, s?.reported?.field_of_view);
    const said = s?.reported ? `<br><small class="${s.reported.ok ? '' : 'fault'}">says ${esc(s.reported.system)}${s.reported.faults.length ? `: ${esc(s.reported.faults.join(', '))}` : ''}</small>` : '';
    if (!s) return `<tr class="stale" data-sensor="${esc(name)}"><td>${esc(name)}<br><small>${kind}</small>${where}</td><td>no health</td><td>never</td><td></td><td></td><td></td></tr>`;
    const r = rates.get(s.name);
    if (!r || r.frames !== s.frames) {
      const at = performance.now() / 1000;
      rates.set(s.name, { frames: s.frames, at, rate: r ? (s.frames - r.frames) / Math.max(0.25, at - r.at) : 0 });
    }
    const rej = Object.values(s.rejects).reduce((x, y) => x + y, 0);
    const age = s.last_seen != null && now ? `${Math.max(0, now - s.last_seen).toFixed(0)} s ago` : 'never';
    return `<tr class="${s.stale ? 'stale' : ''}" data-sensor="${esc(s.name)}"><td>${esc(s.name)}<br><small>${kind}</small>${where}</td>
      <td>${s.stale ? 'STALE' : 'ok'}${said}</td><td>${age}</td><td>${(rates.get(s.name)?.rate ?? 0).toFixed(1)}/s<br><small>${s.reports} rep</small></td>
      <td title="${esc(JSON.stringify(s.rejects))}">${rej} rej${s.shed ? `<br>${s.shed} shed` : ''}</td><td>${s.latency_ms != null ? `${s.latency_ms.toFixed(0)} ms` : ''}</td></tr>`;
  });
  $('sensors').innerHTML = `<tr><th>sensor</th><th>health</th><th>last seen</th><th>rate</th><th>rejects</th><th>latency</th></tr>${rows.join('')}`;
}

let detailHistory: { id: number; states: Track[] } | null = null;
function renderDetail(): void {
  const sec = $('detail-section');
  const t = selected == null ? undefined : (replay ? stateAt(replay.history, replay.t).get(selected) : picture.tracks.get(selected));
  sec.hidden = selected == null;
  if (selected == null) return;
  $('detail-id').textContent = `T${selected}`;
  if (!t) { $('detail').innerHTML = '<p>Not in the picture at this moment.</p>'; return; }
  const idt = identityText(t.identity);
  const auth = authorization(t, picture.alerts.values(), whitelist);
  const pos = t.geodetic ? formatLatLon(t.geodetic.lat_deg, t.geodetic.lon_deg) : `${t.position.x.toFixed(0)} E ${t.position.y.toFixed(0)} N m`;
  const pilot = t.pilot && t.geodetic ? (() => { const rb = rangeBearing(t.geodetic!.lat_deg, t.geodetic!.lon_deg, t.pilot!.lat_deg, t.pilot!.lon_deg); return `${formatLatLon(t.pilot!.lat_deg, t.pilot!.lon_deg)} (${formatRange(rb.range_m)} at ${rb.bearing_deg.toFixed(0)}° from the drone)`; })() : t.pilot ? formatLatLon(t.pilot.lat_deg, t.pilot.lon_deg) : 'none';
  const probs = CLASSES.map((c, i) => `<tr><td>${c}</td><td><span class="bar" style="width:${(t.class[i] * 120).toFixed(0)}px"></span> ${(t.class[i] * 100).toFixed(0)}%</td></tr>`).join('');
  const hist = detailHistory?.id === t.id ? detailHistory.states : [];
  const histRows = hist.slice(-8).reverse().map((h) => `<tr><td>${utc(h.time)}</td><td>${h.position.z.toFixed(0)} m</td><td>${speedMps(h).toFixed(1)} m/s</td><td>${h.status}</td></tr>`).join('');
  $('detail').innerHTML = `<table>
    <tr><td>class</td><td><b>${bestClass(t)}</b> (${t.status}, ${t.update_count} updates)</td></tr>
    <tr><td>position</td><td>${pos}</td></tr><tr><td>altitude</td><td>${t.position.z.toFixed(0)} m</td></tr>
    <tr><td>speed</td><td>${speedMps(t).toFixed(1)} m/s, heading ${((Math.atan2(t.velocity.x, t.velocity.y) * 180 / Math.PI + 360) % 360).toFixed(0)}°</td></tr>
    <tr><td>sensors</td><td class="sensor-names">${esc(sensorNames(t, picture.layout).join(', ')) || 'none'}</td></tr>
    <tr><td>${isRemoteId(t.identity) ? 'Remote ID' : 'identity'}</td><td>${idt ? esc(idt) : 'none broadcast'}</td></tr>
    <tr><td>operator</td><td>${pilot}</td></tr>
    <tr><td>authorization</td><td class="authorization">${auth.alarm ? `<b style="color:#eb5757">${esc(auth.text)}</b>` : esc(auth.text)}</td></tr>
    </table><h3>Classification</h3><table>${probs}</table>
    <h3>History (${hist.length} stored states)</h3><table>${histRows}</table>`;
}

async function select(id: number | null): Promise<void> {
  selected = id; renderDetail(); refresh();
  if (id == null || !site) return;
  const t = picture.time || Date.now() / 1000;
  try {
    const page = await api<{ items: Track[] }>(`/sites/${site}/tracks/${id}/history?from=${(t - 600).toFixed(3)}&to=${(t + 1).toFixed(3)}`);
    detailHistory = { id, states: page.items }; renderDetail();
  } catch { detailHistory = { id, states: [] }; }
}

// ---- replay ------------------------------------------------------------------------------
// The timeline spans everything the store holds (its oldest track state to now); states are
// loaded a window at a time around the moment shown, and again as play or scrubbing leaves it.
const REPLAY_WINDOW_S = 120;

async function startReplay(): Promise<void> {
  const end = picture.time || Date.now() / 1000;
  const first = await api<{ items: Track[] }>(`/sites/${site}/history/tracks?from=0&to=${end.toFixed(3)}&limit=1`);
  if (!first.items.length) { $('status').textContent = 'the store holds no track history yet'; return; }
  const t0 = first.items[0].time, t1 = end;
  replay = { history: [], alerts: [], from: 0, to: 0, t: Math.max(t0, t1 - 60), t0, t1, playing: false, loading: null };
  const tl = $<HTMLInputElement>('timeline');
  tl.min = String(t0); tl.max = String(t1); tl.value = String(replay.t);
  $('replay-controls').hidden = false; $('replay-btn').hidden = true;
  $('mode').className = 'replay'; $('mode').textContent = 'NOT LIVE: REPLAY';
  await loadReplay(replay.t);
  seek(replay.t);
}

/** Loads the stored states of the window around `t` (and the alert events up to its end). */
function loadReplay(t: number): Promise<void> {
  const r = replay;
  if (!r) return Promise.resolve();
  if (r.loading) return r.loading;
  const from = Math.max(r.t0, t - 10), to = Math.min(r.t1, from + REPLAY_WINDOW_S);
  r.loading = (async () => {
    try {
      const q = `from=${from.toFixed(3)}&to=${to.toFixed(3)}&limit=100000`;
      const [states, alerts] = await Promise.all([
        api<{ items: Track[]; truncated: boolean }>(`/sites/${site}/history/tracks?${q}`),
        api<{ items: AlertEvent[] }>(`/sites/${site}/history/alerts?from=${r.t0.toFixed(3)}&to=${to.toFixed(3)}&limit=100000`),
      ]);
      if (replay !== r) return;
      // A truncated page ends early: the window ends at its last state.
      r.history = states.items; r.alerts = alerts.items; r.from = from;
      r.to = states.truncated && states.items.length ? states.items[states.items.length - 1].time : to;
      $('status').textContent = `replay: ${states.items.length} stored states ${utc(from)}–${utc(r.to)}`;
    } catch (e) { $('status').textContent = `replay: ${(e as Error).message}`; }
    finally { r.loading = null; }
  })();
  return r.loading;
}

function seek(t: number): void {
  if (!replay) return;
  replay.t = Math.min(replay.t1, Math.max(replay.t0, t));
  const r = replay;
  // Outside the loaded window (its end is the newest stored state when it reaches now).
  const outside = () => r.t < r.from || (r.t > r.to - 5 && r.to < r.t1);
  if (outside()) {
    void loadReplay(r.t).then(() => {
      // A scrub that went on while loading may have left the new window too: once more.
      if (replay === r && outside()) void loadReplay(r.t).then(refresh);
      refresh();
    });
  }
  $<HTMLInputElement>('timeline').value = String(replay.t);
  $('replay-time').textContent = `${new Date(replay.t * 1000).toISOString().replace('T', ' ').slice(0, 19)}Z (${(replay.t1 - replay.t).toFixed(0)} s before now)`;
  refresh();
}

function stopReplay(): void {
  replay = null;
  $('replay-controls').hidden = true; $('replay-btn').hidden = false;
  $('mode').className = 'live'; $('mode').textContent = 'LIVE';
  refresh();
}

let lastTick = performance.now();
setInterval(() => {
  const now = performance.now(), dt = (now - lastTick) / 1000; lastTick = now;
  if (replay?.playing) {
    seek(replay.t + dt * Number($<HTMLSelectElement>('speed').value));
    if (replay.t >= replay.t1) { replay.playing = false; $('play-btn').textContent = '▶'; }
  }
}, 100);

// ---- wiring ------------------------------------------------------------------------------
function wireControls(): void {
  $('alerts').addEventListener('click', async (e) => {
    const el = e.target as HTMLElement;
    if (el.dataset.track) { e.preventDefault(); void select(Number(el.dataset.track)); return; }
    if (!el.dataset.act) return;
    el.setAttribute('disabled', '');
    try {
      const ev = await api<AlertEvent>(`/sites/${site}/alerts/${el.dataset.id}/${el.dataset.act}`, { method: 'POST', body: '{}' });
      picture.update({ type: 'alert', ...ev }); panels();
    } catch (err) { $('status').textContent = `${el.dataset.act} failed: ${(err as Error).message}`; el.removeAttribute('disabled'); }
  });
  $('mute-btn').addEventListener('click', () => { muted = !muted; $('mute-btn').textContent = muted ? 'Alarm muted' : 'Alarm on'; $('mute-btn').classList.toggle('on', muted); });
  $('measure-btn').addEventListener('click', () => { map.setMeasuring(!map.measuring); $('measure-btn').classList.toggle('on', map.measuring); });
  $('logout-btn').addEventListener('click', () => { token.clear(); location.reload(); });
  $('detail-close').addEventListener('click', () => void select(null));
  $('replay-btn').addEventListener('click', () => void startReplay().catch((e) => ($('status').textContent = `replay: ${(e as Error).message}`)));
  $('live-btn').addEventListener('click', stopReplay);
  $('play-btn').addEventListener('click', () => { if (!replay) return; replay.playing = !replay.playing; $('play-btn').textContent = replay.playing ? '❚❚' : '▶'; });
  $('timeline').addEventListener('input', (e) => seek(Number((e.target as HTMLInputElement).value)));
}

function startMap(origin: Geodetic): void {
  $('app').hidden = false; $('login').hidden = true;
  map = new ConsoleMap($('map'), $<HTMLCanvasElement>('tracks-canvas'), origin, $('cursor'), $('measure-out'));
  map.onSelect = (id) => void select(id);
  wireControls();
  (window as unknown as { __picket: unknown }).__picket = { picture, map, select, stateAt, get replay() { return replay; } };
}

async function start(): Promise<void> {
  const bench = new URLSearchParams(location.search).get('bench');
  if (bench) {
    const origin = { lat_deg: 51.5, lon_deg: -0.12, alt_m: 0 };
    role = 'viewer'; startMap(origin); $('site').textContent = `synthetic benchmark: ${bench} tracks`;
    syntheticFeed(picture, origin, Number(bench), () => { map.setZones(picture.zones); refresh(); });
    map.setSensors(picture.layout);
    return;
  }
  if (!token.get()) { $('login').hidden = false; return; }
  try {
    const who = await api<{ name: string; role: string }>('/whoami');
    role = who.role;
    const sites = await api<{ id: string; origin: Geodetic; basemap?: BasemapInfo | null }[]>('/sites');
    const want = new URLSearchParams(location.search).get('site');
    const s = sites.find((x) => x.id === want) ?? sites[0];
    if (!s) throw new Error('the server has no sites');
    site = s.id;
    $('site').textContent = `site ${s.id}`; $('who').textContent = `${who.name} (${who.role})`;
    startMap(s.origin);
    $('map').dataset.basemap = map.setBasemap(site, s.basemap ?? null, token.get() ?? '');
    // Re-read after every reload (the stream says `zones` when zones, rules and whitelist change).
    const readWhitelist = () => api<Authorized[]>(`/sites/${site}/whitelist`).then((w) => (whitelist = w)).catch(() => {});
    void readWhitelist();
    stream(site, (m) => {
      if (m.type === 'snapshot') { picture.snapshot(m as never); map.setZones(picture.zones); map.setSensors(picture.layout); }
      else { picture.update(m); if (m.type === 'zones') { map.setZones(picture.zones); void readWhitelist(); } }
      refresh();
    }, (st) => ($('status').textContent = st));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) token.clear();
    $('login').hidden = false; $('app').hidden = true;
    $('login-error').textContent = (e as Error).message;
  }
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($<HTMLInputElement>('token').value.trim());
  location.reload();
});
void start();
