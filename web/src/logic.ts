// Pure console logic (no DOM, no network): geodesy for the map, the live picture's state
// machine, alert ordering. Kept apart so vitest can check it without a browser.

export interface Geodetic { lat_deg: number; lon_deg: number; alt_m: number }
export interface Enu { x: number; y: number; z: number }
export type ClassName = 'drone' | 'bird' | 'aircraft' | 'other';
export const CLASSES: ClassName[] = ['drone', 'bird', 'aircraft', 'other'];

export interface Track {
  id: number;
  time: number;
  position: Enu;
  velocity: Enu;
  status: string;
  class: number[];
  identity: Record<string, unknown> | string | null;
  pilot: Geodetic | null;
  sensors: number;
  last_update: number;
  update_count: number;
  geodetic?: Geodetic;
  best_class?: ClassName;
  /** Names of the contributing sensors (the API resolves the `sensors` bits). */
  sensor_names?: string[];
}

/** The site's offline basemap (MBTiles metadata), as the site summary gives it. */
export interface BasemapInfo { name: string | null; format: string; min_zoom: number | null; max_zoom: number | null; bounds: [number, number, number, number] | null; attribution: string | null }

export interface Coverage { range_m: number; boresight_deg: number | null; fov_deg: number | null; source: string }

/** A sensor of the site's table: where it stands and what it covers. */
export interface SensorPlace {
  id: number;
  name: string;
  kind: string;
  format: string;
  position: Enu;
  geodetic: Geodetic;
  coverage: Coverage | null;
}

export interface AlertEvent {
  alert: number;
  time: number;
  track: number;
  rule: string;
  zone: string | null;
  level: number;
  state: 'raised' | 'escalated' | 'acknowledged' | 'resolved';
  actor: unknown;
  cause: string;
  raised_at?: number;
}

export interface SensorHealth {
  name: string;
  kind: string;
  format: string;
  frames: number;
  reports: number;
  rejects: Record<string, number>;
  shed: number;
  last_seen: number | null;
  latency_ms: number | null;
  stale: boolean;
  /** What the sensor last said of itself (SAPIENT StatusReport), when it reports. */
  reported?: { system: string; ok: boolean; faults: string[]; mode: string; field_of_view: FieldOfView | null; received: number };
}

/** A field of view a sensor reports: a polygon, or a cone from the sensor. */
export type FieldOfView =
  | { kind: 'polygon'; vertices: Geodetic[] }
  | { kind: 'cone'; azimuth_deg: number; elevation_deg: number; range_m: number; horizontal_extent_deg: number; vertical_extent_deg: number };

/** A reported field of view as a coverage outline ([lat, lon] points) from the sensor at `at`. */
export function fieldOfViewOutline(at: Geodetic, f: FieldOfView): [number, number][] {
  if (f.kind === 'polygon') return f.vertices.map((v) => [v.lat_deg, v.lon_deg]);
  const c = { range_m: f.range_m, boresight_deg: f.azimuth_deg, fov_deg: f.horizontal_extent_deg, source: 'reported' };
  return coverageOutline(at, c) ?? Array.from({ length: 73 }, (_, i) => destination(at.lat_deg, at.lon_deg, f.range_m, i * 5));
}

export interface Zone {
  id: string;
  kind: string;
  shape: { polygon?: [number, number][]; circle?: { x: number; y: number; r_m: number } };
  floor_m: number;
  ceiling_m: number;
}

const EARTH_R_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Local east/north metres around `origin` to latitude/longitude (flat-earth; fine within tens of km). */
export function enuToLatLon(origin: Geodetic, x_m: number, y_m: number): [number, number] {
  const lat = origin.lat_deg + deg(y_m / EARTH_R_M);
  const lon = origin.lon_deg + deg(x_m / (EARTH_R_M * Math.cos(rad(origin.lat_deg))));
  return [lat, lon];
}

/** Great-circle range (m) and initial bearing (degrees from true north, 0..360). */
export function rangeBearing(lat1: number, lon1: number, lat2: number, lon2: number): { range_m: number; bearing_deg: number } {
  const p1 = rad(lat1), p2 = rad(lat2), dl = rad(lon2 - lon1);
  const a = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  const range_m = 2 * EARTH_R_M * Math.asin(Math.min(1, Math.sqrt(a)));
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  const bearing_deg = (deg(Math.atan2(y, x)) + 360) % 360;
  return { range_m, bearing_deg };
}

/** The point at `range_m` along `bearing_deg` from a point (for bearing lines and rings). */
export function destination(lat: number, lon: number, range_m: number, bearing_deg: number): [number, number] {
  const d = range_m / EARTH_R_M, b = rad(bearing_deg), p1 = rad(lat);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = rad(lon) + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [deg(p2), ((deg(l2) + 540) % 360) - 180];
}

export function formatRange(m: number): string {
  return m < 1000 ? `${m.toFixed(0)} m` : `${(m / 1000).toFixed(2)} km`;
}

