import { expect } from '@open-wc/testing';
import { markMatches, parseAnsi } from '../src/live-logs-viewer/ansi.js';
import { matcher, stripAnsi } from '../src/live-logs-viewer/text.js';
import './helpers.js';

const runs = (message: string) => parseAnsi(message).runs.map((r) => [r.text, r.cls]);
const CLASS = /^(fg([0-9]|1[0-5])|bg([0-9]|1[0-5])|b|f|i|u|s)$/;

describe('ANSI parsing', () => {
  it('passes plain text through as one run', () => {
    expect(parseAnsi('hello world')).to.deep.equal({ runs: [{ text: 'hello world', cls: '' }], text: 'hello world' });
    expect(parseAnsi('')).to.deep.equal({ runs: [], text: '' });
    expect(parseAnsi('tab\there\nnext line').text).to.equal('tab\there\nnext line');
  });

  it('turns SGR colours and styles into classes from the fixed set', () => {
    expect(runs('\x1b[31mred\x1b[0m plain')).to.deep.equal([
      ['red', 'fg1'],
      [' plain', ''],
    ]);
    expect(runs('\x1b[1;92;44mx\x1b[22my\x1b[39;49mz')).to.deep.equal([
      ['x', 'fg10 bg4 b'],
      ['y', 'fg10 bg4'],
      ['z', ''],
    ]);
    expect(runs('\x1b[2;3;4;9ma\x1b[23;24;29mb\x1b[mc')).to.deep.equal([
      ['a', 'f i u s'],
      ['b', 'f'],
      ['c', ''],
    ]);
    expect(runs('\x1b[101;30mx')).to.deep.equal([['x', 'fg0 bg9']]);
  });

  it('maps 256-colour and true-colour codes to the nearest of the 16', () => {
    expect(runs('\x1b[38;5;196mA')).to.deep.equal([['A', 'fg9']]);
    expect(runs('\x1b[38;5;4mB')).to.deep.equal([['B', 'fg4']]);
    expect(runs('\x1b[48;5;250mC')).to.deep.equal([['C', 'bg7']]);
    expect(runs('\x1b[38;2;0;0;230mD')).to.deep.equal([['D', 'fg4']]);
    expect(runs('\x1b[38:5:2mE')).to.deep.equal([['E', 'fg2']]);
    expect(runs('\x1b[38:2::250:250:250mF')).to.deep.equal([['F', 'fg15']]);
    expect(runs('\x1b[38;5;999mG\x1b[38;2;1;2mH')).to.deep.equal([['GH', '']]);
  });

  it('strips every other escape sequence and control character', () => {
    const cases: [string, string][] = [
      ['a\x1b[2Kb\x1b[1;1Hc\x1b[?25ld', 'abcd'],
      ['\x1b]0;title\x07text', 'text'],
      ['\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ after', 'link after'],
      ['\x1bP1$r0m\x1b\\dcs gone', 'dcs gone'],
      ['\x1b(Bcharset\x1b7saved\x1b8', 'charsetsaved'],
      ['\x9b31mC1 csi', 'C1 csi'],
      ['bell\x07 back\x08space\r\n', 'bell backspace\n'],
      ['trailing escape\x1b', 'trailing escape'],
      ['cut short\x1b[31', 'cut short'],
      ['\x1b]unterminated osc', ''],
      ['del\x7f and nul\x00', 'del and nul'],
    ];
    for (const [input, expected] of cases) expect(stripAnsi(input), JSON.stringify(input)).to.equal(expected);
    expect(runs('\x9b31mred')).to.deep.equal([['red', 'fg1']]);
  });

  it('ends each sequence where a terminal would', () => {
    const cases: [string, [string, string][]][] = [
      // A byte outside the final range ends a control sequence and is kept.
      ['a\x1b[31\nb', [['a\nb', '']]],
      // Intermediate bytes make a control sequence something other than SGR.
      ['\x1b[31!mx\x1b[1my', [['x', ''], ['y', 'b']]],
      // Another escape: its intermediate bytes, then one character.
      ['\x1b#8x\x1b( y', [['x', '']]],
      ['\x1b\x1b[31mq', [['[31mq', '']]],
      // Control strings end at BEL or ST, in either form; a lone ESC inside does not end them.
      ['\x9dtitle\x9cafter', [['after', '']]],
      ['\x1b]0;a\x1bb\x07c', [['c', '']]],
      ['\x90dcs\x1b\\d', [['d', '']]],
      ['\x1b[1;31\x1b[0mz', [['z', '']]],
    ];
    for (const [input, expected] of cases) expect(runs(input), JSON.stringify(input)).to.deep.equal(expected);
  });

  it('never lets input reach a class name, and never keeps a control character', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['\x1b', '[', ']', ';', ':', 'm', '3', '1', '8', '5', '2', '0', '\x07', '\\', 'a', '<', '"', ' ', '\x9b', '\x90', 'P', 'H', '\n'];
    for (let n = 0; n < 2000; n++) {
      let input = '';
      const length = Math.floor(random() * 30);
      for (let i = 0; i < length; i++) input += alphabet[Math.floor(random() * alphabet.length)];
      const parsed = parseAnsi(input);
      expect(parsed.text).to.not.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      expect(parsed.runs.map((r) => r.text).join('')).to.equal(parsed.text);
      for (const run of parsed.runs) for (const name of run.cls.split(' ').filter(Boolean)) expect(name, JSON.stringify(input)).to.match(CLASS);
    }
  });
});

describe('filter matches', () => {
  const pieces = (message: string, query: string) =>
    markMatches(parseAnsi(message), matcher(query, 'giu')).map((p) => [p.text, p.cls, p.match]);

  it('matches case-insensitively and literally', () => {
    expect(matcher('')).to.equal(undefined);
    expect(matcher('   ')).to.equal(undefined);
    expect(matcher('a.b')!.test('axb')).to.equal(false);
    expect(matcher('a.b')!.test('A.B')).to.equal(true);
    expect(matcher('(x)*')!.test('(X)*')).to.equal(true);
  });

  it('marks every match, splitting runs at the edges', () => {
    expect(pieces('Image pull image', 'image')).to.deep.equal([
      ['Image', '', true],
      [' pull ', '', false],
      ['image', '', true],
    ]);
    expect(pieces('a \x1b[31mfai\x1b[0mled b', 'failed')).to.deep.equal([
      ['a ', '', false],
      ['fai', 'fg1', true],
      ['led', '', true],
      [' b', '', false],
    ]);
    expect(pieces('no hit here', 'zzz')).to.deep.equal([['no hit here', '', false]]);
  });

  it('accepts a non-global pattern too', () => {
    expect(markMatches(parseAnsi('x y x'), matcher('x', 'iu')).filter((p) => p.match)).to.have.length(2);
  });
});
