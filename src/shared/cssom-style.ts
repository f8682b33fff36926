import { noChange } from 'lit';
import { Directive, PartType, directive, type AttributePart, type PartInfo } from 'lit/directive.js';

/** Property names as `styleMap` takes them: camelCase, or dashed (custom properties too). */
export type CssomStyleInfo = Readonly<Record<string, string | number | null | undefined>>;

/**
 * `styleMap` for pages whose Content-Security-Policy has no `'unsafe-inline'` in `style-src`.
 * Lit's `styleMap` writes its first value as a `style` attribute string (lit/lit#4719), which such
 * a page blocks and reports; this one sets every value through the CSSOM, the first one included,
 * and never writes the attribute. Same input as `styleMap`; a `null` or `undefined` value removes
 * the property.
 */
class CssomStyleDirective extends Directive {
  readonly #applied = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style' || (part.strings?.length ?? 0) > 2) {
      throw new Error('cssomStyle() must be the only expression in a `style` attribute.');
    }
  }

  render(_styles: CssomStyleInfo): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [styles]: [CssomStyleInfo]): typeof noChange {
    const { style } = part.element;
    for (const name of this.#applied) {
      if (styles[name] != null) continue;
      this.#applied.delete(name);
      write(style, name, '');
    }
    for (const [name, value] of Object.entries(styles)) {
      if (value == null) continue;
      this.#applied.add(name);
      write(style, name, String(value));
    }
    return noChange;
  }
}

function write(style: CSSStyleDeclaration, name: string, value: string): void {
  if (name.includes('-')) style.setProperty(name, value);
  else (style as unknown as Record<string, string>)[name] = value;
}

/** Applies CSS properties to an element through the CSSOM: `style=${cssomStyle({ width: '40%' })}`. */
export const cssomStyle = directive(CssomStyleDirective);
