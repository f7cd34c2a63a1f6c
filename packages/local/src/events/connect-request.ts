import type { IncomingMessage } from 'node:http';

/** Header and query maps in the Lambda proxy (payload 1.0) shape. */
export interface RequestMaps {
  /** Each header's last value, by the name as the client spelled it first. */
  headers: Record<string, string>;
  /** Every value of each header. */
  multiValueHeaders: Record<string, string[]>;
  /** Each query parameter's last value; `undefined` without a query string. */
  query: Record<string, string> | undefined;
  /** Every value of each query parameter; `undefined` without a query string. */
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
  const pairs: Array<[string, string]> = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  const spelled = new Set(pairs.map(([name]) => name.toLowerCase()));
  for (const [name, value] of Object.entries(added)) {
    if (!spelled.has(name.toLowerCase())) pairs.push([name, value]);
  }
  const spelling = new Map<string, string>();
  const headers = group(
    pairs.filter(([name]) => !DROPPED.has(name.toLowerCase())),
    (name) => {
      const lower = name.toLowerCase();
      if (!spelling.has(lower)) spelling.set(lower, name);
      return spelling.get(lower)!;
    },
  );
  return { ...headers, ...readQuery(req.url ?? '/') };
}

function readQuery(url: string): Pick<RequestMaps, 'query' | 'multiValueQuery'> {
  const at = url.indexOf('?');
  if (at === -1 || at === url.length - 1) return { query: undefined, multiValueQuery: undefined };
  const { headers, multiValueHeaders } = group([...new URLSearchParams(url.slice(at + 1))], (name) => name);
  if (Object.keys(headers).length === 0) return { query: undefined, multiValueQuery: undefined };
  return { query: headers, multiValueQuery: multiValueHeaders };
}

/**
 * Groups name/value pairs by `keyOf(name)`: last value and all values. Names are data: they are
 * collected in a `Map` and become own properties through `Object.fromEntries`, so `__proto__`,
 * `constructor` or `toString` are keys like any other and never reach a prototype.
 */
function group(
  pairs: Array<[string, string]>,
  keyOf: (name: string) => string,
): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const values = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = keyOf(name);
    const list = values.get(key);
    if (list === undefined) values.set(key, [value]);
    else list.push(value);
  }
  return {
    headers: Object.fromEntries([...values].map(([key, list]) => [key, list.at(-1)!])),
    multiValueHeaders: Object.fromEntries(values),
  };
}
