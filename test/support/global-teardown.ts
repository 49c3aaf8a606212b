import { removeMemoryTmpdir } from './test-tmpdir';

/** Removes the run's temporary root on tmpfs (test-tmpdir.ts). */
export default async function globalTeardown(): Promise<void> {
  removeMemoryTmpdir();
}
