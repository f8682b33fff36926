import { expect } from '@open-wc/testing';
import { SseConnection, type StreamMessage } from '../src/core/connection.js';
import { FetchEventSource, SseErrorEvent, SseMessageEvent, probeStream, type FetchEventSourceInit } from '../src/core/fetch-event-source.js';
import type { RateLimitInfo } from '../src/core/store.js';
import type { SseDiscard } from '../src/core/sse-parser.js';
import { until } from './helpers.js';

/** What a source dispatched, in order, flattened for comparison. */
type Seen =
  | { open: true }
  | { type: string; data: string; lastEventId: string; hasId: boolean }
  | { heartbeat: string }
  | { retry: number }
  | { id: string }
  | { discard: SseDiscard['kind'] }
  | { error: string; status: number | undefined; readyState: number };

const EVENT_NAMES = ['open', 'message', 'error', 'heartbeat', 'retry', 'id', 'discard', 'deployment_progress', 'headers', 'named'];

/** Records every event of a source; `ended` resolves at its `error`. */
function watch(source: FetchEventSource) {
  const seen: Seen[] = [];
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => {
      if (event instanceof SseErrorEvent) {
        seen.push({ error: event.message, status: event.status, readyState: source.readyState });
        resolveEnded();
      } else if (event instanceof SseMessageEvent) {
        // A megabyte of data would make failure output useless; its length says enough.
        const data = event.data.length > 200 ? `<${event.data.length} chars>` : event.data;
        seen.push({ type: event.type, data, lastEventId: event.lastEventId, hasId: event.hasId });
      } else if (event.type === 'open') seen.push({ open: true });
      else if (event.type === 'heartbeat') seen.push({ heartbeat: (event as CustomEvent<string>).detail });
      else if (event.type === 'retry') seen.push({ retry: (event as CustomEvent<number>).detail });
      else if (event.type === 'id') seen.push({ id: (event as CustomEvent<string>).detail });
      else if (event.type === 'discard') seen.push({ discard: (event as CustomEvent<SseDiscard>).detail.kind });
    });
  }
  return { seen, ended };
}

/** Opens `url`, waits for the stream to end, returns what it dispatched. */
async function run(url: string, init: FetchEventSourceInit = {}): Promise<Seen[]> {
  const source = new FetchEventSource(url, init);
  const { seen, ended } = watch(source);
  await ended;
  return seen;
}

const ENDED = { error: 'The stream ended', status: undefined, readyState: 2 };
const msg = (data: string, lastEventId = '', hasId = false, type = 'message') => ({ type, data, lastEventId, hasId });

