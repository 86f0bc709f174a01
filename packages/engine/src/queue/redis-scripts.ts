/**
 * Lua scripts of the Redis Streams queue. Each runs atomically on the server, so a delivery, a retry or a
 * dead-lettering is one step that no other worker can observe half done.
 *
 * Job data lives in a hash per job (`<prefix>jobs:job:<id>`); the stream carries only `job <id>` entries. The
 * hash records the stream entry and consumer of the current delivery: ack/fail/heartbeat/release check them
 * (plus the attempt number), so a consumer whose lease expired and was reclaimed cannot touch the job any more.
 * Scripts build job-hash and dedup key names from a prefix, so the queue needs a single Redis (not Cluster).
 */

/** KEYS: stream, delayed, jobHash, dedupKey|'' · ARGV: id, type, payload, maxAttempts, enqueuedAt, dedupKey, visibleAt (0 = now) */
export const ENQUEUE = `
if ARGV[6] ~= '' then
  if not redis.call('SET', KEYS[4], ARGV[1], 'NX') then
    return {redis.call('GET', KEYS[4]), 1}
  end
end
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'type', ARGV[2], 'payload', ARGV[3], 'attempts', 0, 'maxAttempts', ARGV[4],
  'enqueuedAt', ARGV[5], 'dedupKey', ARGV[6], 'lastError', '', 'state', 'queued', 'entry', '', 'consumer', '')
if tonumber(ARGV[7]) > 0 then
  redis.call('HSET', KEYS[3], 'state', 'delayed')
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
else
  redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
end
return {ARGV[1], 0}
`;

/**
 * Promotes due delayed jobs, then takes one entry: first an abandoned one (XAUTOCLAIM, idle ≥ visibility
 * timeout), else a new one (XREADGROUP). Dead-letters an abandoned job that used its last attempt.
 * KEYS: stream, delayed, dead · ARGV: group, consumer, now, minIdleMs, jobPrefix, dedupPrefix, nowIso
 * Returns nil, or the job hash as a flat list.
 */
export const RESERVE = `
local stream, delayed, dead = KEYS[1], KEYS[2], KEYS[3]
local group, consumer = ARGV[1], ARGV[2]
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', ARGV[3], 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('XADD', stream, '*', 'job', id)
  redis.call('HSET', ARGV[5] .. id, 'state', 'queued')
  redis.call('ZREM', delayed, id)
end
for _ = 1, 50 do
  local entry, reclaimed = nil, false
  -- XAUTOCLAIM scans a bounded slice of the pending list per call: follow its cursor through the whole list.
  local cursor = '0-0'
  for _ = 1, 100 do
    local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[4], cursor, 'COUNT', 1)
    if claimed[2] and claimed[2][1] then
      entry, reclaimed = claimed[2][1], true
      break
    end
    cursor = claimed[1]
    if cursor == '0-0' then break end
  end
  if not entry then
    local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', stream, '>')
    if read and read[1] and read[1][2][1] then entry = read[1][2][1] end
  end
  if not entry then return nil end
  local entryId, id = entry[1], entry[2][2]
  local h = ARGV[5] .. id
  if redis.call('EXISTS', h) == 0 then
    redis.call('XACK', stream, group, entryId)
    redis.call('XDEL', stream, entryId)
  else
    local attempts = tonumber(redis.call('HGET', h, 'attempts'))
    local prev = redis.call('HGET', h, 'consumer')
    if reclaimed and attempts >= tonumber(redis.call('HGET', h, 'maxAttempts')) then
      local msg = 'lease expired ' .. attempts .. ' times (consumer ' .. prev .. ' stopped heartbeating)'
      local deadEntry = redis.call('XADD', dead, '*', 'job', id, 'error', msg)
      redis.call('HSET', h, 'state', 'dead', 'lastError', msg, 'failedAt', ARGV[7], 'deadEntry', deadEntry,
        'entry', '', 'consumer', '')
      redis.call('XACK', stream, group, entryId)
      redis.call('XDEL', stream, entryId)
    else
      redis.call('HINCRBY', h, 'attempts', 1)
      redis.call('HSET', h, 'state', 'leased', 'entry', entryId, 'consumer', consumer)
      local dk = redis.call('HGET', h, 'dedupKey')
      if dk and dk ~= '' then
        if redis.call('GET', ARGV[6] .. dk) == id then redis.call('DEL', ARGV[6] .. dk) end
        redis.call('HSET', h, 'dedupKey', '')
      end
      return redis.call('HGETALL', h)
    end
  end
end
return nil
`;

