// A synthetic feed for the rendering benchmark (?bench=N): N tracks moving on circles, updated
// at 1 Hz like the live stream, with no server. Not used in live operation.
import type { Geodetic, Picture, Track } from './logic';
import { enuToLatLon } from './logic';

export function syntheticFeed(p: Picture, origin: Geodetic, n: number, changed: () => void): void {
  p.layout = [
    { id: 0, name: 'radar-1', kind: 'radar', format: 'asterix', position: { x: 0, y: 0, z: 10 }, geodetic: origin, coverage: { range_m: 5000, boresight_deg: null, fov_deg: null, source: 'nominal' } },
    { id: 1, name: 'cam-gate', kind: 'camera', format: 'sapient', position: { x: 0, y: 0, z: 5 }, geodetic: origin, coverage: { range_m: 1500, boresight_deg: 45, fov_deg: 60, source: 'configured' } },
  ];
  p.zones = [{ id: 'core', kind: 'protected', shape: { circle: { x: 0, y: 0, r_m: 800 } }, floor_m: 0, ceiling_m: 400 }];
  const start = Date.now() / 1000;
  const tick = () => {
    const now = Date.now() / 1000, tracks: Track[] = [];
    for (let i = 0; i < n; i++) {
      const r = 300 + (i % 50) * 90, w = 0.01 + (i % 7) * 0.004, a = i * 2.399 + w * (now - start);
      const x = r * Math.cos(a), y = r * Math.sin(a);
      const [lat, lon] = enuToLatLon(origin, x, y);
      const c = [0, 0, 0, 0]; c[i % 4] = 0.8;
      tracks.push({ id: i + 1, time: now, position: { x, y, z: 50 + (i % 30) * 10 }, velocity: { x: -r * w * Math.sin(a), y: r * w * Math.cos(a), z: 0 }, status: 'confirmed', class: c.map((v) => v || 0.0667), identity: i % 4 === 0 ? { remote_id: `SN${1000 + i}` } : null, pilot: i % 4 === 0 ? { lat_deg: origin.lat_deg + 0.01 * Math.sin(i), lon_deg: origin.lon_deg + 0.015 * Math.cos(i), alt_m: 0 } : null, sensors: 1, last_update: now, update_count: 1, geodetic: { lat_deg: lat, lon_deg: lon, alt_m: 0 } });
    }
    p.update({ type: 'tracks', time: now, tracks, deleted: [] });
    changed();
  };
  tick();
  setInterval(tick, 1000);
}
