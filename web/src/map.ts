// The map: Leaflet (canvas renderer, no tile layer: works offline) with a range-ring and bearing
// grid around the site origin, zones, and a canvas overlay that draws every track, its trail and
// label in one pass. The overlay lives in a map pane, so a pan moves it with the map (the
// compositor's work, no redraw); it is drawn with a margin around the view and redrawn when the
// data changes, after a zoom, when a pan nears the margin's edge, and shortly after a pan ends.
// label in one pass per animation frame (DOM markers would not hold 1,000 tracks at 30 fps).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { ZONE_COLOURS, bestClass, coverageOutline, coverageText, destination, fieldOfViewOutline, enuToLatLon, formatLatLon, formatRange, identityText, rangeBearing, speedMps, threatColour, type BasemapInfo, type FieldOfView, type Geodetic, type SensorPlace, type Track, type Zone } from './logic';

export interface DrawState {
  tracks: Track[];
  trails: Map<number, [number, number, number][]>;
  threat: Map<number, number>;
  selected: number | null;
}

const RINGS_M = [500, 1000, 2000, 3000, 5000, 10000];
const SENSOR_COLOUR = '#56ccf2';
const esc = (t: string) => t.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

export class ConsoleMap {
  map: L.Map;
  private canvas: HTMLCanvasElement;
  private zoneLayer = L.layerGroup();
  private sensorLayer = L.layerGroup();
  private fovLayers = new Map<string, { json: string; layer: L.Layer }>();
  private measureLayer = L.layerGroup();
  private measurePts: L.LatLng[] = [];
  measuring = false;
  private dirty = true;
  /** Layer-pixel position of the overlay's top-left corner, and its margin, at the last draw. */
  private drawnAt = L.point(0, 0);
  private margin = L.point(0, 0);
  private lastDraw = 0;
  private settleTimer: number | undefined;
  redraws = 0;
  private state: DrawState = { tracks: [], trails: new Map(), threat: new Map(), selected: null };
  /** Screen positions of the last frame, for picking a track by click. */
  private hits: [number, number, number][] = [];
  onSelect: (id: number | null) => void = () => {};
  frames = 0;

