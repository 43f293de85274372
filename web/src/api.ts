// The picket API: REST under /api/v1 with a bearer token, and the site's WebSocket stream
// (the token goes in the query: browsers cannot set headers on a WebSocket).
const KEY = 'picket.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    ...init,
    headers: { ...(init.headers ?? {}), Authorization: `Bearer ${token.get() ?? ''}`, 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function stream(site: string, onMessage: (m: { type: string; [k: string]: unknown }) => void, onState: (s: string) => void): () => void {
  let ws: WebSocket | null = null, closed = false, retry = 0;
  const open = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${proto}//${location.host}/api/v1/sites/${encodeURIComponent(site)}/stream?access_token=${encodeURIComponent(token.get() ?? '')}`);
    ws.onopen = () => { retry = 0; onState('connected'); };
    ws.onmessage = (e) => { try { onMessage(JSON.parse(e.data as string)); } catch { /* a malformed message is skipped */ } };
    ws.onclose = () => {
      onState('disconnected: reconnecting');
      if (!closed) setTimeout(open, Math.min(10_000, 500 * 2 ** retry++));
    };
  };
  open();
  return () => { closed = true; ws?.close(); };
}
