import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { LiveToastRegion } from '../src/live-toast-region/live-toast-region.js';
import type { SseIndicator } from '../src/sse-indicator/sse-indicator.js';
import { ManualClock } from '../src/mock/index.js';
import { until } from './helpers.js';

/**
 * An animation of anything but `transform` and `opacity` makes the browser run style, layout or
 * paint on the main thread at every frame while it plays: one deploying alert would cost a
 * dashboard of running badges half a core doing nothing. Every keyframe the elements (and the parts
 * they load lazily) can play animates only those two.
 */
const COMPOSITED = new Set(['transform', 'opacity', 'animation-timing-function']);

function keyframes(root: ShadowRoot): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (rules: CSSRuleList) => {
    for (const rule of rules) {
      if (rule instanceof CSSKeyframesRule) {
        const properties = [...rule.cssRules].flatMap((frame) => [...(frame as CSSKeyframeRule).style]);
        found.set(rule.name, properties);
      } else if ('cssRules' in rule) {
        visit((rule as CSSGroupingRule).cssRules);
      }
    }
  };
  for (const sheet of root.adoptedStyleSheets) visit(sheet.cssRules);
  return found;
}

describe('animations: transform and opacity only, so they never need the main thread', () => {
  it('every keyframe of every element, with its lazily loaded looks, animates only transform or opacity', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <live-status-badge status="running"></live-status-badge>
      <live-status-alert status="deploying" progress="40"></live-status-alert>
      <live-container-actions status="running"></live-container-actions>
      <live-logs-viewer style="height:120px" .entries=${[{ timestamp: new Date().toISOString(), level: 'info', message: 'one' }]}></live-logs-viewer>
      <live-metrics-chart status="running"></live-metrics-chart>
      <sse-indicator state="open"></sse-indicator>
      <live-toast-region sound></live-toast-region>
    </div>`);
    const region = page.querySelector<LiveToastRegion>('live-toast-region')!;
    region.clock = new ManualClock();
    region.show({ kind: 'info', title: 'A toast' });
    const indicator = page.querySelector<SseIndicator>('sse-indicator')!;
    indicator.open = true;
    await region.updateComplete;
    await until(() => region.shadowRoot!.adoptedStyleSheets.length >= 4, 'the toast and sound looks');
    await until(() => indicator.shadowRoot!.adoptedStyleSheets.length >= 3, 'the popover looks');
    const seen: string[] = [];
    for (const el of page.children) {
      for (const [name, properties] of keyframes(el.shadowRoot!)) {
        seen.push(name);
        expect(properties.filter((property) => !COMPOSITED.has(property)), `${el.localName} @keyframes ${name}`).to.deep.equal([]);
      }
    }
    expect(seen).to.include.members(['badge-pulse', 'badge-spin', 'alert-stripes', 'alert-slide', 'alert-spin', 'logs-fade-in', 'toast-in']);
  });
});
