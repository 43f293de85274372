import { describe, expect, it } from 'vitest';
import { Picture, alertsAt, authorization, threatAt, bestClass, coverageOutline, fieldOfViewOutline, coverageText, sensorNames, destination, enuToLatLon, identityText, rangeBearing, sensorBits, sortAlerts, stateAt, unacknowledged, type AlertEvent, type Track } from './logic';

const origin = { lat_deg: 51.5, lon_deg: -0.1, alt_m: 0 };
const track = (id: number, time: number, x = 0, y = 0): Track => ({
  id, time, position: { x, y, z: 100 }, velocity: { x: 3, y: 4, z: 0 }, status: 'confirmed', class: [0.7, 0.1, 0.1, 0.1],
  identity: { remote_id: 'SN123' }, pilot: null, sensors: 5, last_update: time, update_count: 1,
});
const alert = (id: number, level: number, time: number, state: AlertEvent['state'] = 'raised'): AlertEvent => ({
  alert: id, time, track: 1, rule: 'entry', zone: 'z', level, state, actor: 'system', cause: '',
});

describe('geodesy', () => {
  it('range and bearing due east of a point 1 km away', () => {
    const [lat, lon] = enuToLatLon(origin, 1000, 0);
    const rb = rangeBearing(origin.lat_deg, origin.lon_deg, lat, lon);
    expect(rb.range_m).toBeCloseTo(1000, 0);
    expect(rb.bearing_deg).toBeCloseTo(90, 1);
  });
  it('destination inverts range and bearing', () => {
    const [lat, lon] = destination(10, 20, 5000, 225);
    const rb = rangeBearing(10, 20, lat, lon);
    expect(rb.range_m).toBeCloseTo(5000, 3);
    expect(rb.bearing_deg).toBeCloseTo(225, 6);
  });
  it('bearing due north is 0 and south is 180', () => {
    expect(rangeBearing(0, 0, 1, 0).bearing_deg).toBeCloseTo(0, 9);
    expect(rangeBearing(1, 0, 0, 0).bearing_deg).toBeCloseTo(180, 9);
  });
});

describe('tracks', () => {
  it('best class, identity text, sensor bits', () => {
    expect(bestClass(track(1, 0))).toBe('drone');
    expect(identityText({ remote_id: 'SN123' })).toBe('SN123');
    expect(identityText({ icao: 0x4ca123 })).toBe('ICAO 4CA123');
    expect(identityText(null)).toBeNull();
    expect(sensorBits(5)).toEqual([0, 2]);
  });
  it('picture keeps a trail no longer than 30 s and drops deleted tracks', () => {
    const p = new Picture();
    p.snapshot({ time: 0, tracks: [track(1, 0)], alerts: [], sensors: [], zones: [] });
    for (let t = 1; t <= 40; t++) p.update({ type: 'tracks', time: t, tracks: [track(1, t, t, 0)], deleted: [] });
    const trail = p.trails.get(1)!;
    expect(trail[0][0]).toBe(10);
    expect(trail.at(-1)![1]).toBe(40);
    p.update({ type: 'tracks', time: 41, tracks: [], deleted: [1] });
    expect(p.tracks.size).toBe(0);
  });
  it('alert updates count as fresh once and unacknowledged until acknowledged', () => {
    const p = new Picture();
    p.snapshot({ time: 0, tracks: [], alerts: [], sensors: [], zones: [] });
    p.update({ type: 'alert', ...alert(7, 2, 5) });
    p.update({ type: 'alert', ...alert(7, 2, 6) });
    expect(p.fresh.length).toBe(1);
    expect(unacknowledged(p.alerts.values())).toBe(1);
    p.update({ type: 'alert', ...alert(7, 2, 7, 'acknowledged') });
    expect(unacknowledged(p.alerts.values())).toBe(0);
    expect(p.alerts.get(7)!.raised_at).toBe(5);
  });
});

describe('alerts and replay', () => {
  it('open first, then most severe, then newest', () => {
    const order = sortAlerts([alert(1, 1, 10), alert(2, 3, 5), alert(3, 3, 8), alert(4, 4, 20, 'resolved')]).map((a) => a.alert);
    expect(order).toEqual([3, 2, 1, 4]);
  });
  it('threat at a moment: open alerts by their latest event at or before it', () => {
    const ev = [alert(1, 2, 10), { ...alert(1, 4, 20), state: 'escalated' as const }, { ...alert(1, 4, 30), state: 'resolved' as const }, { ...alert(2, 1, 15), track: 2 }];
    expect(threatAt(ev, 5).size).toBe(0);
    expect(threatAt(ev, 12).get(1)).toBe(2);
    expect(threatAt(ev, 25).get(1)).toBe(4);
    expect(threatAt(ev, 35).has(1)).toBe(false);
    expect(threatAt(ev, 35).get(2)).toBe(1);
    expect(alertsAt(ev, 25).get(1)!.state).toBe('escalated');
    expect(alertsAt(ev, 35).get(1)!.state).toBe('resolved');
  });
  it('state at a moment takes the latest state not after it and not too old', () => {
    const h = [track(1, 1), track(1, 2), track(1, 3), track(2, 0)];
    const s = stateAt(h, 2.5);
    expect(s.get(1)!.time).toBe(2);
    expect(s.has(2)).toBe(true);
    expect(stateAt(h, 10).size).toBe(0);
  });
});