export function formatLatLon(lat: number, lon: number): string {
  return `${Math.abs(lat).toFixed(5)}°${lat >= 0 ? 'N' : 'S'} ${Math.abs(lon).toFixed(5)}°${lon >= 0 ? 'E' : 'W'}`;
}

export function bestClass(t: Track): ClassName {
  if (t.best_class) return t.best_class;
  let best = 0;
  t.class.forEach((p, i) => { if (p > t.class[best]) best = i; });
  return CLASSES[best] ?? 'other';
}

export function speedMps(t: Track): number {
  return Math.hypot(t.velocity.x, t.velocity.y);
}

/** The Remote ID serial (or other identity) as text, whatever enum variant serde wrote. */
export function identityText(id: Track['identity']): string | null {
  if (id == null) return null;
  if (typeof id === 'string') return id;
  const [k, v] = Object.entries(id)[0] ?? [];
  if (k === undefined) return null;
  if (k === 'icao' && typeof v === 'number') return `ICAO ${v.toString(16).toUpperCase().padStart(6, '0')}`;
  return k === 'remote_id' ? String(v) : `${k} ${String(v)}`;
}

export function isRemoteId(id: Track['identity']): boolean {
  return id != null && typeof id === 'object' && 'remote_id' in id;
}

/** Bit indices set in a sensor set (SensorId per bit). */
export function sensorBits(set: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 53; i++) if (Math.floor(set / 2 ** i) % 2 === 1) out.push(i);
  return out;
}

/** A track's contributing sensors by name (ids the site table does not know show as #id). */
export function sensorNames(t: Track, layout: SensorPlace[] = []): string[] {
  if (t.sensor_names) return t.sensor_names;
  return sensorBits(t.sensors).map((b) => layout.find((s) => s.id === b)?.name ?? `#${b}`);
}

/**
 * The outline of a sensor's coverage as [lat, lon] points: a sector (apex at the sensor, arc
 * from boresight − fov/2 to boresight + fov/2, a point every ≤ 5°) or, when it sees all round,
 * null (draw a circle).
 */
export function coverageOutline(at: Geodetic, c: Coverage): [number, number][] | null {
  if (c.fov_deg == null || c.boresight_deg == null || c.fov_deg >= 360) return null;
  const start = c.boresight_deg - c.fov_deg / 2, steps = Math.max(2, Math.ceil(c.fov_deg / 5));
  const pts: [number, number][] = [[at.lat_deg, at.lon_deg]];
  for (let i = 0; i <= steps; i++) pts.push(destination(at.lat_deg, at.lon_deg, c.range_m, start + (c.fov_deg * i) / steps));
  pts.push([at.lat_deg, at.lon_deg]);
  return pts;
}

export function coverageText(c: Coverage | null): string {
  if (!c) return 'coverage unknown';
  const sector = c.fov_deg != null && c.boresight_deg != null ? `, ${c.fov_deg.toFixed(0)}° around ${c.boresight_deg.toFixed(0)}°` : ', all round';
  return `${formatRange(c.range_m)}${sector}${c.source === 'nominal' ? ' (nominal)' : ''}`;
}

/** Colour of a threat level 0..: grey, yellow, orange, red, magenta. */
export function threatColour(level: number): string {
  return ['#9aa5b1', '#f2c94c', '#f2994a', '#eb5757', '#d63cff'][Math.max(0, Math.min(4, level))];
}

export const ZONE_COLOURS: Record<string, string> = {
  protected: '#eb5757', perimeter: '#f2994a', warning: '#f2c94c', corridor: '#27ae60', exclusion: '#d63cff',
};

/** Open alerts first, then most severe, then newest. */
export function sortAlerts(alerts: AlertEvent[]): AlertEvent[] {
  const open = (a: AlertEvent) => (a.state === 'resolved' ? 1 : 0);
  return [...alerts].sort((a, b) => open(a) - open(b) || b.level - a.level || b.time - a.time || b.alert - a.alert);
}

export function unacknowledged(alerts: Iterable<AlertEvent>): number {
  let n = 0;
  for (const a of alerts) if (a.state === 'raised' || a.state === 'escalated') n++;
  return n;
}

export const TRAIL_S = 30;

/** The live picture: tracks with short trails, alerts, sensors, zones; fed snapshots and updates. */
export class Picture {
  time = 0;
  tracks = new Map<number, Track>();
  trails = new Map<number, [number, number, number][]>(); // [time, x, y]
  alerts = new Map<number, AlertEvent>();
  sensors = new Map<string, SensorHealth>();
  zones: Zone[] = [];
  /** The site's sensor table (from the snapshot). */
  layout: SensorPlace[] = [];
  /** Alerts that became raised/escalated in the last apply (for the audible alarm). */
  fresh: AlertEvent[] = [];

