/**
 * A job that runs every `intervalMs` in the server process, and on demand. Runs never
 * overlap: asking while one is under way gets that run. A failed run is reported and
 * the next tick tries again. The timer never keeps the process alive by itself.
 */
export interface IntervalJob<T> {
  /** Runs once now (or joins the run under way), for tests and "do it now" buttons. */
  runNow(): Promise<T | undefined>;
  stop(): void;
}

export function startIntervalJob<T>(run: () => Promise<T>, intervalMs: number, onError: (error: unknown) => void): IntervalJob<T> {
  let running: Promise<T | undefined> | undefined;
  let stopped = false;

  const runNow = () => {
    if (stopped) return Promise.resolve(undefined);
    running ??= run()
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
