/**
 * The shared data folder (real EDIFACT samples, code lists, container numbers) lives beside the
 * repository as `../shared/data`, not inside it. Tests that need it must fail loudly when it is
 * absent rather than pass without having checked anything.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of shared/data (the folder beside the repository root). */
export const sharedDataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/**
 * Absolute path of a file or folder under shared/data; throws with instructions when it is missing,
 * so a test depending on it fails instead of silently passing.
 */
export function requireSharedData(relPath: string): string {
  if (!existsSync(sharedDataDir)) {
    throw new Error(
      `shared data folder is missing: expected ${sharedDataDir} (the repository's sibling shared/data). ` +
        'Tests over real samples cannot run without it; put a copy of shared/ beside the repository.',
    );
  }
  const full = fileURLToPath(new URL(relPath, new URL('../../../shared/data/', import.meta.url)));
  if (!existsSync(full)) throw new Error(`shared data file is missing: ${full} (relative path ${relPath})`);
  return full;
}
