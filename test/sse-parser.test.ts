import { expect } from '@open-wc/testing';
import { DEFAULT_MAX_LENGTH, SseByteParser, SseParser, type SseParserOptions } from '../src/core/sse-parser.js';
import './helpers.js';
import { seededRandom } from '../src/core/random.js';

/** Everything the parser reports, in order. */
type Output = (
  | { event: string; data: string; id: string; hasId: boolean }
  | { id: string; withEvent: boolean }
  | { retry: number }
  | { comment: string }
  | { discard: 'line' | 'data' }
)[];

const msg = (data: string, id = '', hasId = false, event = 'message') => ({ event, data, id, hasId });
const idOnly = (id: string) => ({ id, withEvent: false });
const idWith = (id: string) => ({ id, withEvent: true });

function recorder(options: SseParserOptions = {}) {
  const out: Output = [];
  const parser = new SseParser(
    (e) => out.push({ event: e.type, data: e.data, id: e.id, hasId: e.hasId }),
    {
      onId: (id, withEvent) => out.push({ id, withEvent }),
      onRetry: (retry) => out.push({ retry }),
      onComment: (comment) => out.push({ comment }),
      onDiscard: (discard) => out.push({ discard: discard.kind }),
    },
    options,
  );
  return { out, parser, bytes: new SseByteParser(parser) };
}

/** Feeds byte chunks through the UTF-8 front end, ends the stream, and checks the buffers after every chunk. */
function runBytes(chunks: Uint8Array[], options: SseParserOptions = {}): Output {
  const { out, parser, bytes } = recorder(options);
  for (const chunk of chunks) {
    bytes.feed(chunk);
    expect(parser.buffered).to.be.at.most(4 * parser.maxLength);
  }
  bytes.end();
  // Only the last event id outlives the stream.
  expect(parser.buffered).to.equal(parser.lastEventId.length);
  return out;
}

function runStrings(chunks: string[], options: SseParserOptions = {}): Output {
  const { out, parser } = recorder(options);
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return out;
}

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * Parses `stream` whole, then split in two at every byte position, then byte by byte (and, for
 * text, split at every UTF-16 index and character by character), asserts that every way gives the
 * same output, and returns it.
 */
function parse(stream: string | Uint8Array, options: SseParserOptions = {}): Output {
  const bytes = typeof stream === 'string' ? encode(stream) : stream;
  const whole = runBytes([bytes], options);
  for (let at = 0; at <= bytes.length; at++) {
    expect(runBytes([bytes.subarray(0, at), bytes.subarray(at)], options), `split at byte ${at}`).to.deep.equal(whole);
  }
  const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  expect(runBytes(single, options), 'byte by byte').to.deep.equal(whole);
  if (typeof stream === 'string') {
    expect(runStrings([stream], options), 'as text').to.deep.equal(whole);
    for (let at = 0; at <= stream.length; at++) {
      expect(runStrings([stream.slice(0, at), stream.slice(at)], options), `text split at ${at}`).to.deep.equal(whole);
    }
    expect(runStrings(stream.split(''), options), 'code unit by code unit').to.deep.equal(whole);
  }
  return whole;
}

describe('SseParser: line ends', () => {
  it('accepts LF', () => {
    expect(parse('data: a\n\ndata: b\n\n')).to.deep.equal([msg('a'), msg('b')]);
  });

  it('accepts CR', () => {
    expect(parse('data: a\r\rdata: b\r\r')).to.deep.equal([msg('a'), msg('b')]);
  });

  it('accepts CRLF as one line end, also when CR and LF arrive in different chunks', () => {
    // Were CRLF two line ends, each data line would be an event of its own.
    expect(parse('data: a\r\ndata: b\r\n\r\n')).to.deep.equal([msg('a\nb')]);
    expect(runStrings(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).to.deep.equal([msg('a\nb')]);
    expect(runStrings(['data: a\r', '', '\ndata: b\r\n\r', '', '\n'])).to.deep.equal([msg('a\nb')]);
  });

  it('counts LF CR as two line ends', () => {
    expect(parse('data: a\n\rdata: b\n\n')).to.deep.equal([msg('a'), msg('b')]);
  });

  it('mixes all three in one stream', () => {
    expect(parse('data: a\r\ndata: b\rdata: c\n\r\nevent: x\rdata: d\r\n\n')).to.deep.equal([msg('a\nb\nc'), msg('d', '', false, 'x')]);
  });

  it('ignores runs of blank lines', () => {
    expect(parse('\n\n\r\n\r\r\ndata: a\n\n\n\n')).to.deep.equal([msg('a')]);
  });
});

describe('SseParser: BOM', () => {
  it('strips one leading BOM', () => {
    expect(parse('\ufeffdata: a\n\n')).to.deep.equal([msg('a')]);
  });

  it('strips only one: a second BOM is part of the first field name', () => {
    expect(parse('\ufeff\ufeffdata: a\n\ndata: b\n\n')).to.deep.equal([msg('b')]);
  });

  it('keeps a BOM anywhere else', () => {
    expect(parse('data: a\n\n\ufeffdata: b\n\ndata: \ufeffc\n\n')).to.deep.equal([msg('a'), msg('\ufeffc')]);
  });

  it('strips it from bytes, once, however the bytes are cut', () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(parse(new Uint8Array([...bom, ...encode('data: a\n\n')]))).to.deep.equal([msg('a')]);
    expect(parse(new Uint8Array([...bom, ...bom, ...encode('data: a\n\ndata: b\n\n')]))).to.deep.equal([msg('b')]);
  });
});

