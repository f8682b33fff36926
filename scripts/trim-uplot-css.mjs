// A build plugin (Vite / Rolldown) that keeps, of uPlot's stylesheet, the rules for the parts the
// metrics chart shows. The chart creates its uPlot with no title, legend, cursor or selection
// (`legend`, `cursor` and `select` have `show: false` in its options), and uPlot then creates none
// of their elements: their rules style nothing. Turning one of them on means taking its classes
// out of UNUSED. What is left holds no text either (the axes are drawn on the canvas, in the font
// the chart gives them), so the font and line-height declarations go too.
const UNUSED = ['u-title', 'u-legend', 'u-inline', 'u-series', 'u-select', 'u-cursor-'];
const TEXT_ONLY = /(?:^|;)\s*(?:font-family|line-height)\s*:[^;]*/g;
const STYLESHEET = /[\\/]uplot[\\/]dist[\\/]uPlot(\.min)?\.css\?inline$/;

/** The stylesheet without the selectors that name an unused part, without text-only declarations, and without emptied rules. */
export function trimUplotCss(text) {
  return text.replace(/([^{}]+)\{([^{}]*)\}/g, (rule, selectors, body) => {
    const kept = selectors.split(',').filter((selector) => !UNUSED.some((name) => selector.includes(`.${name}`)));
    const declarations = body.replace(TEXT_ONLY, '').replace(/^\s*;/, '');
    return kept.length === 0 || declarations.trim() === '' ? '' : `${kept.map((selector) => selector.trim()).join(',')}{${declarations}}`;
  });
}

export function trimUplotStyles() {
  return {
    name: 'trim-uplot-css',
    enforce: 'pre',
    transform(code, id) {
      if (!STYLESHEET.test(id)) return null;
      return { code: trimUplotCss(code), map: null };
    },
  };
}
