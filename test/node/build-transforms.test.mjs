// The build's template and stylesheet transforms: what they remove, and what they must leave alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyCss } from '../../scripts/minify-css-templates.mjs';
import { minifyHtmlParts, minifyHtmlSource } from '../../scripts/minify-html-templates.mjs';
import { trimUplotCss } from '../../scripts/trim-uplot-css.mjs';

test('html: indentation between and inside tags collapses', () => {
  assert.deepEqual(minifyHtmlParts(['<div part="base">\n  <span\n    part="label"\n  >', '</span\n  >\n</div>']), [
    '<div part="base"> <span part="label">',
    '</span> </div>',
  ]);
});

test('html: spaces on one line are kept, a line break in text becomes one space', () => {
  assert.deepEqual(minifyHtmlParts(['<p>a  b\n   c</p>']), ['<p>a  b c</p>']);
  assert.deepEqual(minifyHtmlParts(['<b>', '</b>\n  ', '']), ['<b>', '</b> ', '']);
});

test('html: quoted attribute values, comments and whitespace-preserving elements are untouched', () => {
  const kept = [
    '<p title="a\n   b">x</p>',
    '<!-- a\n   b -->',
    '<pre>\n  a\n    b\n</pre>',
    '<textarea>\n  a\n</textarea>',
    "<style>\n  p { color: red }\n</style>",
  ];
  for (const text of kept) assert.equal(minifyHtmlParts([text])[0], text);
  assert.deepEqual(minifyHtmlParts(['<pre class="x">\n  ', '\n</pre>\n  <p>']), ['<pre class="x">\n  ', '\n</pre> <p>']);
});

test('html: the state carries across bindings', () => {
  assert.deepEqual(minifyHtmlParts(['<a title="', '\n  x">', '\n  <b\n  >']), ['<a title="', '\n  x">', ' <b>']);
});

test('html: only html`` and svg`` templates in a module change', () => {
  const source = [
    "const a = html`<div>\n  ${x}\n</div>`;",
    "const b = css`\n  :host {}\n`;",
    "const c = `<div>\n  </div>`;",
    "const d = svg`<g>\n  <path d=\"M0 0\" />\n</g>`;",
  ].join('\n');
  assert.equal(
    minifyHtmlSource(source),
    [
      'const a = html`<div> ${x} </div>`;',
      "const b = css`\n  :host {}\n`;",
      "const c = `<div>\n  </div>`;",
      'const d = svg`<g> <path d="M0 0" /> </g>`;',
    ].join('\n'),
  );
});

test('css: comments and whitespace go, spaces that carry meaning stay', () => {
  assert.equal(minifyCss('\n  /* why */\n  :host([wrap]) .row {\n    width: calc(100% - 2px);\n  }\n'), ':host([wrap]) .row{width:calc(100% - 2px)}');
});

test('css: a fraction loses its leading zero, and nothing else does', () => {
  assert.equal(
    minifyCss('a { padding: 0.5rem 0 10.5px 0; transition: width 0.3s cubic-bezier(0.2,0.6,0.4,1); box-shadow: 0 1px rgb(0 0 0 / 0.25); margin: -0.5em; }'),
    'a{padding:.5rem 0 10.5px 0;transition:width .3s cubic-bezier(.2,.6,.4,1);box-shadow:0 1px rgb(0 0 0 / .25);margin:-0.5em}',
  );
});

test('css: an attribute value that is an identifier loses its quotes, any other keeps them', () => {
  assert.equal(
    minifyCss("[part~='log'] [data-level='info'], :host([position^='top']), [title='a b'], [x='1a'], [y=\"q\"] { color: red; }"),
    "[part~=log] [data-level=info],:host([position^=top]),[title='a b'],[x='1a'],[y=\"q\"]{color:red}",
  );
});

test('uPlot stylesheet: the rules of parts the chart turns off go, the rest stay', () => {
  const css = '.uplot{width:min-content}.u-legend{margin:auto}.u-series th{cursor:pointer}.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off{display:none}.u-over,.u-under{position:absolute}';
  assert.equal(trimUplotCss(css), '.uplot{width:min-content}.u-axis.u-off{display:none}.u-over,.u-under{position:absolute}');
});

test('uPlot stylesheet: font and line-height go, and a rule left with nothing goes', () => {
  assert.equal(
    trimUplotCss('.uplot{font-family: system-ui, "Segoe UI", sans-serif;line-height: 1.5;width: min-content;}.u-wrap{line-height:2}.u-over{position:absolute}'),
    '.uplot{width: min-content;}.u-over{position:absolute}',
  );
});
