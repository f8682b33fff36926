// The host application's own helpers that the README's React example calls.
export function notify(message: string): void {
  console.info(message);
}

export function redirectToLogin(): void {
  location.assign('/login');
}
