/**
 * The baseline badge: the seed's approach, every badge listening to the stream's events itself and
 * re-rendering on each one that names its project.
 */
import { LitElement, css, html } from 'lit';

const LABELS: Record<string, string> = { running: 'Running', deploying: 'Deploying', stopped: 'Stopped', inactive: 'Inactive', error: 'Error' };

export class NaiveBadge extends LitElement {
  static override styles = css`
    :host { display: inline-flex; font-size: 12px; }
    .base { display: inline-flex; gap: 4px; align-items: center; padding: 2px 8px; border-radius: 999px; border: 1px solid currentColor; }
    .running { color: #1a7f37; } .deploying { color: #9a6700; } .stopped, .inactive { color: #59636e; } .error { color: #cf222e; }
    svg { width: 1em; height: 1em; }
    .spin { animation: spin 0.9s linear infinite; }
    @keyframes spin { to { transform: rotate(1turn); } }
  `;

  static override properties = { status: { reflect: true } };

  declare status: string;
  projectId = '';
  #source: EventTarget | undefined;

  attach(source: EventTarget, projectId: string): void {
    this.projectId = projectId;
    this.#source = source;
    source.addEventListener('container-status-changed', this.#onChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#source?.removeEventListener('container-status-changed', this.#onChange);
  }

  #onChange = (event: Event) => {
    const detail = (event as CustomEvent<{ projectId: string; newStatus: string }>).detail;
    if (detail.projectId === this.projectId) this.status = detail.newStatus;
  };

  override render() {
    const status = this.status ?? 'unknown';
    const icon =
      status === 'deploying'
        ? html`<svg class="spin" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="2"><path d="M8 2.5a5.5 5.5 0 0 1 5.5 5.5" /></svg>`
        : html`<svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="4.5" fill="currentColor" /></svg>`;
    return html`<span class="base ${status}">${icon}<span>${LABELS[status] ?? 'Unknown'}</span></span>`;
  }
}

if (!customElements.get('naive-badge')) customElements.define('naive-badge', NaiveBadge);
