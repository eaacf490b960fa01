// A fake of the network for hook and view tests: the server is the outside world here.
import { vi } from "vitest";

export type Route = (url: URL, init?: RequestInit) => { status?: number; body: unknown } | undefined;

export function fakeFetch(...routes: Route[]) {
  const calls: Array<{ url: URL; init?: RequestInit }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://satmon.test");
    calls.push({ url, init });
    for (const route of routes) {
      const answer = route(url, init);
      if (answer) return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { "Content-Type": "application/json" } });
    }
    return new Response(JSON.stringify({ error: { status: 404, code: "not_found", message: `no fake for ${url.pathname}`, fields: [] } }), { status: 404 });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

export const path = (p: string, body: unknown, status = 200): Route => (url) => (url.pathname === p ? { status, body } : undefined);
