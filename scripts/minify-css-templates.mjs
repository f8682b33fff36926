// A build plugin (Vite / Rolldown) that minifies the text of Lit's css`…` templates in src/:
// comments go and whitespace collapses. Spaces that carry meaning (descendant selectors,
// `calc(a - b)`) are kept: only those next to `{ } ; , :` and line breaks are removed.
const TEMPLATE = /\bcss`([^`]*)`/g;

export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/;}/g, '}')
    .replace(/:\s+/g, ':')
    .trim();
}

export function minifyCssTemplates(srcDir) {
  return {
    name: 'minify-css-templates',
    transform(code, id) {
      if (!id.startsWith(srcDir) || !id.endsWith('.ts') || !code.includes('css`')) return null;
      return { code: code.replace(TEMPLATE, (_match, body) => `css\`${minifyCss(body)}\``), map: null };
    },
  };
}
