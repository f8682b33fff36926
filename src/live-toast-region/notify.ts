// A region's desktop notifications: loaded with the first important event of a region with
// `desktop-notifications`, so a page without them does not carry this.
import type { LiveToastRegion } from './live-toast-region.js';

/** When each region last raised one, on its own clock. */
const lastRaised = new WeakMap<LiveToastRegion, number>();

/** Tags are per page: toast ids start at 1 in every tab, and one tab's must not replace another's. */
const PAGE = Math.random().toString(36).slice(2, 10);

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
    // One tag per toast, this page's own: a toast that replaces another (the same key) replaces its
    // notification, and says so again (`renotify`) rather than changing it silently.
    const notification = new Notification(title, { lang, tag: `${PAGE}:${toast.key ?? toast.id}`, renotify: true, ...(body ? { body } : {}) } as NotificationOptions);
    notification.onclick = () => {
      window.focus();
      notification.close();
      region.dispatchEvent(new CustomEvent('notification-click', { detail: { projectId: toast.project }, bubbles: true, composed: true }));
    };
  } catch {
    // Some platforms only allow notifications from a service worker; the toast is still shown.
  }
}
