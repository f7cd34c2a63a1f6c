/**
 * Lua scripts of the channel history (see `history-log.ts`). Both touch only the two keys of one
 * channel's history, which share a hash tag, so they run on a Cluster as on a standalone server.
 *
 * KEYS[1] = the stream (entry id `<seq>-0`, fields `m` messageId, `p` payload, `a` appended-at ms,
 * `e` expires-at ms); KEYS[2] = the head hash (`n` head seq, `x` latest entry expiry ms,
 * `u` when the counter lapses, ms). Times come from the store's clock, never Redis TIME, so an
 * injected clock decides what is visible; Redis key expiry is only the cleanup.
 */

/** Deletes up to `budget` expired entries from the front of the stream (stops at the first live one). */
const PRUNE = `
local function field(fields, name)
  for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
  return nil
end
local function prune_front(sk, now, budget)
  while budget > 0 do
    local batch = redis.call('XRANGE', sk, '-', '+', 'COUNT', math.min(budget, 32))
    if #batch == 0 then return nil end
    for _, e in ipairs(batch) do
      if tonumber(field(e[2], 'e')) > now then return e[1] end
      redis.call('XDEL', sk, e[1])
      budget = budget - 1
    end
  end
  return nil
end
local function seq_of(id) return tonumber((string.match(id, '^(%d+)'))) end
`;

/**
 * ARGV: now ms, ttl ms, maxLength, head grace ms, expiry slack s, messageId, payload.
 * Answers the new entry's seq. A lapsed counter (`u <= now`) restarts numbering: the stream left
 * from before is deleted first, so old entries are never read as new ones.
 */
const APPEND = `${PRUNE}
local sk, hk = KEYS[1], KEYS[2]
local now, ttl, grace, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
local h = redis.call('HMGET', hk, 'n', 'x', 'u')
local x = tonumber(h[2]) or 0
if h[1] == false or h[3] == false or tonumber(h[3]) <= now then
  redis.call('DEL', sk, hk)
  x = 0
end
local seq = redis.call('HINCRBY', hk, 'n', 1)
local exp = now + ttl
redis.call('XADD', sk, 'MAXLEN', '=', ARGV[3], seq .. '-0', 'm', ARGV[6], 'p', ARGV[7], 'a', ARGV[1], 'e', exp)
prune_front(sk, now, 16)
if exp > x then x = exp end
local u = x + grace
redis.call('HSET', hk, 'x', x, 'u', u)
redis.call('EXPIREAT', sk, math.ceil(x / 1000) + slack)
redis.call('EXPIREAT', hk, math.ceil(u / 1000) + slack)
return seq
`;

/**
 * ARGV: now ms, since, limit, payloads (1, or 0: each payload answered as ''). Answers
 * { headSeq, oldestSeq or 0, { seq, messageId, payload, at }… }.
 * Expired entries at the front are deleted (each once, so the cost is paid once per entry);
 * expired ones further on (a shorter ttlSeconds than an older entry's) are skipped.
 */
const READ = `${PRUNE}
local sk, hk = KEYS[1], KEYS[2]
local now, limit, payloads = tonumber(ARGV[1]), tonumber(ARGV[3]), ARGV[4] ~= '0'
local h = redis.call('HMGET', hk, 'n', 'u')
if h[1] == false or h[2] == false or tonumber(h[2]) <= now then return {0, 0, {}} end
local first = prune_front(sk, now, 100000)
local oldest = 0
if first then oldest = seq_of(first) end
local out = {}
-- since as given (a string): a Lua number would print large values in exponent form.
local from = '(' .. ARGV[2] .. '-0'
while first and #out < limit do
  local want = limit - #out
  local batch = redis.call('XRANGE', sk, from, '+', 'COUNT', want)
  for _, e in ipairs(batch) do
    local f = e[2]
    if tonumber(field(f, 'e')) > now then
      out[#out + 1] = {seq_of(e[1]), field(f, 'm'), payloads and field(f, 'p') or '', field(f, 'a')}
    end
  end
  if #batch < want then break end
  from = '(' .. batch[#batch][1]
end
return {tonumber(h[1]), oldest, out}
`;

/** The history scripts by name. */
export const HISTORY_SCRIPTS = Object.freeze({ historyAppend: APPEND, historyRead: READ });
