/**
 * Resolves in a new task, queued behind those already waiting (`scheduler.postTask` where the
 * browser has it, else a timer): long work that gives way to everything else on the page — a
 * log's filter scan or export — runs in slices between these.
 */
export const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const scheduler = (globalThis as { scheduler?: { postTask?(task: () => void): unknown } }).scheduler;
    if (scheduler?.postTask) scheduler.postTask(resolve);
    else setTimeout(resolve);
  });