describe('sensors', () => {
  const place = { id: 1, name: 'cam-gate', kind: 'camera', format: 'sapient', position: { x: 0, y: 0, z: 0 }, geodetic: origin, coverage: null };
  it('a sector outline starts and ends at the sensor and its arc is at range', () => {
    const pts = coverageOutline(origin, { range_m: 1000, boresight_deg: 90, fov_deg: 60, source: 'configured' })!;
    expect(pts[0]).toEqual([origin.lat_deg, origin.lon_deg]);
    expect(pts.at(-1)).toEqual([origin.lat_deg, origin.lon_deg]);
    const arc = pts.slice(1, -1).map(([lat, lon]) => rangeBearing(origin.lat_deg, origin.lon_deg, lat, lon));
    expect(arc.length).toBe(13);
    for (const rb of arc) expect(rb.range_m).toBeCloseTo(1000, 3);
    expect(arc[0].bearing_deg).toBeCloseTo(60, 6);
    expect(arc.at(-1)!.bearing_deg).toBeCloseTo(120, 6);
  });
  it('all-round coverage is a circle (no outline) and says so', () => {
    const all = { range_m: 5000, boresight_deg: null, fov_deg: null, source: 'nominal' };
    expect(coverageOutline(origin, all)).toBeNull();
    expect(coverageText(all)).toBe('5.00 km, all round (nominal)');
    expect(coverageText({ range_m: 800, boresight_deg: 45, fov_deg: 30, source: 'configured' })).toBe('800 m, 30° around 45°');
  });
  it('a reported cone is a sector, a full-circle cone a ring, a polygon its vertices', () => {
    const cone = { kind: 'cone' as const, azimuth_deg: 180, elevation_deg: 0, range_m: 800, horizontal_extent_deg: 20, vertical_extent_deg: 10 };
    const sector = fieldOfViewOutline(origin, cone);
    expect(rangeBearing(origin.lat_deg, origin.lon_deg, ...sector[1]).bearing_deg).toBeCloseTo(170, 6);
    const ring = fieldOfViewOutline(origin, { ...cone, horizontal_extent_deg: 360 });
    expect(ring.length).toBe(73);
    expect(fieldOfViewOutline(origin, { kind: 'polygon', vertices: [origin, { ...origin, lat_deg: 52 }] })).toEqual([[51.5, -0.1], [52, -0.1]]);
  });
  it('sensor names come from the API, else from the layout by bit', () => {
    const t = track(1, 0);
    expect(sensorNames(t, [place])).toEqual(['#0', '#2']);
    expect(sensorNames({ ...t, sensors: 2 }, [place])).toEqual(['cam-gate']);
    expect(sensorNames({ ...t, sensor_names: ['radar'] }, [place])).toEqual(['radar']);
  });
});

describe('authorization', () => {
  const wl = [{ name: 'roof survey', rid: 'SN123', zones: ['runway'] }, { name: 'police', icao: '4ca123', zones: [] }];
  it('matches the serial exactly, and an open spoof alert overrides the whitelist', () => {
    expect(authorization(track(1, 0), [], wl).text).toBe('authorized as roof survey in runway');
    expect(authorization({ ...track(1, 0), identity: { remote_id: 'SN1234' } }, [], wl).text).toBe('not on the whitelist');
    expect(authorization({ ...track(1, 0), identity: { icao: 0x4ca123 } }, [], wl).text).toBe('authorized as police');
    expect(authorization({ ...track(1, 0), identity: null }, [], wl).text).toMatch(/^unknown/);
    const spoof = { ...alert(1, 3, 5), rule: 'spoof_suspected' };
    expect(authorization(track(1, 0), [spoof], wl)).toEqual({ text: 'SPOOF SUSPECTED (alert open)', alarm: true });
    expect(authorization(track(1, 0), [{ ...spoof, state: 'resolved' }], wl).alarm).toBe(false);
  });
});