/** A `fetch` that records each call and passes it on. */
function spyFetch() {
  const calls: { url: string; init: RequestInit; result: Promise<Response> }[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    const result = globalThis.fetch(url, init);
    calls.push({ url, init, result });
    return result;
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

let sessionCount = 0;
const newSession = () => `fes-${Date.now()}-${++sessionCount}`;

async function status(session: string): Promise<{ requests: number; open: number; closed: number }> {
  return (await fetch(`/fetch-sse/status?session=${session}`)).json();
}

/** Opens the echo endpoint and returns the request headers the server saw. */
async function echo(init: FetchEventSourceInit): Promise<Record<string, string>> {
  const source = new FetchEventSource(`/fetch-sse/echo?session=${newSession()}`, init);
  try {
    const event = await new Promise<MessageEvent<string>>((resolve, reject) => {
      source.addEventListener('headers', (e) => resolve(e as MessageEvent<string>));
      source.addEventListener('error', (e) => reject(new Error((e as SseErrorEvent).message)));
    });
    return JSON.parse(event.data) as Record<string, string>;
  } finally {
    source.close();
  }
}

describe('FetchEventSource: request', () => {
  it('asks for an event stream and sends the given headers', async () => {
    const headers = await echo({ headers: { Authorization: 'Bearer t0k3n', 'X-Tenant': 'acme' } });
    expect(headers).to.include({ accept: 'text/event-stream', authorization: 'Bearer t0k3n', 'x-tenant': 'acme' });
    expect(headers).not.to.have.property('last-event-id');
  });

  it('sends Last-Event-ID when given one, in UTF-8', async () => {
    expect(await echo({ lastEventId: '1234' })).to.include({ 'last-event-id': '1234' });
    expect(await echo({ lastEventId: 'é-✓' })).to.include({ 'last-event-id': 'é-✓' });
    expect(await echo({ lastEventId: '' })).not.to.have.property('last-event-id');
  });

  it('calls a headers function on every construction, async ones too', async () => {
    let calls = 0;
    const token = () => ({ Authorization: `Bearer ${++calls}` });
    expect(await echo({ headers: token })).to.include({ authorization: 'Bearer 1' });
    expect(await echo({ headers: token })).to.include({ authorization: 'Bearer 2' });
    const later = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { Authorization: 'Bearer async' };
    };
    expect(await echo({ headers: later })).to.include({ authorization: 'Bearer async' });
  });

  it('reports a headers function that throws as an error, without a request', async () => {
    const { calls, fetch } = spyFetch();
    const seen = await run('/fetch-sse/echo', {
      fetch,
      headers: () => {
        throw new Error('token expired');
      },
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ status: undefined, readyState: 2 });
    expect((seen[0] as { error: string }).error).to.match(/token expired/);
    expect(calls).to.have.length(0);
  });

  it('passes credentials, no-store and an abort signal to fetch', async () => {
    const { calls, fetch } = spyFetch();
    new FetchEventSource('/fetch-sse/code?status=500', { fetch, withCredentials: true });
    new FetchEventSource('/fetch-sse/code?status=500', { fetch });
    await until(() => calls.length === 2, 'two fetches');
    expect(calls.map((call) => call.init.credentials)).to.deep.equal(['include', 'same-origin']);
    expect(calls.every((call) => call.init.cache === 'no-store' && call.init.signal instanceof AbortSignal)).to.equal(true);
  });
});

describe('FetchEventSource: refused responses', () => {
  for (const code of [401, 403, 500, 204]) {
    it(`fires error with status ${code}, CLOSED, and never opens`, async () => {
      const { calls, fetch } = spyFetch();
      const seen = await run(`/fetch-sse/code?status=${code}`, { fetch });
      expect(seen).to.have.length(1);
      expect(seen[0]).to.deep.include({ status: code, readyState: 2 });
      expect((seen[0] as { error: string }).error).to.include(String(code));
      expect(calls, 'it does not retry by itself').to.have.length(1);
    });
  }

  it('fires error with status 200 for the wrong content type', async () => {
    const seen = await run('/fetch-sse/wrong-type');
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ status: 200, readyState: 2 });
    expect((seen[0] as { error: string }).error).to.match(/application\/json.*not text\/event-stream/);
  });

  it('fires error without a status when the network fails', async () => {
    const seen = await run('http://127.0.0.1:1/unreachable');
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ status: undefined, readyState: 2 });
    expect((seen[0] as { error: string }).error).to.match(/could not be opened/);
  });
});