describe('SseParser: fields', () => {
  it('joins data lines with LF and removes only the final LF', () => {
    expect(parse('data: a\ndata: b\ndata\ndata: \n\n')).to.deep.equal([msg('a\nb\n\n')]);
    expect(parse('data: a\ndata:\n\n')).to.deep.equal([msg('a\n')]);
  });

  it('dispatches an event with empty data when a data line was present', () => {
    expect(parse('data\n\ndata:\n\n')).to.deep.equal([msg(''), msg('')]);
  });

  it('removes a single space after the colon, and nothing else', () => {
    expect(parse('data:a\n\ndata:  two\n\ndata:\tt\n\ndata: a: b \n\n')).to.deep.equal([msg('a'), msg(' two'), msg('\tt'), msg('a: b ')]);
  });

  it('takes a line with no colon as a field name with an empty value', () => {
    expect(parse('event\ndata\n\n')).to.deep.equal([msg('')]);
    expect(parse('id: 5\n\nid\ndata: x\n\n')).to.deep.equal([idOnly('5'), idWith(''), msg('x', '', true)]);
  });

  it('ends a field name at its own line, whatever the lines after it hold', () => {
    expect(parse('data\nid: 5\n\n')).to.deep.equal([idWith('5'), msg('', '5', true)]);
    expect(parse('id\ndata: x:y\n\n')).to.deep.equal([idWith(''), msg('x:y', '', true)]);
  });

  it('ignores lines with a long name or none, a colon far along them included', () => {
    const text = 'plain text from a server that is not speaking SSE';
    expect(parse(`${text}\n${'x'.repeat(5000)}:data: y\nevents\ndata: x\n\n`)).to.deep.equal([msg('x')]);
  });

  it('matches whole field names only: names of the same length or a prefix are unknown', () => {
    expect(parse('dat: no\ndatum: no\nEvent: no\nevents: no\nretri: 5\nidx: 9\ni: 9\ndata: x\n\n')).to.deep.equal([msg('x')]);
  });

  it('names an event `message` by default, and after each dispatch', () => {
    expect(parse('event: update\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n')).to.deep.equal([
      msg('1', '', false, 'update'),
      msg('2'),
      msg('3'),
    ]);
  });

  it('forgets the event name of a block that dispatched nothing', () => {
    expect(parse('event: update\n\ndata: 2\n\n')).to.deep.equal([msg('2')]);
  });

  it('uses the last of repeated event and id fields', () => {
    expect(parse('event: a\nevent: b\nid: 1\nid: 2\ndata: x\n\n')).to.deep.equal([idWith('2'), msg('x', '2', true, 'b')]);
  });

  it('ignores unknown fields, and field names are case-sensitive', () => {
    expect(parse('foo: bar\nData: no\n data: no\nEVENT: no\ndata: x\n\n')).to.deep.equal([msg('x')]);
  });

  it('keeps NUL and any other character in data', () => {
    expect(parse('data: a\0b é 😀\n\n')).to.deep.equal([msg('a\0b é 😀')]);
  });
});

