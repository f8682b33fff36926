// The sound of `<live-toast-region sound>`: its mute toggle and two short tones synthesised with
// Web Audio. Loaded the first time a region with `sound` renders, so a page without it carries none
// of this, and no AudioContext exists until a tone is due.
import { html } from 'lit';
import type { LocaleController } from '../shared/i18n.js';
import type { AlertReason, LiveToastRegion, SoundDetail, ToastKind } from './live-toast-region.js';
import { soundStyles } from './sound.styles.js';
import './sound.messages.js';

/** The `localStorage` key of the mute choice, shared by every region of the origin: `1` muted, `0` not. */
const MUTED_KEY = 'live-toast-region-muted';

/** Each tone: its first and second pitch (Hz) and its waveform. Errors fall, success rises. */
const TONES = {
  error: [587, 440, 'triangle'],
  success: [659, 988, 'sine'],
} as const;

/** Seconds: each pitch's length, and the whole tone's. */
const STEP = 0.11;
const LENGTH = 0.28;

/** One context for the page, created with the first tone and suspended between tones. */
let context: AudioContext | undefined;
let sounding = 0;
/** The choice where storage is unavailable (a sandboxed frame, some private modes): this page only. */
let mutedHere = false;
/** When each region last sounded, on its own clock. */
const lastTone = new WeakMap<LiveToastRegion, number>();

function isMuted(): boolean {
  try {
    return localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return mutedHere;
  }
}

function setMuted(muted: boolean): void {
  mutedHere = muted;
  try {
    localStorage.setItem(MUTED_KEY, muted ? '1' : '0');
  } catch {
    // Storage is off: the choice lasts for this page.
  }
}

/** The toggle's styles, for the region's shadow root. */
export { soundStyles as styles };

/** The mute toggle: pressed while muted. */
export function toggle(region: LiveToastRegion, locale: LocaleController) {
  const muted = isMuted();
  const name = locale.t('toast.mute');
  const flip = () => {
    setMuted(!muted);
    region.requestUpdate();
  };
  return html`<button part="mute" class="mute" type="button" aria-pressed=${muted ? 'true' : 'false'} aria-label=${name} title=${name} @click=${flip}>
    <svg viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">
      <path d="M2.5 6h2.5l3.5-3v10L5 10H2.5z" />
      <path d=${muted ? 'M11 6.25l3.5 3.5m0-3.5-3.5 3.5' : 'M11 5.75a3 3 0 0 1 0 4.5M12.75 3.75a6 6 0 0 1 0 8.5'} />
    </svg>
  </button>`;
}

/**
 * The tone for an important event, if it may sound now: not muted; after the page's first user
 * gesture; while the tab is hidden, only for an error; at most one a second (`now`: the region's
 * clock). A cancelable `sound` event comes first.
 */
export function chime(region: LiveToastRegion, toast: { kind: ToastKind; alert?: AlertReason; project?: string }, now: number): void {
  // The browsers' autoplay rule is the page's sticky user activation, which `hasBeenActive` reports:
  // a key press or a click counts, a Shift or an Escape does not (an AudioContext made after those
  // would stay suspended). Where it is missing, the context may start suspended and wait for one.
  if (isMuted() || navigator.userActivation?.hasBeenActive === false) return;
  if (document.visibilityState === 'hidden' && toast.kind !== 'error') return;
  if (now - (lastTone.get(region) ?? -Infinity) < 1000) return;
  lastTone.set(region, now);
  const detail: SoundDetail = { kind: toast.kind === 'success' ? 'success' : 'error', reason: toast.alert ?? 'toast' };
  if (toast.project !== undefined) detail.projectId = toast.project;
  const event = new CustomEvent('sound', { detail, bubbles: true, composed: true, cancelable: true });
  if (!region.dispatchEvent(event)) return;
  try {
    play(detail.kind);
  } catch {
    // No Web Audio here (or no context to be had): the toast and its announcement are enough.
  }
}

/** Two short pitches from one oscillator, faded in and out so they do not click. */
function play(kind: 'error' | 'success'): void {
  const audio = (context ??= new AudioContext());
  audio.resume().catch(() => undefined);
  const [first, second, type] = TONES[kind];
  const at = audio.currentTime;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = type;
  oscillator.frequency.value = first;
  oscillator.frequency.setValueAtTime(second, at + STEP);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.2, at + 0.015);
  gain.gain.setValueAtTime(0.2, at + 2 * STEP - 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + LENGTH);
  oscillator.connect(gain).connect(audio.destination);
  sounding++;
  oscillator.onended = () => {
    oscillator.disconnect();
    gain.disconnect();
    // An idle running context keeps the audio device busy.
    if (--sounding === 0) audio.suspend().catch(() => undefined);
  };
  oscillator.start(at);
  oscillator.stop(at + LENGTH);
}
