/**
 * The time a long run has left at its average rate so far, as its progress bar shows it: "1h05m",
 * "4m07s", "42s", or "…" before any progress. cli-progress's own ETA averages the last few updates
 * (which jump with the work's mix: a batch of 500 commands, then single ones) and can round 59.6
 * seconds up to "5m60s".
 */
export function timeLeft(done: number, total: number, elapsedSeconds: number): string {
  if (done <= 0 || elapsedSeconds <= 0) return '…';
  const seconds = Math.max(0, Math.round(((total - done) * elapsedSeconds) / done));
  const two = (n: number) => String(n).padStart(2, '0');
  const minutes = Math.round(seconds / 60);
  if (minutes >= 60) return `${Math.floor(minutes / 60)}h${two(minutes % 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${two(seconds % 60)}s`;
  return `${seconds}s`;
}
