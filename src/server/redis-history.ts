import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import {
  HISTORY_RESOLUTIONS,
  checkSamples,
  fromFloat32,
  historyBounds,
  rangeFrame,
  resolutionOf,
  type HistoryBounds,
  type HistoryEntry,
  type HistoryRange,
  type HistorySample,
  type KeptDeployment,
  type KeptHistory,
  type KeptLine,
  type KeptPoint,
  type MetricsHistory,
  type MetricsHistoryPoint,
  type SseBusHistory,
  type SseHistoryOptions,
} from './history.js';

/**
 * History in Redis, beside the Redis bus's stream: every instance reads and writes the same, so
 * any of them answers a page alike.
 *
 * Why this structure: one `EVALSHA` per message does everything — the `XADD` that publishes it and
 * the records it makes — so a message costs one round trip, as it did before history, and whoever
 * sees its id in the stream (any instance, at once) finds it recorded: the `backfill` cut at a
 * snapshot's id has no gap. Per project:
 *
 * - `<prefix>:m:<project>`: the roll-ups, one string of 3168 fixed 40-byte slots (1-minute,
 *   10-minute and 1-hour rings, `struct.pack('<iIffffffd')`: bucket number, count, min/mean/max of
 *   cpu and memory, last requests), the same layout as in memory. A record is a `GETRANGE` and a
 *   `SETRANGE` of 40 bytes per resolution: O(1), and 126,720 bytes per project whatever the rate,
 *   where a sorted set or hash per bucket would cost a key or an entry (with its overhead) per
 *   bucket and a trim per write. Old buckets are overwritten in place by the ring.
 * - `<prefix>:pts:<project>`: the last points (a list, `LTRIM`med), for the `backfill` event.
 * - `<prefix>:deps:<project>`: the last deployments' headers (a list of JSON), and
 *   `<prefix>:log:<deployment id>:<project>` each one's lines (a list, trimmed from the oldest).
 * - `<prefix>:projects`: every project by the time of its latest record (a sorted set).
 *
 * Every key gets a TTL of 30 days and an hour at each write: a project that goes quiet disappears by
 * itself. The clock's time goes in the script's arguments, so tests can drive it (Redis's own
 * expiry follows its own clock).
 *
 * The script reaches keys it computes from the prefix: a single Redis server (or a primary with
 * replicas), not Redis Cluster.
 */