  constructor(el: HTMLElement, canvas: HTMLCanvasElement, private origin: Geodetic, cursorEl: HTMLElement, private measureEl: HTMLElement) {
    this.canvas = canvas;
    this.map = L.map(el, { preferCanvas: false, zoomControl: true, attributionControl: false, zoomSnap: 0.25 })
      .setView([origin.lat_deg, origin.lon_deg], 14);
    this.drawGrid();
    this.sensorLayer.addTo(this.map);
    this.zoneLayer.addTo(this.map);
    this.measureLayer.addTo(this.map);
    // The overlay in its own pane above the vector layers and labels, below tooltips.
    const pane = this.map.createPane('tracks');
    pane.style.zIndex = '620'; pane.style.pointerEvents = 'none';
    pane.appendChild(canvas);
    this.map.on('resize zoomend viewreset', () => { this.dirty = true; });
    this.map.on('zoomstart', () => { canvas.style.visibility = 'hidden'; });
    this.map.on('move', () => { if (this.nearEdge()) this.dirty = true; });
    this.map.on('moveend', () => this.settle());
    this.map.on('mousemove', (e: L.LeafletMouseEvent) => {
      const rb = rangeBearing(origin.lat_deg, origin.lon_deg, e.latlng.lat, e.latlng.lng);
      cursorEl.textContent = `${formatLatLon(e.latlng.lat, e.latlng.lng)}  ${formatRange(rb.range_m)} ${rb.bearing_deg.toFixed(1)}° from origin`;
    });
    this.map.on('click', (e: L.LeafletMouseEvent) => (this.measuring ? this.measureClick(e.latlng) : this.pick(e.containerPoint)));
    const loop = () => { if (this.dirty) { this.draw(); this.dirty = false; } this.frames++; requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }

  private ll(x: number, y: number): L.LatLngTuple { return enuToLatLon(this.origin, x, y); }

  private drawGrid(): void {
    const o = this.origin, style = { color: '#2c3b4a', weight: 1, interactive: false, fill: false };
    for (const r of RINGS_M) {
      L.circle([o.lat_deg, o.lon_deg], { ...style, radius: r }).addTo(this.map);
      const p = destination(o.lat_deg, o.lon_deg, r, 45);
      L.marker(p, { interactive: false, icon: L.divIcon({ className: 'grid-label', html: formatRange(r), iconSize: undefined }) }).addTo(this.map);
    }
    for (let b = 0; b < 360; b += 30) {
      const end = destination(o.lat_deg, o.lon_deg, RINGS_M[RINGS_M.length - 1], b);
      L.polyline([[o.lat_deg, o.lon_deg], end], { ...style, dashArray: '4 6' }).addTo(this.map);
      const lab = destination(o.lat_deg, o.lon_deg, 2500, b);
      L.marker(lab, { interactive: false, icon: L.divIcon({ className: 'grid-label', html: `${String(b).padStart(3, '0')}°`, iconSize: undefined }) }).addTo(this.map);
    }
    L.circleMarker([o.lat_deg, o.lon_deg], { radius: 5, color: '#7fdbff', weight: 2, fillOpacity: 0.3 }).bindTooltip('site origin').addTo(this.map);
  }

  setZones(zones: Zone[]): void {
    this.zoneLayer.clearLayers();
    for (const z of zones) {
      const colour = ZONE_COLOURS[z.kind] ?? '#aaa';
      const style = { color: colour, weight: 2, fillOpacity: 0.08, interactive: false };
      let layer: L.Path | null = null;
      if (z.shape.polygon) layer = L.polygon(z.shape.polygon.map(([x, y]) => this.ll(x, y)), style);
      else if (z.shape.circle) layer = L.circle(this.ll(z.shape.circle.x, z.shape.circle.y), { ...style, radius: z.shape.circle.r_m });
      if (!layer) continue;
      layer.addTo(this.zoneLayer);
      const b = (layer as L.Polygon).getBounds(), c = L.latLng(b.getNorth(), b.getCenter().lng); // label on the zone's north edge, clear of the origin
      L.marker(c, { interactive: false, icon: L.divIcon({ className: 'zone-label', html: `${z.id} (${z.kind}) ${z.floor_m}–${z.ceiling_m} m`, iconSize: undefined }) }).addTo(this.zoneLayer);
    }
  }

  /** The site's sensors: a marker and name at each, and its coverage (a sector or a circle). */
  setSensors(sensors: SensorPlace[]): void {
    this.sensorLayer.clearLayers();
    for (const s of sensors) {
      const p: L.LatLngTuple = [s.geodetic.lat_deg, s.geodetic.lon_deg];
      const c = s.coverage;
      if (c) {
        // Configured coverage solid, nominal (a typical figure for the kind) dashed.
        const style = { color: SENSOR_COLOUR, weight: 1, dashArray: c.source === 'nominal' ? '2 5' : undefined, fillOpacity: 0.04, interactive: false };
        const outline = coverageOutline(s.geodetic, c);
        (outline ? L.polygon(outline, style) : L.circle(p, { ...style, radius: c.range_m })).addTo(this.sensorLayer);
      }
      L.circleMarker(p, { radius: 4, color: SENSOR_COLOUR, weight: 2, fillColor: '#0b1520', fillOpacity: 1 })
        .bindTooltip(`${s.name} (${s.kind}/${s.format}): ${coverageText(c)}`).addTo(this.sensorLayer);
    }
    // One label per place: sensors standing together (often all at the origin) are listed.
    const byPlace = new Map<string, SensorPlace[]>();
    for (const s of sensors) {
      const key = `${s.geodetic.lat_deg.toFixed(5)},${s.geodetic.lon_deg.toFixed(5)}`;
      byPlace.set(key, [...(byPlace.get(key) ?? []), s]);
    }
    for (const group of byPlace.values()) {
      const html = group.map((s) => `<span data-sensor-label="${esc(s.name)}">${esc(s.name)}</span>`).join('<br>');
      L.marker([group[0].geodetic.lat_deg, group[0].geodetic.lon_deg], { interactive: false, icon: L.divIcon({ className: 'sensor-label', html, iconSize: undefined }) }).addTo(this.sensorLayer);
    }
  }

  /** A field of view a sensor reports about itself (SAPIENT status), drawn over its coverage. */
  setReportedFov(name: string, at: Geodetic | undefined, fov: FieldOfView | null | undefined): void {
    const json = at && fov ? JSON.stringify(fov) : '';
    const prev = this.fovLayers.get(name);
    if (prev?.json === json) return;
    if (prev) { prev.layer.remove(); this.fovLayers.delete(name); }
    if (!at || !fov) return;
    const layer = L.polygon(fieldOfViewOutline(at, fov), { color: SENSOR_COLOUR, weight: 1.5, fillOpacity: 0.05, interactive: false }).addTo(this.map);
    this.fovLayers.set(name, { json, layer });
  }

  render(state: DrawState): void { this.state = state; this.dirty = true; }

  /** Sizes and places the overlay: the view plus a margin on every side, in layer pixels. */
  private place(): void {
    const size = this.map.getSize(), dpr = window.devicePixelRatio || 1;
    this.margin = L.point(Math.round(size.x * 0.25), Math.round(size.y * 0.25));
    const w = size.x + 2 * this.margin.x, h = size.y + 2 * this.margin.y;
    if (this.canvas.width !== w * dpr || this.canvas.height !== h * dpr) {
      this.canvas.width = w * dpr; this.canvas.height = h * dpr;
      this.canvas.style.width = `${w}px`; this.canvas.style.height = `${h}px`;
    }
    this.drawnAt = this.map.containerPointToLayerPoint([-this.margin.x, -this.margin.y]).round();
    L.DomUtil.setPosition(this.canvas, this.drawnAt);
  }

  /** True when the view has moved so far since the last draw that an edge would show. */
  private nearEdge(): boolean {
    const shift = this.map.containerPointToLayerPoint([-this.margin.x, -this.margin.y]).subtract(this.drawnAt);
    return Math.abs(shift.x) > this.margin.x * 0.8 || Math.abs(shift.y) > this.margin.y * 0.8;
  }

  /** After a pan: redraw so the margin is whole again, at most every 200 ms while pans go on. */
  private settle(): void {
    const since = performance.now() - this.lastDraw;
    if (since >= 200) { this.dirty = true; return; }
    window.clearTimeout(this.settleTimer);
    this.settleTimer = window.setTimeout(() => { this.dirty = true; }, 200 - since);
  }

  private draw(): void {
    this.place();
    this.lastDraw = performance.now(); this.redraws++;
    this.canvas.style.visibility = '';
    const ctx = this.canvas.getContext('2d')!, dpr = window.devicePixelRatio || 1;
    const w = this.canvas.width / dpr, h = this.canvas.height / dpr, at = this.drawnAt;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const { tracks, trails, threat, selected } = this.state;
    const many = this.state.trails.size > 200;
    // One affine ENU→screen transform per frame (exact enough within the view for the local
    // flat-earth frame): projecting every trail point through Leaflet would cost 30k calls.
    const px = (ll: L.LatLngExpression) => this.map.latLngToLayerPoint(ll).subtract(at);
    const o = px(this.ll(0, 0)), ex = px(this.ll(1000, 0)), ny = px(this.ll(0, 1000));
    const ax = (ex.x - o.x) / 1000, ay = (ex.y - o.y) / 1000, bx = (ny.x - o.x) / 1000, by = (ny.y - o.y) / 1000;
    const scr = (x: number, y: number) => ({ x: o.x + ax * x + bx * y, y: o.y + ay * x + by * y });
    ctx.font = '11px system-ui, sans-serif';
    this.hits = [];
    // The selected track last, so its box and label are on top of the others.
    const sel = selected == null ? undefined : tracks.find((t) => t.id === selected);
    const order = sel ? [...tracks.filter((t) => t !== sel), sel] : tracks;
    for (const t of order) {
      const pt = scr(t.position.x, t.position.y);
      if (pt.x < -50 || pt.y < -50 || pt.x > w + 50 || pt.y > h + 50) continue;
      const colour = threatColour(threat.get(t.id) ?? 0);
      const trail = trails.get(t.id);
      if (trail && trail.length > 1) {
        ctx.strokeStyle = colour; ctx.globalAlpha = 0.5; ctx.lineWidth = 1.5; ctx.beginPath();
        trail.forEach(([, x, y], i) => { const q = scr(x, y); if (i) ctx.lineTo(q.x, q.y); else ctx.moveTo(q.x, q.y); });
        ctx.stroke(); ctx.globalAlpha = 1;
      }
      this.icon(ctx, bestClass(t), pt.x, pt.y, colour, Math.atan2(t.velocity.x, t.velocity.y), t.status !== 'confirmed');
      if (t.pilot && (selected === t.id || !many)) this.pilot(ctx, pt, px([t.pilot.lat_deg, t.pilot.lon_deg]), selected === t.id);
      if (selected === t.id) { ctx.strokeStyle = '#fff'; ctx.lineWidth = 1; ctx.strokeRect(pt.x - 11, pt.y - 11, 22, 22); }
      if (!many || selected === t.id) {
        const idt = identityText(t.identity);
        const lines = [`T${t.id} ${bestClass(t)}`, `${t.position.z.toFixed(0)} m ${speedMps(t).toFixed(1)} m/s`];
        if (idt) lines.push(idt);
        const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 4;
        ctx.fillStyle = '#000a'; ctx.fillRect(pt.x + 10, pt.y - 8, w, lines.length * 12 + 2);
        ctx.fillStyle = colour; lines.forEach((l, i) => ctx.fillText(l, pt.x + 12, pt.y + 2 + i * 12));
      }
      this.hits.push([t.id, pt.x + at.x, pt.y + at.y]);
    }
  }

  private icon(ctx: CanvasRenderingContext2D, cls: string, x: number, y: number, colour: string, heading: number, dim: boolean): void {
    ctx.save(); ctx.translate(x, y); ctx.fillStyle = colour; ctx.strokeStyle = '#000'; ctx.lineWidth = 1;
    ctx.globalAlpha = dim ? 0.6 : 1; ctx.beginPath();
    if (cls === 'drone') { // a quad: a cross with four rotors
      ctx.fillRect(-6, -1, 12, 2); ctx.fillRect(-1, -6, 2, 12);
      for (const [dx, dy] of [[-6, -6], [6, -6], [-6, 6], [6, 6]]) { ctx.beginPath(); ctx.arc(dx * 0.8, dy * 0.8, 3, 0, 7); ctx.fill(); ctx.stroke(); }
    } else if (cls === 'aircraft') { // an arrow pointing along the heading
      ctx.rotate(heading); ctx.moveTo(0, -9); ctx.lineTo(6, 7); ctx.lineTo(0, 3); ctx.lineTo(-6, 7); ctx.closePath(); ctx.fill(); ctx.stroke();
    } else if (cls === 'bird') { // a wing 'v'
      ctx.lineWidth = 2.5; ctx.strokeStyle = colour; ctx.moveTo(-7, -3); ctx.lineTo(0, 3); ctx.lineTo(7, -3); ctx.stroke();
    } else { // unknown: a diamond with a question mark
      ctx.moveTo(0, -7); ctx.lineTo(7, 0); ctx.lineTo(0, 7); ctx.lineTo(-7, 0); ctx.closePath(); ctx.fill(); ctx.stroke();
      ctx.fillStyle = '#000'; ctx.fillText('?', -3, 4);
    }
    ctx.restore();
  }

  private pilot(ctx: CanvasRenderingContext2D, pt: { x: number; y: number }, q: L.Point, selected: boolean): void {
    ctx.strokeStyle = '#7fdbff'; ctx.setLineDash([3, 3]); ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(pt.x, pt.y); ctx.lineTo(q.x, q.y); ctx.stroke(); ctx.setLineDash([]);
    ctx.fillStyle = '#7fdbff'; ctx.beginPath(); ctx.arc(q.x, q.y, 5, 0, 7); ctx.fill();
    ctx.fillStyle = '#000'; ctx.fillText('P', q.x - 3, q.y + 4);
    if (selected) { ctx.fillStyle = '#7fdbff'; ctx.fillText('operator', q.x + 8, q.y + 4); }
  }

  /** The track nearest a click (hits are kept in layer pixels, which a pan does not change). */
  private pick(c: L.Point): void {
    const p = this.map.containerPointToLayerPoint(c);
    let best: number | null = null, bestD = 14;
    for (const [id, x, y] of this.hits) { const d = Math.hypot(x - p.x, y - p.y); if (d < bestD) { bestD = d; best = id; } }
    this.onSelect(best);
  }

  private measureClick(at: L.LatLng): void {
    if (this.measurePts.length >= 2) { this.measurePts = []; this.measureLayer.clearLayers(); }
    this.measurePts.push(at);
    L.circleMarker(at, { radius: 3, color: '#7fdbff' }).addTo(this.measureLayer);
    if (this.measurePts.length === 2) {
      const [a, b] = this.measurePts, rb = rangeBearing(a.lat, a.lng, b.lat, b.lng);
      L.polyline([a, b], { color: '#7fdbff', weight: 2, dashArray: '6 4' }).addTo(this.measureLayer);
      this.measureEl.hidden = false;
      this.measureEl.textContent = `range ${formatRange(rb.range_m)}  bearing ${rb.bearing_deg.toFixed(1)}°`;
    } else { this.measureEl.hidden = false; this.measureEl.textContent = 'click the second point'; }
  }

  setMeasuring(on: boolean): void {
    this.measuring = on; this.measurePts = []; this.measureLayer.clearLayers(); this.measureEl.hidden = !on;
    if (on) this.measureEl.textContent = 'click the first point';
  }

  /**
   * The site's offline basemap (tiles from its MBTiles file through the API), under the grid.
   * Tiles are fetched with the token in a header (an <img> could only carry it in the URL).
   * Vector tiles cannot be drawn here: then the grid alone stays. Returns what is shown.
   */
  setBasemap(site: string, info: BasemapInfo | null, bearer: string): string {
    if (!info) return 'grid (no basemap configured)';
    if (!['png', 'jpg', 'jpeg', 'webp'].includes(info.format)) return `grid (the basemap's ${info.format} tiles are not raster)`;
    const base = `/api/v1/sites/${encodeURIComponent(site)}/tiles`;
    const Layer = L.GridLayer.extend({
      createTile(c: L.Coords, done: L.DoneCallback): HTMLElement {
        const img = document.createElement('img');
        img.alt = '';
        fetch(`${base}/${c.z}/${c.x}/${c.y}`, { headers: { Authorization: `Bearer ${bearer}` } })
          .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`tile ${c.z}/${c.x}/${c.y}: ${r.status}`))))
          .then((b) => { img.onload = () => { URL.revokeObjectURL(img.src); done(undefined, img); }; img.src = URL.createObjectURL(b); })
          .catch((e: Error) => done(e, img));
        return img;
      },
    }) as unknown as new (o: L.GridLayerOptions) => L.GridLayer;
    const b = info.bounds;
    new Layer({
      minNativeZoom: info.min_zoom ?? 0, maxNativeZoom: info.max_zoom ?? 18, maxZoom: 22,
      bounds: b ? L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : undefined, zIndex: 0,
    }).addTo(this.map);
    if (info.attribution) L.control.attribution({ prefix: false }).addAttribution(info.attribution.replace(/[<>]/g, '')).addTo(this.map);
    return `basemap ${info.name ?? ''} (${info.format}, zoom ${info.min_zoom ?? '?'}–${info.max_zoom ?? '?'})`;
  }

  centreOn(p: Geodetic): void { this.map.panTo([p.lat_deg, p.lon_deg]); }
}
