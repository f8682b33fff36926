// Serves `*.css?inline` imports as a JS module exporting the file's text, as Vite does natively.
export function cssInlinePlugin() {
  return {
    name: 'css-inline',
    async transform(context) {
      if (context.path.endsWith('.css') && context.URL.search.includes('inline')) {
        return { body: `export default ${JSON.stringify(context.body)};`, headers: { 'content-type': 'application/javascript' } };
      }
      return undefined;
    },
    resolveMimeType(context) {
      if (context.path.endsWith('.css') && context.URL.search.includes('inline')) return 'js';
      return undefined;
    },
  };
}