describe('SseParser: ids', () => {
  it('keeps the last id for the events after it, and says which carried their own', () => {
    expect(parse('id: 7\ndata: a\n\ndata: b\n\n')).to.deep.equal([idWith('7'), msg('a', '7', true), msg('b', '7', false)]);
  });

  it('ignores an id containing NUL', () => {
    expect(parse('id: 1\n\nid: 2\0x\nid: \0\nid\0\nid: 3\0\ndata: m\n\n')).to.deep.equal([idOnly('1'), msg('m', '1', false)]);
  });

  it('moves the id with an id-only block, without dispatching an event', () => {
    expect(parse('id: 3\nevent: x\n\ndata: y\n\n')).to.deep.equal([idOnly('3'), msg('y', '3', false)]);
  });

  it('resets the id with an empty id field', () => {
    expect(parse('id: 3\ndata: a\n\nid\ndata: b\n\nid:\n\n')).to.deep.equal([idWith('3'), msg('a', '3', true), idWith(''), msg('b', '', true), idOnly('')]);
  });

  it('does not confirm the id of a block that never ended', () => {
    const { parser, out } = recorder();
    parser.feed('id: 1\n\nid: 2\ndata: x\n');
    parser.end();
    expect(out).to.deep.equal([idOnly('1')]);
    expect(parser.lastEventId).to.equal('1');
  });

  it('keeps ids with spaces and non-ASCII text intact', () => {
    expect(parse('id:  a b é\ndata: x\n\n')).to.deep.equal([idWith(' a b é'), msg('x', ' a b é', true)]);
  });
});

describe('SseParser: retry', () => {
  it('reports a value of ASCII digits only, at once', () => {
    expect(parse('retry: 1500\n')).to.deep.equal([{ retry: 1500 }]);
    expect(parse('retry:0\nretry: 010\n\n')).to.deep.equal([{ retry: 0 }, { retry: 10 }]);
  });

  it('ignores anything else', () => {
    const bad = ['retry: 15a', 'retry: -1', 'retry: +1', 'retry: 1.5', 'retry: 1e3', 'retry:', 'retry', 'retry:  10', 'retry: 10 ', 'retry: ١٢', 'retry: 0x10'];
    expect(parse(bad.join('\n') + '\n\n')).to.deep.equal([]);
  });

  it('clamps a huge value to a safe integer', () => {
    expect(parse(`retry: ${'9'.repeat(400)}\n`)).to.deep.equal([{ retry: Number.MAX_SAFE_INTEGER }]);
  });

  it('does not end or disturb the event around it', () => {
    expect(parse('data: a\nretry: 5\ndata: b\n\n')).to.deep.equal([{ retry: 5 }, msg('a\nb')]);
  });
});

describe('SseParser: comments', () => {
  it('reports comment lines without the colon and one space', () => {
    expect(parse(': keep-alive\n:\n::x\n:  two\n')).to.deep.equal([{ comment: 'keep-alive' }, { comment: '' }, { comment: ':x' }, { comment: ' two' }]);
  });

  it('does not end the event around it', () => {
    expect(parse('data: a\n: ping\ndata: b\n\n')).to.deep.equal([{ comment: 'ping' }, msg('a\nb')]);
  });
});

describe('SseParser: end of stream', () => {
  it('discards a final event without its blank line', () => {
    expect(parse('data: a\n\ndata: b\n')).to.deep.equal([msg('a')]);
    expect(parse('data: a\n\ndata: b')).to.deep.equal([msg('a')]);
    expect(parse('data: a\n\ndata: b\r')).to.deep.equal([msg('a')]);
  });

  it('does not process a final line without its line end', () => {
    expect(parse('data: a\n\nretry: 5')).to.deep.equal([msg('a')]);
  });

  it('reset() forgets the id and expects a new BOM', () => {
    const { parser, out } = recorder();
    parser.feed('id: 1\ndata: a\n\ndata: half');
    parser.reset();
    parser.feed('\ufeffdata: b\n\n');
    expect(out).to.deep.equal([idWith('1'), msg('a', '1', true), msg('b')]);
    expect(parser.lastEventId).to.equal('');
  });

  it('end() keeps the id and drops a CR pending from the last chunk', () => {
    const { parser, out } = recorder();
    parser.feed('id: 1\ndata: a\n\ndata: b\r');
    parser.end();
    parser.feed('\ndata: c\n\n');
    expect(out).to.deep.equal([idWith('1'), msg('a', '1', true), msg('c', '1')]);
  });
});

