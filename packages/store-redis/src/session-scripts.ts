/**
 * Lua scripts of sessions (see `sessions.ts`). Each touches only the two keys of one session, which
 * share a hash tag, so it runs on a Cluster as on a standalone server, and each is atomic: the
 * holder check and the write cannot interleave with another call.
 *
 * KEYS[1] = the head hash (`h` holder, `z` 1 when closed, `e` expiresAt, epoch s); KEYS[2] = the
 * channel hash (channel → start). Times come from the store's clock, never Redis TIME; a session
 * with `e <= now` does not exist (its keys are deleted by the next write, or by Redis expiry).
 */

/** Shared: ARGV reader, the live-session check (`head`), chunked HSET, expiry of both keys. */
const LIB = `
local pos = 0
local function arg() pos = pos + 1 return ARGV[pos] end
local hk, mk = KEYS[1], KEYS[2]
local function head(now)
  local h = redis.call('HMGET', hk, 'h', 'z', 'e')
  if h[1] == false or h[3] == false or tonumber(h[3]) <= now then
    redis.call('DEL', hk, mk)
    return nil
  end
  return h
end
local function hset_all(pairs)
  for i = 1, #pairs, 200 do
    redis.call('HSET', mk, unpack(pairs, i, math.min(i + 199, #pairs)))
  end
end
local function expire_both(exp, slack)
  redis.call('EXPIREAT', hk, exp + slack)
  redis.call('EXPIREAT', mk, exp + slack)
end
`;

/**
 * ARGV: now, from, to, expiresAt, slack. Answers nil when another holds it; else
 * { closed 0/1, created 0/1, { channel, start, … } } as found.
 */
const CLAIM = `${LIB}
local now, from, to, exp, slack = tonumber(arg()), arg(), arg(), tonumber(arg()), tonumber(arg())
local h = head(now)
if h and h[1] ~= from then return nil end
local closed, created, channels = 0, 1, {}
if h then
  closed, created = tonumber(h[2]) or 0, 0
  channels = redis.call('HGETALL', mk)
end
redis.call('HSET', hk, 'h', to, 'z', 0, 'e', exp)
expire_both(exp, slack)
return { closed, created, channels }
`;

/**
 * ARGV: now, holder, expiresAt, slack, max, n removed, removed…, n added, (channel, start)….
 * Answers 1 (written), 0 (another holds it) or -1 (over max channels: nothing written).
 */
const MARK = `${LIB}
local now, holder, exp, slack, max = tonumber(arg()), arg(), tonumber(arg()), tonumber(arg()), tonumber(arg())
local h = head(now)
if h and h[1] ~= holder then return 0 end
local removed = {}
for i = 1, tonumber(arg()) do removed[i] = arg() end
local added = {}
for i = 1, tonumber(arg()) do added[i] = { arg(), arg() } end
-- The size after the change, computed before anything is written.
local size, gone, seen = redis.call('HLEN', mk), {}, {}
for _, ch in ipairs(removed) do
  if not gone[ch] and redis.call('HEXISTS', mk, ch) == 1 then size = size - 1 end
  gone[ch] = true
end
for _, a in ipairs(added) do
  local ch = a[1]
  if not seen[ch] and (gone[ch] or redis.call('HEXISTS', mk, ch) == 0) then size = size + 1 end
  seen[ch] = true
end
if size > max then return -1 end
for _, ch in ipairs(removed) do redis.call('HDEL', mk, ch) end
local pairs_ = {}
for _, a in ipairs(added) do
  local cur = redis.call('HGET', mk, a[1])
  if cur == false or tonumber(cur) < 0 then
    pairs_[#pairs_ + 1] = a[1]
    pairs_[#pairs_ + 1] = a[2]
  end
end
hset_all(pairs_)
local closed = 0
if h then closed = tonumber(h[2]) or 0 end
redis.call('HSET', hk, 'h', holder, 'z', closed, 'e', exp)
expire_both(exp, slack)
return 1
`;

/** ARGV: now, holder, expiresAt, slack, n, channel…. Answers 1 (written) or 0 (another holds it). */
const CLOSE = `${LIB}
local now, holder, exp, slack = tonumber(arg()), arg(), tonumber(arg()), tonumber(arg())
local h = head(now)
if h and h[1] ~= holder then return 0 end
local known = {}
if h then
  local flat = redis.call('HGETALL', mk)
  for i = 1, #flat, 2 do known[flat[i]] = flat[i + 1] end
end
redis.call('DEL', mk)
local pairs_ = {}
for i = 1, tonumber(arg()) do
  local ch = arg()
  pairs_[#pairs_ + 1] = ch
  pairs_[#pairs_ + 1] = known[ch] or -1
end
hset_all(pairs_)
redis.call('HSET', hk, 'h', holder, 'z', 1, 'e', exp)
expire_both(exp, slack)
return 1
`;

/**
 * `CLAIM` when it writes nothing that grows memory, for a server out of memory (`shrinks`: it runs
 * under OOM): the live session held by `from` changes holder to an id no longer than `from`; its
 * channels stay. ARGV as `CLAIM`. Answers like `CLAIM` (nil: another holds it), or -1 when the
 * claim would add data (the session absent or expired, or `to` longer): then nothing is written.
 */
const CLAIM_IN_PLACE = `${LIB}
local now, from, to, exp, slack = tonumber(arg()), arg(), arg(), tonumber(arg()), tonumber(arg())
local h = head(now)
if h and h[1] ~= from then return nil end
if not h or #to > #h[1] then return -1 end
local channels = redis.call('HGETALL', mk)
redis.call('HSET', hk, 'h', to, 'z', 0, 'e', exp)
expire_both(exp, slack)
return { tonumber(h[2]) or 0, 0, channels }
`;

/**
 * `CLOSE` when it writes nothing that grows memory, for a server out of memory (`shrinks`): the
 * live session held by `holder` already records every channel given; the others are removed and
 * the starts kept, as `CLOSE` does. ARGV as `CLOSE`. Answers 1, 0 (another holds it), or -1 when
 * the close would add data (the session absent or expired, or a channel it does not record):
 * then nothing is written.
 */
const CLOSE_IN_PLACE = `${LIB}
local now, holder, exp, slack = tonumber(arg()), arg(), tonumber(arg()), tonumber(arg())
local h = head(now)
if h and h[1] ~= holder then return 0 end
if not h then return -1 end
local keep = {}
for i = 1, tonumber(arg()) do
  local ch = arg()
  if redis.call('HEXISTS', mk, ch) == 0 then return -1 end
  keep[ch] = true
end
local flat = redis.call('HKEYS', mk)
for _, ch in ipairs(flat) do
  if not keep[ch] then redis.call('HDEL', mk, ch) end
end
redis.call('HSET', hk, 'h', holder, 'z', 1, 'e', exp)
expire_both(exp, slack)
return 1
`;

/** ARGV: now. Answers nil, or { holder, closed, expiresAt, { channel, start, … } }. */
const READ = `${LIB}
local h = redis.call('HMGET', hk, 'h', 'z', 'e')
if h[1] == false or h[3] == false or tonumber(h[3]) <= tonumber(arg()) then return nil end
return { h[1], tonumber(h[2]) or 0, tonumber(h[3]), redis.call('HGETALL', mk) }
`;

/** The session scripts by name. */
export const SESSION_SCRIPTS = Object.freeze({
  sessionClaim: CLAIM,
  sessionMark: MARK,
  sessionClose: CLOSE,
  sessionClaimInPlace: CLAIM_IN_PLACE,
  sessionCloseInPlace: CLOSE_IN_PLACE,
  sessionRead: READ,
});