describe('FetchEventSource: rate limits', () => {
  const session = () => `fes-limit-${Math.random().toString(36).slice(2)}`;

  for (const status of [429, 503]) {
    it(`reads Retry-After and the figures of a ${status}`, async () => {
      const figures: RateLimitInfo[] = [];
      const source = new FetchEventSource(`/sse/limited?session=${session()}&status=${status}&retryAfter=9`, { onRateLimit: (info) => figures.push(info) });
      const error = await new Promise<SseErrorEvent>((resolve) => source.addEventListener('error', (event) => resolve(event as SseErrorEvent)));
      expect([error.status, error.retryAfter]).to.deep.equal([status, 9]);
      expect(figures).to.have.length(1);
      expect(figures[0]).to.deep.include({ limit: 5, remaining: 0, policy: 'stream', source: 'stream' });
      expect(figures[0]!.reset! - Date.now()).to.be.within(8000, 9000);
    });
  }

  it('takes an HTTP date in Retry-After, and the X-RateLimit-* figures', async () => {
    const figures: RateLimitInfo[] = [];
    const source = new FetchEventSource(`/sse/limited?session=${session()}&date=1&legacy=1&retryAfter=30`, { onRateLimit: (info) => figures.push(info) });
    const error = await new Promise<SseErrorEvent>((resolve) => source.addEventListener('error', (event) => resolve(event as SseErrorEvent)));
    expect(error.retryAfter).to.be.within(30, 31);
    expect(figures[0]).to.deep.include({ limit: 5, remaining: 0, source: 'stream' });
    expect(figures[0]).to.not.have.property('policy');
  });

  it('a 429 without Retry-After waits until the exhausted quota resets', async () => {
    const source = new FetchEventSource(`/sse/limited?session=${session()}&bare=1`);
    const error = await new Promise<SseErrorEvent>((resolve) => source.addEventListener('error', (event) => resolve(event as SseErrorEvent)));
    // RateLimit: "stream";r=0;t=1
    expect([error.status, error.retryAfter]).to.deep.equal([429, 1]);
  });

  it('passes on the figures of a stream it opens', async () => {
    const figures: RateLimitInfo[] = [];
    const source = new FetchEventSource(`/sse/limited?session=${session()}&refuse=0`, { onRateLimit: (info) => figures.push(info) });
    await new Promise((resolve) => source.addEventListener('open', resolve));
    source.close();
    expect(figures).to.have.length(1);
    expect(figures[0]).to.deep.include({ limit: 5, remaining: 4, policy: 'stream' });
  });

  it('probeStream: what a browser EventSource cannot see, with one request that reads no body', async () => {
    const id = session();
    const figures: RateLimitInfo[] = [];
    const refused = await probeStream(`/sse/limited?session=${id}&refuse=1&retryAfter=4`, { onRateLimit: (info) => figures.push(info) });
    expect(refused).to.deep.equal({ status: 429, retryAfter: 4 });
    expect(figures[0]).to.deep.include({ remaining: 0, limit: 5 });
    // An open stream is answered 200 and let go at once.
    expect(await probeStream(`/sse/limited?session=${id}&refuse=1`)).to.deep.equal({ status: 200 });
    expect(await probeStream('http://127.0.0.1:1/unreachable')).to.equal(undefined);
    const seen = (await (await fetch(`/sse/status?session=${id}`)).json()) as { answers: number[] };
    expect(seen.answers).to.deep.equal([429, 200]);
  });
});

