// A build plugin (Vite / Rolldown) that minifies the text of Lit's css`…` templates in src/:
// comments go and whitespace collapses. Spaces that carry meaning (descendant selectors,
// `calc(a - b)`) are kept: only those next to `{ } ; , :` and line breaks are removed. Leading
// zeros of fractions and the quotes around identifier attribute values go too. No template holds
// a CSS string with a number or an attribute selector in it, which these would change.
const TEMPLATE = /\bcss`([^`]*)`/g;

export function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/;}/g, '}')
    .replace(/:\s+/g, ':')
    // `0.5rem` → `.5rem`, not inside a longer number such as `10.5px`.
    .replace(/(^|[^\w.#-])0\.(\d)/g, '$1.$2')
    // `[part~='log']` → `[part~=log]`: a value that is an identifier needs no quotes.
    .replace(/\[([\w-]+[~|^$*]?=)'([a-zA-Z_][\w-]*)'\]/g, '[$1$2]')
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