describe('SseParser: UTF-8', () => {
  it('turns invalid bytes into U+FFFD and goes on', () => {
    // FF: never valid. C3 28: a lead byte without its continuation. E2 82: a sequence cut by LF.
    // 80: a continuation byte alone.
    const stream = new Uint8Array([...encode('data: '), 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x0a, ...encode('id: '), 0x80, ...encode('\n\ndata: ok\n\n')]);
    expect(parse(stream)).to.deep.equal([idWith('\ufffd'), msg('\ufffd\ufffd(\ufffd', '\ufffd', true), msg('ok', '\ufffd')]);
  });

  it('decodes characters cut at any byte', () => {
    expect(parse('event: é\ndata: 😀 ñ 中\n\n')).to.deep.equal([msg('😀 ñ 中', '', false, 'é')]);
  });

  it('turns a character cut off by the end of the stream into U+FFFD, inside an event that is then dropped', () => {
    const stream = new Uint8Array([...encode('data: a\n\ndata: '), 0xf0, 0x9f]);
    expect(parse(stream)).to.deep.equal([msg('a')]);
  });

  it('takes surrogates encoded as bytes (CESU) as invalid', () => {
    const stream = new Uint8Array([...encode('data: '), 0xed, 0xa0, 0x80, ...encode('\n\n')]);
    expect(parse(stream)).to.deep.equal([msg('\ufffd\ufffd\ufffd')]);
  });
});

describe('SseParser: bounded memory', () => {
  const small = { maxLength: 16 };

  it('keeps a line of exactly the limit', () => {
    expect(parse('data: 0123456789\n\n', small)).to.deep.equal([msg('0123456789')]);
  });

  it('drops the event of a longer line, reports it once, and goes on', () => {
    expect(parse('data: 01234567890\ndata: more\n\ndata: ok\n\n', small)).to.deep.equal([{ discard: 'line' }, msg('ok')]);
  });

  it('still honours the id of a dropped event, as for an id-only block', () => {
    expect(parse('id: 4\ndata: 01234567890\nid: 5\n\ndata: ok\n\n', small)).to.deep.equal([{ discard: 'line' }, idOnly('5'), msg('ok', '5')]);
  });

  it('drops an event whose data lines together outgrow the limit', () => {
    expect(parse('data: 12345\ndata: 12345\ndata: 12345\n\ndata: ok\n\n', small)).to.deep.equal([{ discard: 'data' }, msg('ok')]);
  });

  it('skips an over-long comment without touching the event around it', () => {
    expect(parse('data: a\n: 0123456789012345\ndata: b\n\n', small)).to.deep.equal([msg('a\nb')]);
  });

  it('ignores an over-long field name', () => {
    expect(parse('0123456789abcdefg\ndata: a\n\n', small)).to.deep.equal([{ discard: 'line' }]);
  });

  it('delivers a 1 MB message with the default limit', () => {
    const payload = JSON.stringify({ projectId: 'p', message: 'x'.repeat(1_000_000) });
    const stream = encode(`id: big\nevent: deployment_progress\ndata: ${payload}\n\n`);
    for (const size of [stream.length, 65536, 1000, 7]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      expect(runBytes(chunks)).to.deep.equal([idWith('big'), msg(payload, 'big', true, 'deployment_progress')]);
    }
  });

  it('survives a 10 MB line without newlines, holding no more than the limit', () => {
    const { parser, out, bytes } = recorder();
    bytes.feed(encode('data: before\n\ndata: '));
    const garbage = new Uint8Array(64 * 1024).fill(0x41);
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += garbage.length) {
      bytes.feed(garbage);
      expect(parser.buffered).to.be.at.most(DEFAULT_MAX_LENGTH);
    }
    bytes.feed(encode('\n\ndata: after\n\n'));
    expect(out).to.deep.equal([msg('before'), { discard: 'line' }, msg('after')]);
    expect(parser.buffered).to.equal(0);
  });

  it('survives a 10 MB stream of data lines with no blank line', () => {
    const { parser, out } = recorder();
    const line = `data: ${'y'.repeat(1000)}\n`.repeat(64);
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += line.length) {
      parser.feed(line);
      expect(parser.buffered).to.be.at.most(DEFAULT_MAX_LENGTH);
    }
    parser.feed('\ndata: after\n\n');
    expect(out).to.deep.equal([{ discard: 'data' }, msg('after')]);
  });
});

/** Seeded, so a failing fuzz case can be replayed. */
const prng = seededRandom;

const TOKENS = [
  'data', 'data:', 'data: ', 'event:', 'event: ', 'id:', 'id: ', 'retry:', 'retry: ', ':', ': ', ' ', 'x', 'é', '😀', '中',
  '\0', '\r', '\n', '\r\n', '\n\n', '\r\r', '\ufeff', '0', '7', '42', 'message', 'a:b', '\t', 'foo',
];

function randomStream(random: () => number): Uint8Array {
  const parts: string[] = [];
  const count = Math.floor(random() * 120);
  for (let i = 0; i < count; i++) parts.push(TOKENS[Math.floor(random() * TOKENS.length)]!);
  const bytes = Array.from(encode(parts.join('')));
  // Raw bytes too, valid UTF-8 or not.
  const raw = Math.floor(random() * 4);
  for (let i = 0; i < raw; i++) bytes.splice(Math.floor(random() * (bytes.length + 1)), 0, Math.floor(random() * 256));
  return new Uint8Array(bytes);
}