describe('FetchEventSource: the stream', () => {
  it('opens, then reads CRLF line ends, retry, a comment and a named event with an id', async () => {
    const expected = [
      { open: true },
      { retry: 250 },
      { heartbeat: 'hello' },
      msg('{"n":1}', '1', true, 'deployment_progress'),
      msg('two\nlines', '1', false),
      ENDED,
    ];
    expect(await run('/fetch-sse/fixture/crlf')).to.deep.equal(expected);
    // One byte per network write: CR and LF arrive apart.
    expect(await run('/fetch-sse/fixture/crlf?chunk=1&delay=1')).to.deep.equal(expected);
    expect(await run('/fetch-sse/fixture/cr?chunk=3&delay=1')).to.deep.equal(expected);
  });

  it('strips a leading BOM and no other, even when its bytes arrive apart', async () => {
    const expected = [{ open: true }, msg('first'), ENDED];
    expect(await run('/fetch-sse/fixture/bom')).to.deep.equal(expected);
    expect(await run('/fetch-sse/fixture/bom?chunk=1&delay=1')).to.deep.equal(expected);
  });

  it('joins multi-line data', async () => {
    expect(await run('/fetch-sse/fixture/multiline?chunk=5&delay=1')).to.deep.equal([{ open: true }, msg('line 1\nline 2\n\n indented'), ENDED]);
  });

  it('reports retry, heartbeats and id-only blocks, and ignores a bad retry and an id with NUL', async () => {
    expect(await run('/fetch-sse/fixture/control?chunk=4&delay=1')).to.deep.equal([
      { open: true },
      { retry: 1234 },
      { heartbeat: 'keep-alive' },
      { id: '42' },
      { heartbeat: 'ping' },
      msg('after', '42', false),
      msg('own', '43', true, 'named'),
      msg('last', '43', false),
      ENDED,
    ]);
  });

  it('gives events as SseMessageEvents with the origin, and never dispatches the unterminated one', async () => {
    const source = new FetchEventSource('/fetch-sse/fixture/unterminated');
    const { seen, ended } = watch(source);
    let origin = '';
    source.addEventListener('message', (event) => (origin = (event as MessageEvent).origin));
    await ended;
    expect(seen).to.deep.equal([{ open: true }, msg('whole'), ENDED]);
    expect(origin).to.equal(location.origin);
  });

  it('hands every message to an attached sink, and builds events only for the types listened to', async () => {
    const source = new FetchEventSource('/fetch-sse/fixture/control?chunk=4&delay=1');
    const order: string[] = [];
    source.attachSink((type, data, lastEventId, hasId) => order.push(`sink ${type} ${data} ${lastEventId} ${hasId}`));
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    source.addEventListener('named', (event) => order.push(`event ${event.type} ${(event as SseMessageEvent).data}`));
    source.addEventListener('error', () => ended());
    await done;
    // No listener for unnamed messages: they reach the sink only.
    expect(order).to.deep.equal(['sink message after 42 false', 'sink named own 43 true', 'event named own', 'sink message last 43 false']);
  });

  it('turns invalid UTF-8 into U+FFFD and goes on', async () => {
    const expected = [{ open: true }, msg('\ufffd\ufffd( ok'), msg('é \ufffd'), msg('end'), ENDED];
    expect(await run('/fetch-sse/fixture/invalid-utf8')).to.deep.equal(expected);
    expect(await run('/fetch-sse/fixture/invalid-utf8?chunk=1&delay=1')).to.deep.equal(expected);
  });

  it('delivers a 1 MB message, drops a 10 MB garbage line, and goes on', async function () {
    this.timeout(60000);
    const seen = await run('/fetch-sse/big?size=1048576&garbage=10485760');
    expect(seen).to.deep.equal([
      { open: true },
      msg(`<${1048576 + 2} chars>`, 'big', true, 'deployment_progress'),
      { discard: 'line' },
      msg('after', 'big'),
      ENDED,
    ]);
  });

  it('fires error, CLOSED, when the socket drops mid-event, and drops the half event', async () => {
    const { calls, fetch } = spyFetch();
    const seen = await run('/fetch-sse/drop', { fetch });
    expect(seen.slice(0, 2)).to.deep.equal([{ open: true }, msg('first', '1', true)]);
    expect(seen).to.have.length(3);
    expect(seen[2]).to.deep.include({ status: undefined, readyState: 2 });
    expect((seen[2] as { error: string }).error).to.match(/interrupted/);
    expect(calls, 'it does not reconnect by itself').to.have.length(1);
  });
});

/** A `fetch` whose answer is one event stream body made of `chunks`, each enqueued whole. */
function chunkedFetch(chunks: string[]): typeof globalThis.fetch {
  return (async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }) as typeof globalThis.fetch;
}

/** `count` numbered events of about 200 bytes, as one string. */
function manyEvents(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `event: named\nid: ${i}\ndata: {"n":${i},"pad":"${'x'.repeat(160)}"}\n\n`;
  return text;
}

/**
 * Runs `callback` in a task of its own: a user-blocking one where the Scheduler API exists, which
 * goes ahead of the stream's continuations (`scheduler.yield()`), as input does.
 */
function task(callback: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: (callback: () => void, options: { priority: string }) => Promise<void> } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(callback, { priority: 'user-blocking' });
  else setTimeout(callback, 0);
}

