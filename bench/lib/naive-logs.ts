/**
 * The baseline log viewer: the seed's approach, an element that keeps every entry and renders each
 * one as a DOM row, re-rendering the list when entries arrive and scrolling to the bottom after.
 */
import { LitElement, css, html } from 'lit';

export interface NaiveEntry {
  time: number;
  level: string;
  message: string;
}

const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export class NaiveLogs extends LitElement {
  static override styles = css`
    :host { display: block; font: 12px/1.5 ui-monospace, monospace; }
    .log { height: 100%; overflow: auto; }
    .row { white-space: pre; }
    :host([wrap]) .row { white-space: pre-wrap; overflow-wrap: anywhere; }
    .ts { color: #59636e; margin-right: 8px; }
    .lvl { font-weight: 600; margin-right: 8px; }
    .error { color: #cf222e; }
    .warning { color: #9a6700; }
    .success { color: #1a7f37; }
  `;

  static override properties = { wrap: { type: Boolean, reflect: true } };

  declare wrap: boolean;
  entries: NaiveEntry[] = [];
  #follow = true;

  constructor() {
    super();
    this.wrap = false;
  }

  add(entry: NaiveEntry): void {
    this.entries.push(entry);
    this.requestUpdate();
  }

  override updated(): void {
    const log = this.renderRoot.querySelector('.log') as HTMLElement;
    if (this.#follow) log.scrollTop = log.scrollHeight;
  }

  #onScroll = (event: Event) => {
    const log = event.currentTarget as HTMLElement;
    this.#follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  };

  override render() {
    return html`<div class="log" @scroll=${this.#onScroll}>
      ${this.entries.map(
        (entry) =>
          html`<div class="row ${entry.level}"><span class="ts">${timeFormat.format(entry.time)}</span><span class="lvl"
              >${entry.level.toUpperCase()}</span
            ><span class="msg">${entry.message}</span></div>`,
      )}
    </div>`;
  }
}

if (!customElements.get('naive-logs')) customElements.define('naive-logs', NaiveLogs);
