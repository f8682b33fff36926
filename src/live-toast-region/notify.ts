// A region's desktop notifications: loaded with the first important event of a region with
// `desktop-notifications`, so a page without them does not carry this.
import type { LiveToastRegion } from './live-toast-region.js';

/** When each region last raised one, on its own clock. */
const lastRaised = new WeakMap<LiveToastRegion, number>();

/**
 * Raises the notification of a toast once permission is granted, unless the page has focus (the
 * toast is enough there), at most one a second (`now`: the region's clock when the toast came). A
 * click on it focuses the tab and fires `notification-click`.
 */
export function notify(
  region: LiveToastRegion,
  toast: { id: number; key?: string; project?: string },
  now: number,
  lang: string,
  title: string,
  body?: string,
): void {
  if (document.hasFocus() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (now - (lastRaised.get(region) ?? -Infinity) < 1000) return;
  lastRaised.set(region, now);
  try {
    // One tag per toast: a toast that replaces another (the same key) replaces its notification too.
    const notification = new Notification(title, { lang, tag: toast.key ?? `live-toast-${toast.id}`, ...(body ? { body } : {}) });
    notification.onclick = () => {
      window.focus();
      notification.close();
      region.dispatchEvent(new CustomEvent('notification-click', { detail: { projectId: toast.project }, bubbles: true, composed: true }));
    };
  } catch {
    // Some platforms only allow notifications from a service worker; the toast is still shown.
  }
}