  /** The stream's first message (and again after lag): whole lists. */
  snapshot(s: { time: number | null; tracks: Track[]; alerts: AlertEvent[]; sensors: SensorHealth[]; zones: Zone[]; layout?: SensorPlace[] }): void {
    this.time = s.time ?? 0;
    const known = new Set(this.alerts.keys());
    this.tracks.clear(); this.alerts.clear(); this.sensors.clear();
    for (const t of s.tracks) this.putTrack(t);
    for (const id of [...this.trails.keys()]) if (!this.tracks.has(id)) this.trails.delete(id);
    for (const a of s.alerts) {
      this.alerts.set(a.alert, a);
      if (!known.has(a.alert) && (a.state === 'raised' || a.state === 'escalated')) this.fresh.push(a);
    }
    for (const h of s.sensors) this.sensors.set(h.name, h);
    this.zones = s.zones;
    if (s.layout) this.layout = s.layout;
  }

  update(u: { type: string; [k: string]: unknown }): void {
    switch (u.type) {
      case 'tracks': {
        this.time = Math.max(this.time, u.time as number);
        for (const t of u.tracks as Track[]) this.putTrack(t);
        for (const id of u.deleted as number[]) { this.tracks.delete(id); this.trails.delete(id); }
        break;
      }
      case 'alert': {
        const a = u as unknown as AlertEvent;
        const prev = this.alerts.get(a.alert);
        const ev: AlertEvent = { alert: a.alert, time: a.time, track: a.track, rule: a.rule, zone: a.zone, level: a.level, state: a.state, actor: a.actor, cause: a.cause, raised_at: prev?.raised_at ?? a.time };
        this.alerts.set(a.alert, ev);
        if ((a.state === 'raised' || a.state === 'escalated') && prev?.state !== a.state) this.fresh.push(ev);
        break;
      }
      case 'sensor': { const h = u as unknown as SensorHealth; this.sensors.set(h.name, h); break; }
      case 'zones': this.zones = (u as unknown as { zones?: Zone[] }).zones ?? (Object.values(u).find(Array.isArray) as Zone[]) ?? []; break;
    }
  }

  putTrack(t: Track): void {
    this.tracks.set(t.id, t);
    const trail = this.trails.get(t.id) ?? [];
    const last = trail[trail.length - 1];
    if (!last || last[0] < t.time) trail.push([t.time, t.position.x, t.position.y]);
    while (trail.length > 0 && trail[0][0] < t.time - TRAIL_S) trail.shift();
    this.trails.set(t.id, trail);
  }
}

/** Replay: the states each track had at `at` (latest at or before, not older than `max_age_s`). */
export function stateAt(history: Track[], at: number, max_age_s = 5): Map<number, Track> {
  const out = new Map<number, Track>();
  for (const t of history) {
    if (t.time > at || t.time < at - max_age_s) continue;
    const cur = out.get(t.id);
    if (!cur || cur.time <= t.time) out.set(t.id, t);
  }
  return out;
}

/** A whitelist entry as `GET .../whitelist` gives it (the guard's `[[authorized]]`). */
export interface Authorized { name?: string | null; rid?: string | null; operator_id?: string | null; icao?: string | null; zones?: string[] }

/**
 * What the console says of a track's authorization: an open spoof or unauthorized alert first,
 * then the whitelist entry its Remote ID serial or ICAO address matches exactly.
 */
export function authorization(t: Track, alerts: Iterable<AlertEvent>, whitelist: Authorized[] | null): { text: string; alarm: boolean } {
  const open = [...alerts].filter((a) => a.track === t.id && a.state !== 'resolved');
  if (open.some((a) => a.rule === 'spoof_suspected')) return { text: 'SPOOF SUSPECTED (alert open)', alarm: true };
  if (open.some((a) => a.rule === 'unauthorized')) return { text: 'UNAUTHORIZED (alert open)', alarm: true };
  const id = t.identity && typeof t.identity === 'object' ? t.identity : null;
  const rid = id && 'remote_id' in id ? String(id.remote_id) : null;
  const icao = id && 'icao' in id && typeof id.icao === 'number' ? id.icao.toString(16).toUpperCase().padStart(6, '0') : null;
  if (!rid && !icao) return { text: 'unknown (no identity broadcast)', alarm: false };
  if (!whitelist) return { text: 'unknown (whitelist not readable)', alarm: false };
  const entry = whitelist.find((e) => (rid != null && e.rid === rid) || (icao != null && e.icao?.toUpperCase() === icao));
  if (!entry) return { text: 'not on the whitelist', alarm: false };
  const zones = entry.zones?.length ? ` in ${entry.zones.join(', ')}` : '';
  return { text: `authorized${entry.name ? ` as ${entry.name}` : ''}${zones}`, alarm: false };
}

/** Replay: each alert as it stood at `at` (its latest stored event at or before it). */
export function alertsAt(events: AlertEvent[], at: number): Map<number, AlertEvent> {
  const last = new Map<number, AlertEvent>();
  for (const e of events) if (e.time <= at) { const p = last.get(e.alert); if (!p || p.time <= e.time) last.set(e.alert, e); }
  return last;
}

/** Replay: the threat level of each track at `at`, from stored alert events (open alerts only). */
export function threatAt(events: AlertEvent[], at: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of alertsAt(events, at).values()) if (e.state !== 'resolved') out.set(e.track, Math.max(out.get(e.track) ?? 0, e.level));
  return out;
}
