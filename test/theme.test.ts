import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../src/live-status-alert/define.js';
import '../src/live-container-actions/define.js';
import '../src/live-toast-region/define.js';
import type { LiveToastRegion } from '../src/live-toast-region/live-toast-region.js';
import { ManualClock } from '../src/mock/index.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

/** The colours that make each element light or dark, read from its parts. */
async function colours(theme?: string, scheme?: string, outer?: string) {
  const fixed = await fixture(html`<div theme=${outer ?? ''}><div theme=${theme ?? ''} style=${scheme ? `--le-color-scheme: ${scheme}` : ''}>
    <live-status-alert status="error" error-message="boom"></live-status-alert>
    <live-status-alert status="inactive"></live-status-alert>
    <live-container-actions status="stopped" deletable></live-container-actions>
    <live-toast-region position="inline"></live-toast-region>
  </div></div>`);
  const root = fixed.firstElementChild!;
  if (!outer) fixed.removeAttribute('theme');
  if (!theme) root.removeAttribute('theme');
  const [error, inactive] = root.querySelectorAll('live-status-alert');
  const actions = root.querySelector('live-container-actions')!;
  const region = root.querySelector<LiveToastRegion>('live-toast-region')!;
  region.clock = new ManualClock();
  region.show({ kind: 'warning', title: 'Paused' });
  await region.updateComplete;
  const style = (node: HTMLElement) => getComputedStyle(node);
  return {
    errorBackground: style(part(error, 'base')).backgroundColor,
    errorText: style(part(error, 'message')).color,
    inactiveBackground: style(part(inactive, 'base')).backgroundColor,
    startBackground: style(part(actions, 'start')).backgroundColor,
    deleteText: style(part(actions, 'delete')).color,
    toastBackground: style(part(region, 'toast')).backgroundColor,
    toastText: style(part(region, 'title')).color,
  };
}

describe('themes', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('light by default, dark under prefers-color-scheme: dark', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    expect(light.toastBackground).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    for (const key of Object.keys(light) as (keyof typeof light)[]) {
      expect(dark[key], key).to.not.equal(light[key]);
    }
    expect(dark.toastBackground).to.equal('rgb(22, 27, 34)');
  });

  it('dark under an ancestor theme="dark"; theme="light" wins over a dark system', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    const themedDark = await colours('dark');
    for (const key of Object.keys(light) as (keyof typeof light)[]) {
      expect(themedDark[key], key).to.not.equal(light[key]);
    }
    await emulateMedia({ colorScheme: 'dark' });
    const systemDark = await colours();
    expect(themedDark).to.deep.equal(systemDark);
    const themedLight = await colours('light');
    expect(themedLight).to.deep.equal(light);
  });

  it('the nearest theme wins: dark inside a light ancestor, light inside a dark one, whatever the system', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    await emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    for (const system of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: system });
      expect(await colours('dark', undefined, 'light'), `dark in light, system ${system}`).to.deep.equal(dark);
      expect(await colours('light', undefined, 'dark'), `light in dark, system ${system}`).to.deep.equal(light);
    }
  });

  it('themes through inherited custom properties, which every engine has: no element style uses :host-context()', async () => {
    const root = await fixture(html`<div>
      <live-status-alert status="error"></live-status-alert>
      <live-container-actions status="stopped"></live-container-actions>
      <live-toast-region></live-toast-region>
    </div>`);
    for (const el of root.children) {
      const rules = el.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText));
      expect(rules.length, el.localName).to.be.greaterThan(0);
      expect(rules.filter((rule) => rule.includes('host-context')), el.localName).to.deep.equal([]);
    }
  });

  it('dark under an ancestor --le-color-scheme: dark, in any browser', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    const dark = await colours(undefined, 'dark');
    await emulateMedia({ colorScheme: 'dark' });
    const systemDark = await colours();
    expect(dark).to.deep.equal(systemDark);
    expect(await colours(undefined, 'light')).to.deep.equal(light);
  });

  it('local properties and library tokens restyle the parts', async () => {
    const root = await fixture(html`<div style="--le-status-error: rgb(1, 2, 3); --actions-primary-color: rgb(4, 5, 6); --toast-warning-color: rgb(7, 8, 9)">
      <live-status-alert status="error"></live-status-alert>
      <live-container-actions status="stopped"></live-container-actions>
      <live-toast-region position="inline"></live-toast-region>
    </div>`);
    const region = root.querySelector<LiveToastRegion>('live-toast-region')!;
    region.clock = new ManualClock();
    region.show({ kind: 'warning', title: 'x' });
    await region.updateComplete;
    expect(getComputedStyle(part(root.querySelector('live-status-alert')!, 'icon')).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(part(root.querySelector('live-container-actions')!, 'start')).backgroundColor).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(part(region, 'icon')).color).to.equal('rgb(7, 8, 9)');
  });
});
