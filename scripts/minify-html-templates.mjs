// A build plugin (Vite / Rolldown) that removes the source indentation from Lit's html`…` and
// svg`…` templates in src/. Only whitespace that HTML collapses anyway is touched:
// - inside a tag (between attributes), a run of whitespace becomes one space, and none before `>`;
// - in text, a run of whitespace that holds a line break becomes one space, which is how the
//   browser renders it outside `white-space: pre*`. No template relies on a line break in its text:
//   the logs viewer's `white-space: pre` rows keep their line breaks inside tags, and `<pre>`,
//   `<textarea>`, `<script>` and `<style>` content, quoted attribute values and comments are left
//   exactly as written.
import { parseAst } from 'vite';

const TAGS = new Set(['html', 'svg']);
const RAW = new Set(['pre', 'textarea', 'script', 'style']);

/** The minified text of a template's static parts (its quasis), in order. */
export function minifyHtmlParts(parts) {
  let state = 'text';
  let quote = '';
  let tagName = '';
  let raw = '';
  return parts.map((part) => {
    let out = '';
    for (let i = 0; i < part.length; i++) {
      const c = part[i];
      if (c === '\\') {
        out += part.slice(i, i + 2);
        i++;
        continue;
      }
      if (state === 'comment') {
        if (part.startsWith('-->', i)) {
          out += '-->';
          i += 2;
          state = 'text';
        } else out += c;
        continue;
      }
      if (state === 'quote') {
        out += c;
        if (c === quote) state = 'tag';
        continue;
      }
      if (state === 'raw') {
        if (part.startsWith(`</${raw}`, i)) {
          state = 'tag';
          tagName = '';
          raw = '';
        }
        out += c;
        continue;
      }
      if (state === 'tag' || state === 'name') {
        if (/\s/.test(c)) {
          let end = i;
          while (end < part.length && /\s/.test(part[end])) end++;
          if (part[end] !== '>') out += ' ';
          i = end - 1;
          state = 'tag';
          continue;
        }
        if (state === 'name' && /[\w-]/.test(c)) tagName += c.toLowerCase();
        else if (state === 'name') state = 'tag';
        if (c === '"' || c === "'") {
          state = 'quote';
          quote = c;
        } else if (c === '>') {
          state = RAW.has(tagName) ? 'raw' : 'text';
          raw = state === 'raw' ? tagName : '';
        }
        out += c;
        continue;
      }
      // Text.
      if (part.startsWith('<!--', i)) {
        state = 'comment';
        out += '<!--';
        i += 3;
        continue;
      }
      if (c === '<' && /[a-zA-Z]/.test(part[i + 1] ?? '')) {
        state = 'name';
        tagName = '';
        out += c;
        continue;
      }
      if (c === '<' && part[i + 1] === '/') {
        state = 'tag';
        tagName = '';
        out += c;
        continue;
      }
      if (/\s/.test(c)) {
        let end = i;
        while (end < part.length && /\s/.test(part[end])) end++;
        const run = part.slice(i, end);
        out += run.includes('\n') ? ' ' : run;
        i = end - 1;
        continue;
      }
      out += c;
    }
    return out;
  });
}

function templates(node, found) {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) templates(child, found);
    return;
  }
  if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && TAGS.has(node.tag.name)) found.push(node.quasi);
  for (const key in node) if (key !== 'parent') templates(node[key], found);
}

/** The source with every html`…` / svg`…` template's static text minified. */
export function minifyHtmlSource(code) {
  const found = [];
  templates(parseAst(code, { lang: 'ts' }), found);
  const edits = [];
  for (const quasi of found) {
    const elements = quasi.quasis;
    // A quasi's span may or may not include its delimiters (`, } and ${); its raw text must be
    // found at one of the two places, or the file is left as it is.
    const starts = elements.map((q) => [q.start, q.start + 1].find((at) => code.startsWith(q.value.raw, at) && (at === q.start ? q.end === at + q.value.raw.length : true)));
    if (starts.some((at) => at === undefined)) return code;
    const minified = minifyHtmlParts(elements.map((q) => q.value.raw));
    elements.forEach((q, i) => edits.push([starts[i], starts[i] + q.value.raw.length, minified[i]]));
  }
  edits.sort((a, b) => b[0] - a[0]);
  let out = code;
  for (const [start, end, text] of edits) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

export function minifyHtmlTemplates(srcDir) {
  return {
    name: 'minify-html-templates',
    transform(code, id) {
      if (!id.startsWith(srcDir) || !id.endsWith('.ts') || !/\b(html|svg)`/.test(code)) return null;
      return { code: minifyHtmlSource(code), map: null };
    },
  };
}