/** The ownership check every lease operation starts with. KEYS[1] = job hash · ARGV[1..3] = entry, consumer, attempts */
const OWNED = `
local h = KEYS[1]
if redis.call('HGET', h, 'state') ~= 'leased' or redis.call('HGET', h, 'entry') ~= ARGV[1]
  or redis.call('HGET', h, 'consumer') ~= ARGV[2] or redis.call('HGET', h, 'attempts') ~= ARGV[3] then
  return 0
end
`;

/** XCLAIM with min-idle 0 by the owner resets the entry's idle time: XAUTOCLAIM leaves it alone for another period. */
export const HEARTBEAT = `${OWNED}
redis.call('XCLAIM', KEYS[2], ARGV[4], ARGV[2], 0, ARGV[1], 'JUSTID')
return 1
`;

/** KEYS: jobHash, stream · ARGV: entry, consumer, attempts, group */
export const ACK = `${OWNED}
redis.call('XACK', KEYS[2], ARGV[4], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('DEL', h)
return 1
`;

/**
 * KEYS: jobHash, stream, delayed, dead, counters · ARGV: entry, consumer, attempts, group, error, retryable (1/0),
 * retryAt, nowIso. Returns 0 (lost), 1 (retry) or 2 (dead).
 */
export const FAIL = `${OWNED}
local id = redis.call('HGET', h, 'id')
redis.call('XACK', KEYS[2], ARGV[4], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
if ARGV[6] == '1' and tonumber(ARGV[3]) < tonumber(redis.call('HGET', h, 'maxAttempts')) then
  redis.call('HSET', h, 'state', 'delayed', 'lastError', ARGV[5], 'entry', '', 'consumer', '')
  redis.call('ZADD', KEYS[3], ARGV[7], id)
  redis.call('HINCRBY', KEYS[5], 'retries', 1)
  return 1
end
local deadEntry = redis.call('XADD', KEYS[4], '*', 'job', id, 'error', ARGV[5])
redis.call('HSET', h, 'state', 'dead', 'lastError', ARGV[5], 'failedAt', ARGV[8], 'deadEntry', deadEntry,
  'entry', '', 'consumer', '')
return 2
`;

/** KEYS: jobHash, stream · ARGV: entry, consumer, attempts, group */
export const RELEASE = `${OWNED}
redis.call('XACK', KEYS[2], ARGV[4], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[1])
redis.call('HINCRBY', h, 'attempts', -1)
redis.call('HSET', h, 'state', 'queued', 'entry', '', 'consumer', '')
redis.call('XADD', KEYS[2], '*', 'job', redis.call('HGET', h, 'id'))
return 1
`;

/** KEYS: jobHash, dead, stream · ARGV: id */
export const REQUEUE = `
local h = KEYS[1]
if redis.call('HGET', h, 'state') ~= 'dead' then return 0 end
redis.call('XDEL', KEYS[2], redis.call('HGET', h, 'deadEntry'))
redis.call('HSET', h, 'state', 'queued', 'attempts', 0, 'deadEntry', '', 'failedAt', '')
redis.call('XADD', KEYS[3], '*', 'job', ARGV[1])
return 1
`;

/** KEYS: jobHash, dead · ARGV: id. Deletes a dead letter for good (its stream entry and its hash). */
export const DISCARD = `
local h = KEYS[1]
if redis.call('HGET', h, 'state') ~= 'dead' then return 0 end
redis.call('XDEL', KEYS[2], redis.call('HGET', h, 'deadEntry'))
redis.call('DEL', h)
return 1
`;

/**
 * Up to ARGV[8] jobs in one call, with RESERVE's rules per job: due delayed jobs promoted first, then abandoned
 * entries (one XAUTOCLAIM pass over the pending list, not one per job), then new ones (one XREADGROUP COUNT n).
 * KEYS and ARGV[1..7] as RESERVE. Returns a list of jobs as flat field/value lists (empty when nothing is visible).
 */
