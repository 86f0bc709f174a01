/**
 * Lua scripts of the Redis Streams queue. Each runs atomically on the server, so a delivery, a retry or a
 * dead-lettering is one step that no other worker can observe half done.
 *
 * Data layout (v2): a job waiting or in flight lives in its stream entry alone — eight fields in a fixed order
 * (`id type payload base max at dk err`), so Redis stores the field names once per stream node. A job enqueued
 * for now takes its first entry's id as its job id (`id` is '' then); a job moved to a new entry (a retry, a
 * release, a requeued dead letter) keeps its id in `id` and is found through the `moved` hash (job id → entry).
 * The lease is the entry's place in the consumer group's pending list: its consumer and its delivery count, which
 * Redis keeps. `base` is the attempts used before this entry, so a job's attempts = base + deliveries.
 * Only delayed jobs (backoff, delayMs) and dead letters keep a hash (`<prefix>jobs:job:<id>`).
 *
 * v1 kept a hash for every job and stream entries of one field (`job <id>`); `reserve` converts such an entry
 * into a v2 one the first time it meets it, so a queue written by an older version drains without loss.
 * Scripts build hash and dedup key names from a prefix, so the queue needs a single Redis (not Cluster).
 */

/** Shared helpers, prepended to the scripts that need them. */
const JOB_ENTRY = `
local function addEntry(stream, id, jobType, payload, base, max, at, dk, err)
  return redis.call('XADD', stream, '*', 'id', id, 'type', jobType, 'payload', payload, 'base', base, 'max', max,
    'at', at, 'dk', dk, 'err', err)
end
-- The lease check: the entry is pending for this consumer with the delivery count the consumer was given.
local function owned(stream, group, entry, consumer, deliveries)
  local p = redis.call('XPENDING', stream, group, entry, entry, 1)[1]
  return p ~= nil and p[2] == consumer and p[4] == tonumber(deliveries)
end
-- The leased entry's fields, the entry acked and removed: nil when the lease is not this consumer's, false when
-- the entry is gone (deleted by hand).
local function takeLeased(stream, group, entry, consumer, deliveries)
  if not owned(stream, group, entry, consumer, deliveries) then return nil end
  local e = redis.call('XRANGE', stream, entry, entry)[1]
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
  return e and e[2] or false
end
local function deadLetter(jobPrefix, dead, id, jobType, payload, attempts, max, at, err, nowIso)
  local deadEntry = redis.call('XADD', dead, '*', 'job', id, 'error', err)
  redis.call('HSET', jobPrefix .. id, 'id', id, 'type', jobType, 'payload', payload, 'attempts', attempts,
    'maxAttempts', max, 'enqueuedAt', at, 'dedupKey', '', 'lastError', err, 'state', 'dead', 'failedAt', nowIso,
    'deadEntry', deadEntry, 'entry', '', 'consumer', '')
end
`;

/**
 * Enqueues jobs. KEYS: stream, delayed · ARGV: jobPrefix, dedupPrefix, enqueuedAt, then six per job: id (used only
 * for a delayed job, '' otherwise), type, payload, maxAttempts, dedupKey ('' = none), visibleAt (0 = now).
 * Returns {id, deduplicated (0/1)} per job, flattened.
 */
export const ENQUEUE_MANY = `${JOB_ENTRY}
local out = {}
for i = 4, #ARGV, 6 do
  local dk = ARGV[i + 4]
  local existing = false
  if dk ~= '' then existing = redis.call('GET', ARGV[2] .. dk) end
  if existing then
    out[#out + 1] = existing
    out[#out + 1] = 1
  else
    local id
    if tonumber(ARGV[i + 5]) > 0 then
      id = ARGV[i]
      redis.call('HSET', ARGV[1] .. id, 'id', id, 'type', ARGV[i + 1], 'payload', ARGV[i + 2], 'attempts', 0,
        'maxAttempts', ARGV[i + 3], 'enqueuedAt', ARGV[3], 'dedupKey', dk, 'lastError', '', 'state', 'delayed',
        'entry', '', 'consumer', '')
      redis.call('ZADD', KEYS[2], ARGV[i + 5], id)
    else
      id = addEntry(KEYS[1], '', ARGV[i + 1], ARGV[i + 2], 0, ARGV[i + 3], ARGV[3], dk, '')
    end
    if dk ~= '' then redis.call('SET', ARGV[2] .. dk, id) end
    out[#out + 1] = id
    out[#out + 1] = 0
  end
end
return out
`;

