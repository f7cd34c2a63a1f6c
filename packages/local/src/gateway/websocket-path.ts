/** `/{stage}` or `/{stage}/`, with or without a query: where clients open WebSockets. */
export function isWebSocketPath(url: string, stage: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path === `/${stage}` || path === `/${stage}/`;
}