const SCRIPT = `
local mode = ARGV[1]
local P = ARGV[2]
local now = tonumber(ARGV[3])
local maxDeps = tonumber(ARGV[4])
local maxLines = tonumber(ARGV[5])
local maxBytes = tonumber(ARGV[6])
local maxPoints = tonumber(ARGV[7])
local RETAIN = 2592000000
local TTL = RETAIN + 3600000
local STEPS = {60000, 600000, 3600000}
local SLOTS = {1440, 1008, 720}
local BASES = {0, 1440, 2448}
local TOTAL = 3168
local FMT = '<iIffffffd'

local function touch(pid, time)
  local key = P .. ':projects'
  redis.call('ZADD', key, 'GT', time, pid)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%.17g', now - RETAIN))
  redis.call('PEXPIRE', key, TTL)
end

local function rollup(key, time, cpu, mem, req)
  for r = 1, 3 do
    local n = math.floor(time / STEPS[r])
    local off = (BASES[r] + n % SLOTS[r]) * 40
    local raw = redis.call('GETRANGE', key, off, off + 39)
    local held, count, c1, c2, c3, m1, m2, m3 = 0, 0, 0, 0, 0, 0, 0, 0
    if #raw < 40 then
      -- Created at its full size at once: a string grown piecemeal would be over-allocated.
      redis.call('SET', key, string.rep('\\0', TOTAL * 40))
    else
      held, count, c1, c2, c3, m1, m2, m3 = struct.unpack(FMT, raw)
    end
    if not (count > 0 and n < held) then
      if count == 0 or n > held then
        raw = struct.pack(FMT, n, 1, cpu, cpu, cpu, mem, mem, mem, req)
      else
        local nxt = count
        if count < 4294967295 then nxt = count + 1 end
        if cpu < c1 then c1 = cpu end
        c2 = c2 + (cpu - c2) / nxt
        if cpu > c3 then c3 = cpu end
        if mem < m1 then m1 = mem end
        m2 = m2 + (mem - m2) / nxt
        if mem > m3 then m3 = mem end
        raw = struct.pack(FMT, n, nxt, c1, c2, c3, m1, m2, m3, req)
      end
      redis.call('SETRANGE', key, off, raw)
    end
  end
  redis.call('PEXPIRE', key, TTL)
end

local function point(pid, id, json)
  local key = P .. ':pts:' .. pid
  redis.call('RPUSH', key, id .. '\\t' .. json)
  redis.call('LTRIM', key, -maxPoints, -1)
  redis.call('PEXPIRE', key, TTL)
end

local function outcome(status)
  if status == 'running' then return 'succeeded' end
  if status == 'error' then return 'failed' end
  return 'stopped'
end

local function status(pid, id, st, at)
  local key = P .. ':deps:' .. pid
  local last = redis.call('LINDEX', key, -1)
  local h = last and cjson.decode(last)
  local open = h and h.outcome == nil
  if st == 'deploying' then
    if open then
      h.endedAt = at
      h.outcome = 'stopped'
      h.endId = id
      redis.call('LSET', key, -1, cjson.encode(h))
    end
    redis.call('RPUSH', key, cjson.encode({id = id, startedAt = at, dropped = 0, bytes = 0, lines = 0}))
    while redis.call('LLEN', key) > maxDeps do
      local old = cjson.decode(redis.call('LPOP', key))
      redis.call('DEL', P .. ':log:' .. old.id .. ':' .. pid)
    end
  elseif open then
    h.endedAt = at
    h.outcome = outcome(st)
    h.endId = id
    redis.call('LSET', key, -1, cjson.encode(h))
  end
  redis.call('PEXPIRE', key, TTL)
end

local function line(pid, id, json, at)
  local key = P .. ':deps:' .. pid
  local last = redis.call('LINDEX', key, -1)
  local h
  if last then
    h = cjson.decode(last)
  else
    h = {id = id, startedAt = at, dropped = 0, bytes = 0, lines = 0}
    redis.call('RPUSH', key, cjson.encode(h))
  end
  local log = P .. ':log:' .. h.id .. ':' .. pid
  local text = '{"id":' .. cjson.encode(id) .. ',' .. string.sub(json, 2)
  redis.call('RPUSH', log, text)
  h.lines = h.lines + 1
  h.bytes = h.bytes + #text
  while h.lines > 0 and (h.lines > maxLines or h.bytes > maxBytes) do
    local old = redis.call('LPOP', log)
    h.lines = h.lines - 1
    h.bytes = h.bytes - #old
    h.dropped = h.dropped + 1
  end
  redis.call('LSET', key, -1, cjson.encode(h))
  redis.call('PEXPIRE', log, TTL)
  redis.call('PEXPIRE', key, TTL)
end

-- ARGV[k] on: kind, time, then the kind's fields.
local function record(pid, id, k)
  local kind = ARGV[k]
  local time = tonumber(ARGV[k + 1])
  if kind == 'm' then
    rollup(P .. ':m:' .. pid, time, tonumber(ARGV[k + 2]), tonumber(ARGV[k + 3]), tonumber(ARGV[k + 4]))
    point(pid, id, ARGV[k + 5])
  elseif kind == 's' then
    status(pid, id, ARGV[k + 2], ARGV[k + 3])
  elseif kind == 'l' then
    line(pid, id, ARGV[k + 2], ARGV[k + 3])
  end
  touch(pid, time)
end

local function known(pid)
  local score = redis.call('ZSCORE', P .. ':projects', pid)
  return score and tonumber(score) >= now - RETAIN
end

if mode == 'publish' then
  local pid = ARGV[11]
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[8], '*', 'e', ARGV[9], 'd', ARGV[10], 'p', pid)
  record(pid, id, 12)
  return id
elseif mode == 'record' then
  record(ARGV[9], ARGV[8], 10)
  return 1
elseif mode == 'seed' then
  local pid = ARGV[8]
  local key = P .. ':m:' .. pid
  local latest = nil
  for k = 9, #ARGV, 5 do
    local time = tonumber(ARGV[k])
    rollup(key, time, tonumber(ARGV[k + 1]), tonumber(ARGV[k + 2]), tonumber(ARGV[k + 3]))
    if ARGV[k + 4] ~= '' then point(pid, '', ARGV[k + 4]) end
    if latest == nil or time > latest then latest = time end
  end
  if latest ~= nil then touch(pid, latest) end
  return 1
elseif mode == 'query' then
  local pid = ARGV[8]
  if not known(pid) then return false end
  local r = tonumber(ARGV[9])
  local slots = SLOTS[r]
  -- The ring as it is, decoded by the caller: formatting 5,760 numbers here would hold Redis for milliseconds.
  return redis.call('GETRANGE', P .. ':m:' .. pid, BASES[r] * 40, (BASES[r] + slots) * 40 - 1)
elseif mode == 'kept' then
  local out = {}
  for k = 8, #ARGV do
    local pid = ARGV[k]
    if known(pid) then
      local deps = redis.call('LRANGE', P .. ':deps:' .. pid, 0, -1)
      local logs = {}
      for d = 1, #deps do
        logs[d] = redis.call('LRANGE', P .. ':log:' .. cjson.decode(deps[d]).id .. ':' .. pid, 0, -1)
      end
      out[#out + 1] = {pid, redis.call('LRANGE', P .. ':pts:' .. pid, 0, -1), deps, logs}
    end
  end
  return out
elseif mode == 'projects' then
  return redis.call('ZREVRANGEBYSCORE', P .. ':projects', '+inf', string.format('%.17g', now - RETAIN), 'LIMIT', 0, tonumber(ARGV[8]))
elseif mode == 'forget' then
  local pid = ARGV[8]
  local deps = redis.call('LRANGE', P .. ':deps:' .. pid, 0, -1)
  for d = 1, #deps do redis.call('DEL', P .. ':log:' .. cjson.decode(deps[d]).id .. ':' .. pid) end
  redis.call('DEL', P .. ':m:' .. pid, P .. ':pts:' .. pid, P .. ':deps:' .. pid)
  redis.call('ZREM', P .. ':projects', pid)
  return 1
end
return redis.error_reply('unknown mode ' .. tostring(mode))
`;