function mutate(stream: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(stream);
  const edits = 1 + Math.floor(random() * 4);
  const special = [0x0a, 0x0d, 0x3a, 0x20, 0x00, 0xef, 0xbb, 0xbf, 0xff, 0xc3];
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const byte = random() < 0.5 ? special[Math.floor(random() * special.length)]! : Math.floor(random() * 256);
    const op = random();
    if (op < 0.4) bytes.splice(at, 0, byte);
    else if (op < 0.7) bytes.splice(at, 1);
    else bytes[Math.min(at, bytes.length - 1)] = byte;
  }
  return new Uint8Array(bytes.filter((byte) => byte !== undefined));
}

function randomChunks(bytes: Uint8Array, random: () => number): Uint8Array[] {
  const cuts = [0, bytes.length];
  const count = Math.floor(random() * 8);
  for (let i = 0; i < count; i++) cuts.push(Math.floor(random() * (bytes.length + 1)));
  cuts.sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < cuts.length; i++) chunks.push(bytes.subarray(cuts[i - 1], cuts[i]));
  return chunks;
}

/**
 * The standard read plainly over the whole text at once — a second reading to compare the
 * incremental parser against, not a second parser for the library.
 */
function reference(bytes: Uint8Array): Output {
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // The text after the last line end is not a line.
  const out: Output = [];
  let data = '';
  let type = '';
  let idBuffer = '';
  let hasId = false;
  for (const line of lines) {
    if (line === '') {
      if (hasId) out.push({ id: idBuffer, withEvent: data !== '' });
      if (data !== '') out.push(msg(data.slice(0, -1), idBuffer, hasId, type || 'message'));
      data = '';
      type = '';
      hasId = false;
      continue;
    }
    if (line.startsWith(':')) {
      out.push({ comment: line.slice(1).replace(/^ /, '') });
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data += `${value}\n`;
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) {
      idBuffer = value;
      hasId = true;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) out.push({ retry: Math.min(Number(value), Number.MAX_SAFE_INTEGER) });
  }
  return out;
}

describe('SseParser: fuzz', () => {
  it('agrees with a whole-text reading of the standard on 3,000 random streams, however they are cut', () => {
    const random = prng(0x5eed);
    for (let n = 0; n < 3000; n++) {
      const stream = randomStream(random);
      const expected = reference(stream);
      expect(runBytes([stream]), `stream ${n}`).to.deep.equal(expected);
      for (let k = 0; k < 3; k++) expect(runBytes(randomChunks(stream, random)), `stream ${n}, cut ${k}`).to.deep.equal(expected);
      if (n % 10 === 0) expect(runBytes(Array.from(stream, (_, i) => stream.subarray(i, i + 1))), `stream ${n} byte by byte`).to.deep.equal(expected);
    }
  });

  it('agrees on 3,000 mutations of well-formed streams', () => {
    const random = prng(42);
    const seeds = [
      'id: 1\nevent: deployment_progress\ndata: {"projectId":"p","message":"hi","level":"info"}\n\n',
      'retry: 1000\n: keep-alive\r\ndata: a\r\ndata: b\r\r',
      '\ufeffevent: x\ndata\nid\n\nid: 2\n\n',
      'data: é😀\n\ndata: \0\n\n',
    ].map(encode);
    for (let n = 0; n < 3000; n++) {
      let stream: Uint8Array = seeds[n % seeds.length]!;
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) stream = mutate(stream, random);
      const expected = reference(stream);
      expect(runBytes([stream]), `mutant ${n}`).to.deep.equal(expected);
      expect(runBytes(randomChunks(stream, random)), `mutant ${n}, cut`).to.deep.equal(expected);
    }
  });

  it('never throws and stays within its bounds with a tiny limit, however the stream is cut', () => {
    const random = prng(7);
    for (let n = 0; n < 3000; n++) {
      const stream = randomStream(random);
      const options = { maxLength: 1 + Math.floor(random() * 24) };
      // runBytes checks `buffered` after every chunk.
      const whole = runBytes([stream], options);
      expect(runBytes(randomChunks(stream, random), options), `stream ${n}`).to.deep.equal(whole);
      if (n % 10 === 0) expect(runBytes(Array.from(stream, (_, i) => stream.subarray(i, i + 1)), options), `stream ${n} byte by byte`).to.deep.equal(whole);
    }
  });
});