/**
 * Up to ARGV[8] jobs for one consumer: due delayed jobs are moved into the stream first, then abandoned entries are
 * taken (pending and idle for the visibility timeout), then new ones. An abandoned job that used its last attempt
 * is dead-lettered instead. A job's dedup key is released when it is delivered.
 * KEYS: stream, delayed, dead, moved · ARGV: group, consumer, now, minIdleMs, jobPrefix, dedupPrefix, nowIso, max.
 * Returns one list per job: entry, id, type, payload, attempts, maxAttempts, enqueuedAt, lastError, deliveries.
 */
export const RESERVE_MANY = `${JOB_ENTRY}
local stream, delayed, dead, moved = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, consumer, jobPrefix, max = ARGV[1], ARGV[2], ARGV[5], tonumber(ARGV[8])
-- A job kept in a hash (delayed, or written by v1): its fields, and the move into a stream entry of its own.
local function hashJob(h)
  return redis.call('HMGET', h, 'type', 'payload', 'attempts', 'maxAttempts', 'enqueuedAt', 'dedupKey', 'lastError')
end
local function hashToEntry(h, id, f)
  redis.call('HSET', moved, id, addEntry(stream, id, f[1], f[2], f[3], f[4], f[5], f[6] or '', f[7] or ''))
  redis.call('DEL', h)
end

local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', ARGV[3], 'LIMIT', 0, 1000)
for _, id in ipairs(due) do
  local h = jobPrefix .. id
  local f = hashJob(h)
  if f[1] then hashToEntry(h, id, f) end
  redis.call('ZREM', delayed, id)
end

-- The entry leaves the stream for good (delivered and done, dead, or converted).
local function finish(entry, id)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
  if id ~= entry then redis.call('HDEL', moved, id) end
end

-- A v1 entry ('job <id>', data in a hash): rewritten as a v2 entry that a later pass of the loop delivers.
local function convertV1(entry, id, prevDeliveries, prevConsumer)
  local h = jobPrefix .. id
  local f = hashJob(h)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
  if not f[1] then return end
  local attempts = tonumber(f[3])
  if prevDeliveries > 0 and attempts >= tonumber(f[4]) then
    deadLetter(jobPrefix, dead, id, f[1], f[2], attempts, f[4], f[5],
      'lease expired ' .. attempts .. ' times (consumer ' .. prevConsumer .. ' stopped heartbeating)', ARGV[7])
    return
  end
  hashToEntry(h, id, f)
end

local out = {}
for _ = 1, 50 do
  local want = max - #out
  local taken = {}
  -- Abandoned first: pending entries idle for the visibility timeout, with their last consumer and deliveries.
  local idle = redis.call('XPENDING', stream, group, 'IDLE', ARGV[4], '-', '+', want)
  if #idle > 0 then
    local ids, info = {}, {}
    for _, p in ipairs(idle) do
      ids[#ids + 1] = p[1]
      info[p[1]] = p
    end
    for _, e in ipairs(redis.call('XCLAIM', stream, group, consumer, ARGV[4], unpack(ids))) do
      if e and e[2] then
        local p = info[e[1]]
        taken[#taken + 1] = {e[1], e[2], p[4], p[2]}
      end
    end
  end
  if #taken < want then
    local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', want - #taken, 'STREAMS', stream, '>')
    if read and read[1] then
      for _, e in ipairs(read[1][2]) do taken[#taken + 1] = {e[1], e[2], 0, ''} end
    end
  end
  if #taken == 0 then return out end
  for _, t in ipairs(taken) do
    local entry, f, prev = t[1], t[2], t[3]
    if f[1] == 'job' then
      convertV1(entry, f[2], prev, t[4])
    else
      local id = f[2]
      if id == '' then id = entry end
      local used = tonumber(f[8]) + prev
      if prev > 0 and used >= tonumber(f[10]) then
        deadLetter(jobPrefix, dead, id, f[4], f[6], used, f[10], f[12],
          'lease expired ' .. used .. ' times (consumer ' .. t[4] .. ' stopped heartbeating)', ARGV[7])
        finish(entry, id)
      else
        local dk = f[14]
        if dk ~= '' and redis.call('GET', ARGV[6] .. dk) == id then redis.call('DEL', ARGV[6] .. dk) end
        out[#out + 1] = {entry, id, f[4], f[6], used + 1, f[10], f[12], f[16], prev + 1}
      end
    end
  end
  if #out >= max then return out end
end
return out
`;

/**
 * Acks jobs, each with the lease check; one XACK and one XDEL for all that pass.
 * KEYS: stream, moved · ARGV: group, then four per job: id, entry, consumer, deliveries. Returns 1/0 per job (a job
 * listed twice is acked once).
 */