const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/** Samples per `EVALSHA` when seeding: big enough to be few calls, small enough not to hold Redis for long. */
const SEED_CHUNK = 1000;

/** The part of a node-redis client the store uses. */
export interface RedisCommandSender {
  sendCommand(args: string[], options?: { typeMapping?: Record<number, unknown> }): Promise<unknown>;
}

/** Replies' bulk strings as `Buffer`s (RESP's `$`, 36): the roll-ups are binary. */
const BINARY = { typeMapping: { 36: Buffer } };

export interface RedisHistoryTarget {
  /** The stream `publishRecorded` adds to. */
  stream: string;
  /** Its `MAXLEN ~`. */
  maxLen: number;
  /** The start of every history key. */
  prefix: string;
  /** Names the server in errors. */
  url: string;
}

/** A point's JSON as the `backfill` event carries it. */
function pointJson(time: number, cpu: number, memory: number, requests: number, uptime: string): string {
  return JSON.stringify({ time, cpu, memory, requests, uptime });
}

/** A kept deployment's header, as the script stores it. */
type Header = Omit<KeptDeployment, 'lines'>;

const LINE_ID = /^\{"id":"((?:[^"\\]|\\.)*)"/;

/**
 * History in Redis, for the Redis bus (`redisBus(…).history()`, which the hub calls by itself): see
 * the script above for the structure and why. Shares the bus's connection.
 */
export class RedisHistory implements SseBusHistory {
  readonly kind = 'redis';
  readonly bounds: HistoryBounds;
  readonly #connection: RedisCommandSender;
  readonly #target: RedisHistoryTarget;
  readonly #now: () => number;

  constructor(connection: RedisCommandSender, target: RedisHistoryTarget, options: SseHistoryOptions = {}) {
    this.#connection = connection;
    this.#target = target;
    this.bounds = historyBounds(options);
    this.#now = options.now ?? Date.now;
  }

  now(): number {
    return this.#now();
  }

