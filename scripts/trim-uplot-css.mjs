// A build plugin (Vite / Rolldown) that keeps, of uPlot's stylesheet, the rules for the parts the
// metrics chart shows. The chart creates its uPlot with no title, legend, cursor or selection
// (`legend`, `cursor` and `select` have `show: false` in its options), and uPlot then creates none
// of their elements: their rules style nothing. Turning one of them on means taking its classes
// out of UNUSED.
const UNUSED = ['u-title', 'u-legend', 'u-inline', 'u-series', 'u-select', 'u-cursor-'];
const STYLESHEET = /[\\/]uplot[\\/]dist[\\/]uPlot(\.min)?\.css\?inline$/;

/** The stylesheet without the selectors that name an unused part, and without emptied rules. */
export function trimUplotCss(text) {
  return text.replace(/([^{}]+)\{([^{}]*)\}/g, (rule, selectors, body) => {
    const kept = selectors.split(',').filter((selector) => !UNUSED.some((name) => selector.includes(`.${name}`)));
    return kept.length === 0 ? '' : `${kept.map((selector) => selector.trim()).join(',')}{${body}}`;
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