export const ACK_MANY = `${JOB_ENTRY}
local entries, movedIds, out, seen = {}, {}, {}, {}
for i = 2, #ARGV, 4 do
  local id, entry = ARGV[i], ARGV[i + 1]
  if not seen[entry] and owned(KEYS[1], ARGV[1], entry, ARGV[i + 2], ARGV[i + 3]) then
    seen[entry] = true
    entries[#entries + 1] = entry
    if id ~= entry then movedIds[#movedIds + 1] = id end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #entries > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], unpack(entries))
  redis.call('XDEL', KEYS[1], unpack(entries))
end
if #movedIds > 0 then redis.call('HDEL', KEYS[2], unpack(movedIds)) end
return out
`;

/**
 * XCLAIM with min-idle 0 by the owner resets the entry's idle time (XPENDING IDLE leaves it alone for another
 * period); JUSTID keeps the delivery count. KEYS: stream · ARGV: entry, consumer, deliveries, group
 */
export const HEARTBEAT = `${JOB_ENTRY}
if not owned(KEYS[1], ARGV[4], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[4], ARGV[2], 0, ARGV[1], 'JUSTID')
return 1
`;

/**
 * KEYS: stream, delayed, dead, counters, moved · ARGV: entry, consumer, deliveries, group, jobPrefix, id, attempts,
 * error, retryable (1/0), retryAt, nowIso. Returns 0 (lost), 1 (retry) or 2 (dead).
 */
export const FAIL = `${JOB_ENTRY}
local entry, id = ARGV[1], ARGV[6]
local f = takeLeased(KEYS[1], ARGV[4], entry, ARGV[2], ARGV[3])
if f == nil then return 0 end
if id ~= entry then redis.call('HDEL', KEYS[5], id) end
if not f then return 0 end
if ARGV[9] == '1' and tonumber(ARGV[7]) < tonumber(f[10]) then
  redis.call('HSET', ARGV[5] .. id, 'id', id, 'type', f[4], 'payload', f[6], 'attempts', ARGV[7],
    'maxAttempts', f[10], 'enqueuedAt', f[12], 'dedupKey', '', 'lastError', ARGV[8], 'state', 'delayed',
    'entry', '', 'consumer', '')
  redis.call('ZADD', KEYS[2], ARGV[10], id)
  redis.call('HINCRBY', KEYS[4], 'retries', 1)
  return 1
end
deadLetter(ARGV[5], KEYS[3], id, f[4], f[6], ARGV[7], f[10], f[12], ARGV[8], ARGV[11])
return 2
`;

/** Gives the job back as a new entry, the attempt not counted. KEYS: stream, moved · ARGV: entry, consumer, deliveries, group, id, attempts */
export const RELEASE = `${JOB_ENTRY}
local id = ARGV[5]
local f = takeLeased(KEYS[1], ARGV[4], ARGV[1], ARGV[2], ARGV[3])
if f == nil then return 0 end
if not f then
  redis.call('HDEL', KEYS[2], id)
  return 0
end
redis.call('HSET', KEYS[2], id, addEntry(KEYS[1], id, f[4], f[6], tonumber(ARGV[6]) - 1, f[10], f[12], '', f[16]))
return 1
`;

/** A dead letter back to the stream with a fresh attempt count. KEYS: jobHash, dead, stream, moved · ARGV: id */
export const REQUEUE = `${JOB_ENTRY}
local h = KEYS[1]
if redis.call('HGET', h, 'state') ~= 'dead' then return 0 end
local f = redis.call('HMGET', h, 'type', 'payload', 'maxAttempts', 'enqueuedAt', 'lastError', 'deadEntry')
redis.call('XDEL', KEYS[2], f[6])
redis.call('HSET', KEYS[4], ARGV[1], addEntry(KEYS[3], ARGV[1], f[1], f[2], 0, f[3], f[4], '', f[5] or ''))
redis.call('DEL', h)
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
 * Any job by id, as a flat field list (the hash form), or nil. KEYS: jobHash, stream, moved · ARGV: id, group.
 * A job in the stream: through `moved`, or its own id when that is a stream entry id.
 */
export const GET_JOB = `
local id = ARGV[1]
local h = redis.call('HGETALL', KEYS[1])
if #h > 0 then return h end
local entry = redis.call('HGET', KEYS[3], id)
if not entry then
  if not string.match(id, '^%d+%-%d+$') then return nil end
  entry = id
end
local e = redis.call('XRANGE', KEYS[2], entry, entry)[1]
if not e then return nil end
local f = e[2]
if f[1] ~= 'id' or (f[2] ~= id and not (f[2] == '' and entry == id)) then return nil end
local p = redis.call('XPENDING', KEYS[2], ARGV[2], entry, entry, 1)[1]
local deliveries, dk = 0, f[14]
if p then deliveries, dk = p[4], '' end
return {'id', id, 'type', f[4], 'payload', f[6], 'attempts', tonumber(f[8]) + deliveries, 'maxAttempts', f[10],
  'enqueuedAt', f[12], 'lastError', f[16], 'dedupKey', dk}
`;