  async publishRecorded(event: string, data: string, projectId: string | undefined, entry: HistoryEntry): Promise<string> {
    const args = [String(this.#target.maxLen), event, data, projectId ?? entry.projectId, ...entryArgs(entry)];
    return String(await this.#run('publish', entry.time, args, [this.#target.stream]));
  }

  async record(entry: HistoryEntry, id: string): Promise<void> {
    await this.#run('record', entry.time, [id, entry.projectId, ...entryArgs(entry)]);
  }

  async seed(projectId: string, samples: readonly HistorySample[]): Promise<void> {
    checkSamples(samples);
    const keepFrom = samples.length - this.bounds.points;
    const calls: Promise<unknown>[] = [];
    for (let start = 0; start < samples.length; start += SEED_CHUNK) {
      const args = [projectId];
      samples.slice(start, start + SEED_CHUNK).forEach((sample, offset) => {
        const { time, cpu, memory, requests } = sample;
        const point = start + offset >= keepFrom ? pointJson(time, cpu, memory, requests, sample.uptime ?? '') : '';
        args.push(String(time), String(cpu), String(memory), String(requests), point);
      });
      // Sent together: node-redis pipelines them on the connection, in order.
      calls.push(this.#run('seed', this.#now(), args));
    }
    await Promise.all(calls);
  }

  async query(projectId: string, range: HistoryRange, now: number): Promise<MetricsHistory | null> {
    const resolution = resolutionOf(range);
    const index = HISTORY_RESOLUTIONS.indexOf(resolution) + 1;
    const raw = (await this.#run('query', now, [projectId, String(index)], [], BINARY)) as Buffer | null;
    if (raw === null) return null;
    const { step, slots } = resolution;
    const points: MetricsHistoryPoint[] = [];
    if (raw.length < slots * 40) return { ...rangeFrame(projectId, resolution, now), points };
    // The slots as the script packs them (`<iIffffffd`), read in bucket order like the in-process rings.
    const last = Math.floor(now / step);
    for (let n = Math.max(0, last - slots + 1); n <= last; n++) {
      const at = (n % slots) * 40;
      if (raw.readUInt32LE(at + 4) === 0 || raw.readInt32LE(at) !== n) continue;
      points.push({
        time: n * step,
        cpu: { min: fromFloat32(raw.readFloatLE(at + 8)), mean: fromFloat32(raw.readFloatLE(at + 12)), max: fromFloat32(raw.readFloatLE(at + 16)) },
        memory: { min: fromFloat32(raw.readFloatLE(at + 20)), mean: fromFloat32(raw.readFloatLE(at + 24)), max: fromFloat32(raw.readFloatLE(at + 28)) },
        requests: raw.readDoubleLE(at + 32),
      });
    }
    return { ...rangeFrame(projectId, resolution, now), points };
  }

  async kept(projectIds: readonly string[]): Promise<KeptHistory[]> {
    if (projectIds.length === 0) return [];
    const reply = (await this.#run('kept', this.#now(), [...projectIds])) as [string, string[], string[], string[][]][];
    const kept: KeptHistory[] = [];
    for (const [projectId, rawPoints, rawHeaders, logs] of reply) {
      const points: KeptPoint[] = rawPoints.map((text) => {
        const tab = text.indexOf('\t');
        const point = JSON.parse(text.slice(tab + 1)) as KeptPoint;
        if (tab > 0) point.id = text.slice(0, tab);
        return point;
      });
      const deployments: KeptDeployment[] = rawHeaders.map((text, index) => {
        const header = JSON.parse(text) as Header;
        const deployment: KeptDeployment = { id: header.id, startedAt: header.startedAt, dropped: header.dropped, lines: (logs[index] ?? []).map(keptLine) };
        if (header.endedAt !== undefined) deployment.endedAt = header.endedAt;
        if (header.outcome !== undefined) deployment.outcome = header.outcome;
        if (header.endId !== undefined) deployment.endId = header.endId;
        return deployment;
      });
      if (points.length > 0 || deployments.length > 0) kept.push({ projectId, points, deployments });
    }
    return kept;
  }

  async projects(limit: number): Promise<string[]> {
    return (await this.#run('projects', this.#now(), [String(Math.max(0, Math.floor(limit)))])) as string[];
  }

  async forget(projectId: string): Promise<void> {
    await this.#run('forget', this.#now(), [projectId]);
  }

  /** Runs the script by its hash; after a Redis restart (an empty script cache), by its text. */
  async #run(mode: string, now: number, args: string[], keys: string[] = [], options?: typeof BINARY): Promise<unknown> {
    const { deployments, lines, lineBytes, points } = this.bounds;
    const argv = [mode, this.#target.prefix, String(now), String(deployments), String(lines), String(lineBytes), String(points), ...args];
    try {
      try {
        return await this.#connection.sendCommand(['EVALSHA', SHA, String(keys.length), ...keys, ...argv], options);
      } catch (error) {
        if (!/NOSCRIPT/.test(String((error as Error)?.message))) throw error;
        return await this.#connection.sendCommand(['EVAL', SCRIPT, String(keys.length), ...keys, ...argv], options);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Worded as the bus's own publish: a caller that matches on it sees no difference.
      const text = mode === 'publish' ? `did not take the message (${reason}); it was not sent, retry later` : `could not ${mode} history (${reason})`;
      throw new Error(`Redis at ${this.#target.url} ${text}`, { cause: error });
    }
  }
}

/** The script's arguments for an entry: kind, time, then its fields. */
function entryArgs(entry: HistoryEntry): string[] {
  switch (entry.kind) {
    case 'metrics':
      return ['m', String(entry.time), String(entry.cpu), String(entry.memory), String(entry.requests), pointJson(entry.time, entry.cpu, entry.memory, entry.requests, entry.uptime)];
    case 'status':
      return ['s', String(entry.time), entry.status, entry.at];
    case 'line':
      return ['l', String(entry.time), entry.line, entry.at];
  }
}

function keptLine(json: string): KeptLine {
  const match = LINE_ID.exec(json);
  return { id: match ? (JSON.parse(`"${match[1]}"`) as string) : '', json };
}
