import type { IncomingMessage } from 'node:http';

/** Header and query maps in the Lambda proxy (payload 1.0) shape. */
export interface RequestMaps {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  query: Record<string, string> | undefined;
  multiValueQuery: Record<string, string[]> | undefined;
}

/** Hop-by-hop headers API Gateway does not forward to the integration. */
const DROPPED = new Set(['connection', 'upgrade']);

/**
 * Reads the upgrade request's headers with the case the client sent (`req.rawHeaders`) and its
 * query string. Repeated names keep the first spelling; `headers` holds the last value and
 * `multiValueHeaders` all of them, like API Gateway's payload 1.0.
 */
export function readRequestMaps(req: IncomingMessage, added: Record<string, string>): RequestMaps {
  const multiValueHeaders: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) return;
    let key = spelling.get(lower);
    if (key === undefined) {
      key = name;
      spelling.set(lower, key);
      multiValueHeaders[key] = [];
    }
    multiValueHeaders[key]!.push(value);
  };
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) add(raw[i]!, raw[i + 1]!);
  for (const [name, value] of Object.entries(added)) {
    if (!spelling.has(name.toLowerCase())) add(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueHeaders)) headers[name] = values.at(-1)!;
  return { headers, multiValueHeaders, ...readQuery(req.url ?? '/') };
}

function readQuery(url: string): Pick<RequestMaps, 'query' | 'multiValueQuery'> {
  const at = url.indexOf('?');
  if (at === -1 || at === url.length - 1) return { query: undefined, multiValueQuery: undefined };
  const params = new URLSearchParams(url.slice(at + 1));
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of params) {
    query[name] = value;
    const values = multiValueQuery[name];
    if (values === undefined) multiValueQuery[name] = [value];
    else values.push(value);
  }
  if (Object.keys(query).length === 0) return { query: undefined, multiValueQuery: undefined };
  return { query, multiValueQuery };
}
