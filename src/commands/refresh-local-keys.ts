import type { ScanResult } from '../keys/scan';
import type { LocalKeysProvider } from '../views/local-keys-view';

/** Re-reads the SSH folders now. */
export function refreshLocalKeys(provider: LocalKeysProvider): Promise<ScanResult> {
  return provider.refresh();
}
