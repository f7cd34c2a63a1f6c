import { LIB } from './scripts.js';

/**
 * The conditional removal behind `unregisterStale` (gone-cleanup): the record's age (`at`,
 * connectedAt ms) is checked and the record removed in the same script, so a registration of the
 * same id can never slip between the check and the delete. Replies: `{0, hash, channels}` no live
 * record (an expired one is deleted: its hash and channels, empty when there was none),
 * `{1, ageMs}` kept (younger than the cutoff), `{2, hash, channels}` removed.
 */
const CHECK = `
local function stale_check(rk, cutoff, nowms)
  local exp = conn_live(rk, math.floor(nowms / 1000))
  if not exp then return false, nil end
  local at = tonumber(redis.call('HGET', rk, 'at'))
  if at and at > cutoff then return true, nowms - at end
  return false, exp
end
`;

/** The stale-removal scripts by name. */
export const STALE_SCRIPTS = Object.freeze({
  // KEYS rk sk | ARGV prefix id cutoff(ms) now(ms) slack → see above; standalone (channel keys derived)
  deleteStaleAll: `${LIB}${CHECK}
local prefix = arg() local id = arg() local cutoff = tonumber(arg())
local nowms = tonumber(arg()) local slack = tonumber(arg())
local young, live = stale_check(KEYS[1], cutoff, nowms)
if young then return {1, live} end
local r = conn_delete_all(KEYS[1], KEYS[2], prefix, id, slack)
if live then return {2, r[1], r[2]} end
return {0, r[1], r[2]}`,

  // KEYS rk sk | ARGV cutoff(ms) now(ms) → the same replies; Cluster: the connection slot only (the
  // store then removes the index entries of the channels answered, as unregister does)
  connDeleteStale: `${LIB}${CHECK}
local cutoff = tonumber(arg()) local nowms = tonumber(arg())
local young, live = stale_check(KEYS[1], cutoff, nowms)
if young then return {1, live} end
local r = conn_read(KEYS[1], KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
if live then return {2, r[1], r[2]} end
return {0, r[1], r[2]}`,
});
