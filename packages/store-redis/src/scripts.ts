/**
 * Lua scripts, run with EVALSHA (EVAL on NOSCRIPT). Each script is the shared library below plus
 * a body. Two families:
 * - slot-local scripts (`conn*`, `chan*`, `members`) touch only the keys of ONE connection or ONE
 *   channel, so they run on a Redis Cluster; the store sequences them (see the README).
 * - `*All` scripts do a whole operation atomically on a standalone server: connection keys and
 *   channel keys are passed in KEYS where known; channel keys of channels read from the
 *   connection's set (old channels on re-register, unregister, touch) are derived in Lua with
 *   `chan_keys`, the twin of `KeyLayout.channel` — valid because a standalone server holds every key.
 *
 * Conventions: `now`, `exp` are epoch seconds from the store's clock (never Redis TIME, so an
 * injected clock decides visibility); a membership or record with `exp <= now` does not exist;
 * a "not found" answer is `false` (nil reply).
 */

/** The functions every store script starts with (exported for the scripts kept in other files). */
export const LIB = `
local pos = 0
local function arg() pos = pos + 1 return ARGV[pos] end
local function list()
  local n = tonumber(arg())
  local t = {}
  for i = 1, n do t[i] = arg() end
  return t
end
local function chunked(cmd, key, items, step)
  for i = 1, #items, step do
    redis.call(cmd, key, unpack(items, i, math.min(i + step - 1, #items)))
  end
end
local function esc(s)
  return (string.gsub(s, '[%%{}:]', function(c) return string.format('%%%02X', string.byte(c)) end))
end
local function chan_keys(prefix, ch)
  local base = prefix .. '{m:' .. esc(ch) .. '}'
  return base .. ':l', base .. ':x'
end
local function chan_refresh(lk, xk, slack)
  local top = redis.call('ZRANGE', xk, -1, -1, 'WITHSCORES')
  if #top == 0 then
    redis.call('DEL', lk, xk)
  else
    local at = tonumber(top[2]) + slack
    redis.call('EXPIREAT', lk, at)
    redis.call('EXPIREAT', xk, at)
  end
end
local function chan_purge(lk, xk, now, n)
  local old = redis.call('ZRANGEBYSCORE', xk, '-inf', now, 'LIMIT', 0, n)
  if #old > 0 then
    redis.call('ZREM', lk, unpack(old))
    redis.call('ZREM', xk, unpack(old))
  end
end
-- Live members of lk in the lex range (min, max], at most limit, scanning at most budget entries:
-- { members, last scanned when more may follow else '' }. members() and slice listings share it.
local function chan_scan(lk, xk, now, min, max, limit, budget)
  local out = {}
  local last = ''
  while #out < limit and budget > 0 do
    local n = math.min(limit - #out, budget)
    local batch = redis.call('ZRANGEBYLEX', lk, min, max, 'LIMIT', 0, n)
    for _, m in ipairs(batch) do
      local s = redis.call('ZSCORE', xk, m)
      if s and tonumber(s) > now then out[#out + 1] = m end
      last = m
    end
    budget = budget - #batch
    if #batch < n then return { out, '' } end
    min = '(' .. last
  end
  if last == '' or #redis.call('ZRANGEBYLEX', lk, '(' .. last, max, 'LIMIT', 0, 1) == 0 then return { out, '' } end
  return { out, last }
end
local function chan_add(lk, xk, id, exp, slack, now)
  chan_purge(lk, xk, now, 16)
  redis.call('ZADD', lk, 0, id)
  redis.call('ZADD', xk, exp, id)
  chan_refresh(lk, xk, slack)
end
local function chan_remove(lk, xk, id, slack)
  redis.call('ZREM', lk, id)
  redis.call('ZREM', xk, id)
  chan_refresh(lk, xk, slack)
end
local function chan_touch(lk, xk, id, exp, slack)
  if redis.call('ZSCORE', lk, id) then
    redis.call('ZADD', xk, exp, id)
    chan_refresh(lk, xk, slack)
  end
end
local function conn_live(rk, now)
  local exp = redis.call('HGET', rk, 'exp')
  if exp and tonumber(exp) > now then return tonumber(exp) end
  return nil
end
-- Bytes of JSON.stringify(s) for the UTF-8 string s: quotes, \\ and \\b\\t\\n\\f\\r take 2, other controls 6.
local function json_len(s)
  local n = #s + 2
  for i = 1, #s do
    local b = string.byte(s, i)
    if b == 34 or b == 92 or b == 8 or b == 9 or b == 10 or b == 12 or b == 13 then n = n + 1
    elseif b < 32 then n = n + 5 end
  end
  return n
end
-- Bytes of the data object's JSON once sets (field value…) and dels (field…) are applied.
local function merged_data_len(rk, sets, dels)
  local size = {}
  local h = redis.call('HGETALL', rk)
  for i = 1, #h, 2 do
    if string.sub(h[i], 1, 2) == 'd:' then size[h[i]] = #h[i + 1] end
  end
  for i = 1, #sets, 2 do size[sets[i]] = #sets[i + 1] end
  for _, f in ipairs(dels) do size[f] = nil end
  local bytes, n = 2, 0
  for f, len in pairs(size) do
    bytes = bytes + json_len(string.sub(f, 3)) + 1 + len
    n = n + 1
  end
  if n > 1 then bytes = bytes + n - 1 end
  return bytes
end
local function conn_read(rk, sk)
  return { redis.call('HGETALL', rk), redis.call('SMEMBERS', sk) }
end
-- Standalone: reads and deletes the connection and every membership (channel keys derived).
local function conn_delete_all(rk, sk, prefix, id, slack)
  local r = conn_read(rk, sk)
  for _, c in ipairs(r[2]) do
    local lk, xk = chan_keys(prefix, c)
    chan_remove(lk, xk, id, slack)
  end
  redis.call('DEL', rk, sk)
  return r
end
local function conn_put(rk, sk, exp, slack, fields, chans)
  local old = redis.call('SMEMBERS', sk)
  redis.call('DEL', rk, sk)
  chunked('HSET', rk, fields, 200)
  redis.call('EXPIREAT', rk, exp + slack)
  if #chans > 0 then
    chunked('SADD', sk, chans, 200)
    redis.call('EXPIREAT', sk, exp + slack)
  end
  return old
end
local function conn_join(rk, sk, now, slack, max, chans)
  local exp = conn_live(rk, now)
  if not exp then return nil end
  local fresh = 0
  for _, c in ipairs(chans) do
    if redis.call('SISMEMBER', sk, c) == 0 then fresh = fresh + 1 end
  end
  if redis.call('SCARD', sk) + fresh > max then return -1 end
  chunked('SADD', sk, chans, 200)
  redis.call('EXPIREAT', sk, exp + slack)
  return exp
end
`;

