/**
 * Lua scripts of the channel history (see `history-log.ts`). Each touches only the three keys of
 * one channel's history, which share a hash tag, so they run on a Cluster as on a standalone server.
 *
 * KEYS[1] = the stream (entry id `<seq>-0`, fields `m` messageId, `p` payload, `a` appended-at ms,
 * `e` expires-at ms); KEYS[2] = the head hash (`n` head seq, `x` latest entry expiry ms,
 * `u` when the counter lapses, ms); KEYS[3] = the retraction markers, a sorted set scored by seq
 * whose members are `<seq>:<messageId length>:<messageId>:<a>:<e>` (a stream entry cannot be
 * rewritten in place, so a retracted entry leaves the stream and its marker lives here). Times
 * come from the store's clock, never Redis TIME, so an injected clock decides what is visible;
 * Redis key expiry is only the cleanup.
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
-- A marker member: seq, then the messageId with its length (ids may hold ':'), then a and e.
local function marker_of(member)
  local seq, len, rest = string.match(member, '^(%d+):(%d+):(.*)$')
  len = tonumber(len)
  local mid = string.sub(rest, 1, len)
  local a, e = string.match(string.sub(rest, len + 2), '^(%d+):(%d+)$')
  return tonumber(seq), mid, a, tonumber(e)
end
`;

/**
 * ARGV: now ms, ttl ms, maxLength, head grace ms, expiry slack s, messageId, payload.
 * Answers the new entry's seq. A lapsed counter (`u <= now`) restarts numbering: the stream left
 * from before is deleted first, so old entries are never read as new ones.
 */
const APPEND = `${PRUNE}
local sk, hk, rk = KEYS[1], KEYS[2], KEYS[3]
local now, ttl, grace, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
local h = redis.call('HMGET', hk, 'n', 'x', 'u')
local x = tonumber(h[2]) or 0
if h[1] == false or h[3] == false or tonumber(h[3]) <= now then
  redis.call('DEL', sk, hk, rk)
  x = 0
end
local seq = redis.call('HINCRBY', hk, 'n', 1)
local exp = now + ttl
redis.call('XADD', sk, 'MAXLEN', '=', ARGV[3], seq .. '-0', 'm', ARGV[6], 'p', ARGV[7], 'a', ARGV[1], 'e', exp)
prune_front(sk, now, 16)
-- The log is the last maxLength numbers, markers included: MAXLEN counts only entries, so an
-- entry left below the window by a retraction goes here (one XRANGE when there is none), and
-- markers go once maxLength numbers were given after theirs.
local floor = seq - tonumber(ARGV[3])
while true do
  local oldest = redis.call('XRANGE', sk, '-', '+', 'COUNT', 1)
  if #oldest == 0 or seq_of(oldest[1][1]) > floor then break end
  redis.call('XDEL', sk, oldest[1][1])
end
redis.call('ZREMRANGEBYSCORE', rk, '-inf', floor)
if exp > x then x = exp end
local u = x + grace
redis.call('HSET', hk, 'x', x, 'u', u)
redis.call('EXPIREAT', sk, math.ceil(x / 1000) + slack)
redis.call('EXPIREAT', hk, math.ceil(u / 1000) + slack)
return seq
`;

/**
 * ARGV: now ms, since, limit, payloads (1, or 0: each payload answered as ''). Answers
 * { headSeq, oldestSeq or 0, { seq, messageId, payload, at, retracted 0/1 }… }.
 * Expired entries at the front are deleted (each once, so the cost is paid once per entry);
 * expired ones further on (a shorter ttlSeconds than an older entry's) are skipped. Retraction
 * markers (KEYS[3], at most maxLength, usually none) are merged in by seq and count as held.
 */
const READ = `${PRUNE}
local sk, hk, rk = KEYS[1], KEYS[2], KEYS[3]
local now, limit, payloads = tonumber(ARGV[1]), tonumber(ARGV[3]), ARGV[4] ~= '0'
local h = redis.call('HMGET', hk, 'n', 'u')
if h[1] == false or h[2] == false or tonumber(h[2]) <= now then return {0, 0, {}} end
local first = prune_front(sk, now, 100000)
local oldest = 0
if first then oldest = seq_of(first) end
local marks = {}
for _, member in ipairs(redis.call('ZRANGE', rk, 0, -1)) do
  local mseq, mid, a, e = marker_of(member)
  if e > now then
    if oldest == 0 or mseq < oldest then oldest = mseq end
    if mseq > tonumber(ARGV[2]) then marks[#marks + 1] = {mseq, mid, '', a, 1} end
  end
end
local out = {}
-- since as given (a string): a Lua number would print large values in exponent form.
local from = '(' .. ARGV[2] .. '-0'
while first and #out < limit do
  local want = limit - #out
  local batch = redis.call('XRANGE', sk, from, '+', 'COUNT', want)
  for _, e in ipairs(batch) do
    local f = e[2]
    if tonumber(field(f, 'e')) > now then
      out[#out + 1] = {seq_of(e[1]), field(f, 'm'), payloads and field(f, 'p') or '', field(f, 'a'), 0}
    end
  end
  if #batch < want then break end
  from = '(' .. batch[#batch][1]
end
if #marks > 0 then
  -- The first limit of entries and markers together: both lists are ascending.
  local merged, i, j = {}, 1, 1
  while #merged < limit and (i <= #out or j <= #marks) do
    if j > #marks or (i <= #out and out[i][1] < marks[j][1]) then
      merged[#merged + 1] = out[i]
      i = i + 1
    else
      merged[#merged + 1] = marks[j]
      j = j + 1
    end
  end
  out = merged
end
return {tonumber(h[1]), oldest, out}
`;

/**
 * ARGV: now ms, seq, messageId, expiry slack s. Answers 1 when entry `seq` of the current log was
 * live and held messageId: it leaves the stream (`XDEL`) and a marker with its messageId, time and
 * expiry joins KEYS[3] (expiring with the log's latest entry); else 0, nothing written. Runs under
 * OOM (`shrinks`, like `touch`): it only takes back what an accepted append added; its marker
 * (≈ 170 bytes, ≈ 1 KB for a channel's first: the set's own key) replaces the entry, whose memory
 * is freed once its stream node holds no live entry.
 */
const RETRACT = `${PRUNE}
local sk, hk, rk = KEYS[1], KEYS[2], KEYS[3]
local now, slack = tonumber(ARGV[1]), tonumber(ARGV[4])
local h = redis.call('HMGET', hk, 'x', 'u')
if h[1] == false or h[2] == false or tonumber(h[2]) <= now then return 0 end
local id = ARGV[2] .. '-0'
local found = redis.call('XRANGE', sk, id, id)
if #found == 0 then return 0 end
local f = found[1][2]
if field(f, 'm') ~= ARGV[3] or tonumber(field(f, 'e')) <= now then return 0 end
redis.call('XDEL', sk, id)
redis.call('ZADD', rk, ARGV[2], ARGV[2] .. ':' .. #ARGV[3] .. ':' .. ARGV[3] .. ':' .. field(f, 'a') .. ':' .. field(f, 'e'))
redis.call('EXPIREAT', rk, math.ceil(tonumber(h[1]) / 1000) + slack)
return 1
`;

/** The history scripts by name. */
export const HISTORY_SCRIPTS = Object.freeze({
  historyAppend: APPEND,
  historyRead: READ,
  historyRetract: RETRACT,
});