/** Keeps the main thread busy for `ms`, as a slow page would. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('FetchEventSource: long reads', () => {
  it('parses a megabyte that arrives at once over several tasks, in order, so other tasks run in between', async () => {
    const count = 5000;
    const source = new FetchEventSource('/stream', { fetch: chunkedFetch([manyEvents(count)]) });
    const ids: number[] = [];
    let taskRanAt = -1;
    source.addEventListener('named', (event) => {
      const id = Number((event as SseMessageEvent).lastEventId);
      if (id === 0) task(() => (taskRanAt = ids.length));
      ids.push(id);
      // 5000 × 10 µs: far more than one slice of main-thread time.
      spin(0.01);
    });
    await new Promise((resolve) => source.addEventListener('error', resolve));
    expect(ids).to.deep.equal(Array.from({ length: count }, (_, i) => i));
    expect(taskRanAt, 'a task posted at the first event ran before the last one').to.be.within(1, count - 1);
  });

  it('stops at close() between two slices of a long read', async () => {
    const source = new FetchEventSource('/stream', { fetch: chunkedFetch([manyEvents(5000)]) });
    let seen = 0;
    let atClose = -1;
    source.addEventListener('named', () => {
      seen += 1;
      if (seen === 1) {
        task(() => {
          atClose = seen;
          source.close();
        });
      }
      spin(0.01);
    });
    await until(() => atClose >= 0, 'the close');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(atClose).to.be.within(1, 4999);
    expect(seen, 'nothing after close()').to.equal(atClose);
  });
});

describe('FetchEventSource: close()', () => {
  it('aborts an open stream: the server sees it go, and nothing more is dispatched', async () => {
    const session = newSession();
    const source = new FetchEventSource(`/fetch-sse/echo?session=${session}`);
    const { seen } = watch(source);
    await until(() => seen.length === 2, 'the echo event');
    expect(source.readyState).to.equal(1);
    source.close();
    expect(source.readyState).to.equal(2);
    await until(async () => (await status(session)).closed === 1, 'the server to see the close');
    expect(await status(session)).to.deep.equal({ requests: 1, open: 0, closed: 1 });
    expect(seen.map((event) => Object.keys(event)[0])).to.deep.equal(['open', 'type']);
  });

  it('before the response arrives: no event at all', async () => {
    const { calls, fetch } = spyFetch();
    // The server holds its answer back for a while, so the close surely comes first.
    const source = new FetchEventSource(`/fetch-sse/echo?session=${newSession()}&wait=3000`, { fetch });
    const { seen } = watch(source);
    await until(() => calls.length === 1, 'the request');
    source.close();
    await calls[0]!.result.then(
      () => expect.fail('the request was aborted'),
      (error: DOMException) => expect(error.name).to.equal('AbortError'),
    );
    expect(seen).to.deep.equal([]);
    expect(source.readyState).to.equal(2);
  });

  it('from a listener, mid-chunk: the rest of the chunk is not dispatched', async () => {
    const source = new FetchEventSource('/fetch-sse/fixture/control');
    const { seen } = watch(source);
    source.addEventListener('id', () => source.close());
    await until(() => source.readyState === 2, 'close');
    expect(seen).to.deep.equal([{ open: true }, { retry: 1234 }, { heartbeat: 'keep-alive' }, { id: '42' }]);
  });
});

describe('FetchEventSource under SseConnection', () => {
  it('is a drop-in factory: messages flow, and a dropped stream is resumed from the last id', async () => {
    const session = newSession();
    const messages: StreamMessage[] = [];
    const connection = new SseConnection({
      url: `/sse/stream?session=${session}&count=3&then=drop`,
      eventTypes: ['deployment_progress'],
      factory: (url, init) => new FetchEventSource(url, init),
      reconnectMin: 20,
      reconnectMax: 40,
      onMessage: (message) => messages.push(message),
      onStateChange() {},
      onError() {},
    });
    connection.connect();
    try {
      await until(() => messages.length >= 6, 'six messages across two connections');
    } finally {
      connection.disconnect();
    }
    expect(messages.slice(0, 6).map((message) => message.id)).to.deep.equal(['1', '2', '3', '4', '5', '6']);
    const seen = (await (await fetch(`/sse/status?session=${session}`)).json()) as { resumeIds: string[] };
    expect(seen.resumeIds.slice(0, 2)).to.deep.equal(['', '3']);
  });
});