export const RESERVE_MANY = `
local stream, delayed, dead = KEYS[1], KEYS[2], KEYS[3]
local group, consumer, max = ARGV[1], ARGV[2], tonumber(ARGV[8])
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', ARGV[3], 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  redis.call('XADD', stream, '*', 'job', id)
  redis.call('HSET', ARGV[5] .. id, 'state', 'queued')
  redis.call('ZREM', delayed, id)
end
local out = {}
for _ = 1, 50 do
  local entries = {}
  local cursor = '0-0'
  for _ = 1, 100 do
    local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[4], cursor, 'COUNT', max - #out - #entries)
    for _, e in ipairs(claimed[2]) do
      if e then entries[#entries + 1] = {e, true} end
    end
    cursor = claimed[1]
    if cursor == '0-0' or #out + #entries >= max then break end
  end
  if #out + #entries < max then
    local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - #out - #entries, 'STREAMS', stream, '>')
    if read and read[1] then
      for _, e in ipairs(read[1][2]) do entries[#entries + 1] = {e, false} end
    end
  end
  if #entries == 0 then return out end
  for _, pair in ipairs(entries) do
    local entry, reclaimed = pair[1], pair[2]
    local entryId, id = entry[1], entry[2][2]
    local h = ARGV[5] .. id
    -- One HMGET instead of a call per field: this loop runs for every job of the batch.
    local f = redis.call('HMGET', h, 'id', 'attempts', 'maxAttempts', 'consumer', 'dedupKey', 'type', 'payload',
      'enqueuedAt', 'lastError')
    if not f[1] then
      redis.call('XACK', stream, group, entryId)
      redis.call('XDEL', stream, entryId)
    else
      local attempts = tonumber(f[2])
      if reclaimed and attempts >= tonumber(f[3]) then
        local msg = 'lease expired ' .. attempts .. ' times (consumer ' .. f[4] .. ' stopped heartbeating)'
        local deadEntry = redis.call('XADD', dead, '*', 'job', id, 'error', msg)
        redis.call('HSET', h, 'state', 'dead', 'lastError', msg, 'failedAt', ARGV[7], 'deadEntry', deadEntry,
          'entry', '', 'consumer', '')
        redis.call('XACK', stream, group, entryId)
        redis.call('XDEL', stream, entryId)
      else
        redis.call('HSET', h, 'attempts', attempts + 1, 'state', 'leased', 'entry', entryId, 'consumer', consumer,
          'dedupKey', '')
        local dk = f[5]
        if dk and dk ~= '' and redis.call('GET', ARGV[6] .. dk) == id then redis.call('DEL', ARGV[6] .. dk) end
        -- The job as the caller sees it after this lease (what HGETALL would return, without reading it again).
        out[#out + 1] = {'id', id, 'type', f[6], 'payload', f[7], 'attempts', attempts + 1, 'maxAttempts', f[3],
          'enqueuedAt', f[8], 'lastError', f[9] or '', 'dedupKey', '', 'entry', entryId}
      end
    end
  end
  if #out >= max then return out end
end
return out
`;

/**
 * ENQUEUE for many jobs in one call. KEYS: stream, delayed · ARGV: jobPrefix, dedupPrefix, enqueuedAt, then six
 * per job: id, type, payload, maxAttempts, dedupKey ('' = none), visibleAt (0 = now).
 * Returns {id, deduplicated (0/1)} per job, flattened.
 */
export const ENQUEUE_MANY = `
local out = {}
for i = 4, #ARGV, 6 do
  local id, dk = ARGV[i], ARGV[i + 4]
  local existing = nil
  if dk ~= '' and not redis.call('SET', ARGV[2] .. dk, id, 'NX') then existing = redis.call('GET', ARGV[2] .. dk) end
  if existing then
    out[#out + 1] = existing
    out[#out + 1] = 1
  else
    local delayed = tonumber(ARGV[i + 5]) > 0
    redis.call('HSET', ARGV[1] .. id, 'id', id, 'type', ARGV[i + 1], 'payload', ARGV[i + 2], 'attempts', 0,
      'maxAttempts', ARGV[i + 3], 'enqueuedAt', ARGV[3], 'dedupKey', dk, 'lastError', '',
      'state', delayed and 'delayed' or 'queued', 'entry', '', 'consumer', '')
    if delayed then
      redis.call('ZADD', KEYS[2], ARGV[i + 5], id)
    else
      redis.call('XADD', KEYS[1], '*', 'job', id)
    end
    out[#out + 1] = id
    out[#out + 1] = 0
  end
end
return out
`;

/**
 * ACK for many jobs in one call, each with the ownership check of ACK; one XACK, XDEL and DEL for all that pass.
 * KEYS: stream · ARGV: group, jobPrefix, then four per job: id, entry, consumer, attempts. Returns 1/0 per job
 * (a job listed twice is acked once).
 */
export const ACK_MANY = `
local entries, hashes, out, seen = {}, {}, {}, {}
for i = 3, #ARGV, 4 do
  local h = ARGV[2] .. ARGV[i]
  local f = redis.call('HMGET', h, 'state', 'entry', 'consumer', 'attempts')
  if not seen[h] and f[1] == 'leased' and f[2] == ARGV[i + 1] and f[3] == ARGV[i + 2] and f[4] == ARGV[i + 3] then
    seen[h] = true
    entries[#entries + 1] = ARGV[i + 1]
    hashes[#hashes + 1] = h
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #entries > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], unpack(entries))
  redis.call('XDEL', KEYS[1], unpack(entries))
  redis.call('DEL', unpack(hashes))
end
return out
`;