/** Script bodies by name; ARGV layouts are documented next to each. */
const BODIES = {
  // KEYS rk sk | ARGV exp slack fields… chans… → previous channel names
  connPut: `
local exp = tonumber(arg()) local slack = tonumber(arg())
local fields = list() local chans = list()
return conn_put(KEYS[1], KEYS[2], exp, slack, fields, chans)`,

  // KEYS rk sk (lk xk)… | ARGV prefix id now exp slack fields… chans… → 1
  putAll: `
local prefix = arg() local id = arg() local now = tonumber(arg())
local exp = tonumber(arg()) local slack = tonumber(arg())
local fields = list() local chans = list()
local old = conn_put(KEYS[1], KEYS[2], exp, slack, fields, chans)
local keep = {}
for _, c in ipairs(chans) do keep[c] = true end
for _, c in ipairs(old) do
  if not keep[c] then
    local lk, xk = chan_keys(prefix, c)
    chan_remove(lk, xk, id, slack)
  end
end
for i = 1, #chans do chan_add(KEYS[1 + 2 * i], KEYS[2 + 2 * i], id, exp, slack, now) end
return 1`,

  // KEYS rk sk | ARGV now → {hash, channels} or nil when missing or expired
  connGet: `
if not conn_live(KEYS[1], tonumber(ARGV[1])) then return false end
return conn_read(KEYS[1], KEYS[2])`,

  // KEYS rk sk | ARGV (none) → {hash, channels} as it was (possibly empty or expired); deletes both
  connDelete: `
local r = conn_read(KEYS[1], KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
return r`,

  // KEYS rk sk | ARGV prefix id slack → like connDelete, and removes every membership
  deleteAll: `
local prefix = arg() local id = arg() local slack = tonumber(arg())
return conn_delete_all(KEYS[1], KEYS[2], prefix, id, slack)`,

  // KEYS rk sk | ARGV now slack max chans… → {expiresAt, channels not in the set before}, nil when
  // not live, -1 when the connection would belong to more than max channels (nothing written in
  // both cases)
  connJoin: `
local now = tonumber(arg()) local slack = tonumber(arg()) local max = tonumber(arg())
local chans = list()
local fresh = {}
for _, c in ipairs(chans) do
  if redis.call('SISMEMBER', KEYS[2], c) == 0 then fresh[#fresh + 1] = c end
end
local exp = conn_join(KEYS[1], KEYS[2], now, slack, max, chans)
if not exp then return false end
if exp == -1 then return -1 end
return { exp, fresh }`,

  // KEYS rk sk (lk xk)… | ARGV id now slack max chans… → 1, nil when not live, -1 over max
  // channels (nothing written in both cases)
  joinAll: `
local id = arg() local now = tonumber(arg()) local slack = tonumber(arg()) local max = tonumber(arg())
local chans = list()
local exp = conn_join(KEYS[1], KEYS[2], now, slack, max, chans)
if not exp then return false end
if exp == -1 then return -1 end
for i = 1, #chans do chan_add(KEYS[1 + 2 * i], KEYS[2 + 2 * i], id, exp, slack, now) end
return 1`,

  // KEYS rk sk (lk xk)… | ARGV prefix id now slack chans… → 1, or nil when not live (nothing
  // written). Makes chans the exact set: stale channels (keys derived in Lua) left, new ones joined.
  setAll: `
local prefix = arg() local id = arg() local now = tonumber(arg()) local slack = tonumber(arg())
local chans = list()
local exp = conn_live(KEYS[1], now)
if not exp then return false end
local keep = {}
for _, c in ipairs(chans) do keep[c] = true end
for _, c in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not keep[c] then
    redis.call('SREM', KEYS[2], c)
    local lk, xk = chan_keys(prefix, c)
    chan_remove(lk, xk, id, slack)
  end
end
if #chans > 0 then
  chunked('SADD', KEYS[2], chans, 200)
  redis.call('EXPIREAT', KEYS[2], exp + slack)
  for i = 1, #chans do chan_add(KEYS[1 + 2 * i], KEYS[2 + 2 * i], id, exp, slack, now) end
end
return 1`,

  // KEYS lock | ARGV token → 1 when this token held the lock (now released), else 0
  unlock: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,

  // KEYS rk sk | ARGV now chans… → 1, or nil when not live (nothing written)
  connLeave: `
local now = tonumber(arg())
local chans = list()
if not conn_live(KEYS[1], now) then return false end
chunked('SREM', KEYS[2], chans, 200)
return 1`,

  // KEYS rk sk (lk xk)… | ARGV id now slack chans… → 1, or nil when not live (nothing written)
  leaveAll: `
local id = arg() local now = tonumber(arg()) local slack = tonumber(arg())
local chans = list()
if not conn_live(KEYS[1], now) then return false end
chunked('SREM', KEYS[2], chans, 200)
for i = 1, #chans do chan_remove(KEYS[1 + 2 * i], KEYS[2 + 2 * i], id, slack) end
return 1`,

  // KEYS rk sk | ARGV now max sets(field value…) dels(field…) → {hash, channels}, nil when not
  // live, or the merged data's JSON size in bytes when it exceeds max (nothing written)
  connUpdate: `
local now = tonumber(arg()) local max = tonumber(arg())
local sets = list() local dels = list()
if not conn_live(KEYS[1], now) then return false end
local bytes = merged_data_len(KEYS[1], sets, dels)
if bytes > max then return bytes end
if #sets > 0 then chunked('HSET', KEYS[1], sets, 200) end
if #dels > 0 then chunked('HDEL', KEYS[1], dels, 200) end
return conn_read(KEYS[1], KEYS[2])`,

  // KEYS rk sk | ARGV now exp slack → channel names, or nil when not live
  connTouch: `
local now = tonumber(ARGV[1]) local exp = tonumber(ARGV[2]) local slack = tonumber(ARGV[3])
if not conn_live(KEYS[1], now) then return false end
redis.call('HSET', KEYS[1], 'exp', exp)
redis.call('EXPIREAT', KEYS[1], exp + slack)
redis.call('EXPIREAT', KEYS[2], exp + slack)
return redis.call('SMEMBERS', KEYS[2])`,

  // KEYS rk sk | ARGV prefix id now exp slack → 1, or nil when not live
  touchAll: `
local prefix = arg() local id = arg() local now = tonumber(arg())
local exp = tonumber(arg()) local slack = tonumber(arg())
if not conn_live(KEYS[1], now) then return false end
redis.call('HSET', KEYS[1], 'exp', exp)
redis.call('EXPIREAT', KEYS[1], exp + slack)
redis.call('EXPIREAT', KEYS[2], exp + slack)
for _, c in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local lk, xk = chan_keys(prefix, c)
  chan_touch(lk, xk, id, exp, slack)
end
return 1`,

  // KEYS rk sk | ARGV now channel → 1 when the connection is live and lists the channel, else 0
  connVerify: `
if conn_live(KEYS[1], tonumber(ARGV[1])) and redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 1 end
return 0`,

  // KEYS lk xk | ARGV id exp slack now → 1
  chanAdd: `
chan_add(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
return 1`,

  // KEYS lk xk | ARGV id slack → 1
  chanRemove: `
chan_remove(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))
return 1`,

  // KEYS lk xk | ARGV id exp slack → 1
  chanTouch: `
chan_touch(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return 1`,

  // KEYS lk xk | ARGV now after('' = from the start) limit budget
  // → {live members in byte order, last member scanned when more may follow else ''}
  members: `
local lk, xk = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1]) local after = ARGV[2]
local limit = tonumber(ARGV[3]) local budget = tonumber(ARGV[4])
chan_purge(lk, xk, now, 100)
local min = '-'
if after ~= '' then min = '(' .. after end
return chan_scan(lk, xk, now, min, '+', limit, budget)`,

  // KEYS lk xk | ARGV now min max limit budget → { live members of the slice range, last scanned or '' }
  sliceMembers: `
return chan_scan(KEYS[1], KEYS[2], tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))`,

  // KEYS lk | ARGV count rank… → { member count, members at those ranks } (slice boundaries)
  sliceBounds: `
local total = redis.call('ZCARD', KEYS[1])
local out = {}
for i = 2, #ARGV do
  local m = redis.call('ZRANGE', KEYS[1], tonumber(ARGV[i]), tonumber(ARGV[i]))
  if m[1] then out[#out + 1] = m[1] end
end
return { total, out }`,
} as const;

/** Name of a script. */
export type ScriptName = keyof typeof BODIES;

/** Full Lua source of every script. */
export const SCRIPTS: Readonly<Record<ScriptName, string>> = Object.fromEntries(
  Object.entries(BODIES).map(([name, body]) => [name, LIB + body]),
) as Record<ScriptName, string>;
