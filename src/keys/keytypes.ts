// The key types OpenSSH knows, and what their blobs contain.

/** The layout family of a key blob's fields. */
export type KeyFamily = 'rsa' | 'dsa' | 'ecdsa' | 'ed25519' | 'sk-ecdsa' | 'sk-ed25519';

export type CurveName = 'nistp256' | 'nistp384' | 'nistp521';

export interface KeyTypeInfo {
  /** The OpenSSH type name as written in a key line. */
  name: string;
  family: KeyFamily;
  curve?: CurveName;
  /** For a certificate type: the certified (plain) key type. */
  certifiedType?: string;
}

/** Bits `ssh-keygen -l` prints for each curve, and the byte length of one coordinate. */
export const CURVES: Record<CurveName, { bits: number; coordinateBytes: number; jwkCurve: string }> = {
  nistp256: { bits: 256, coordinateBytes: 32, jwkCurve: 'P-256' },
  nistp384: { bits: 384, coordinateBytes: 48, jwkCurve: 'P-384' },
  nistp521: { bits: 521, coordinateBytes: 66, jwkCurve: 'P-521' },
};

const PLAIN_TYPES: KeyTypeInfo[] = [
  { name: 'ssh-rsa', family: 'rsa' },
  { name: 'ssh-dss', family: 'dsa' },
  { name: 'ecdsa-sha2-nistp256', family: 'ecdsa', curve: 'nistp256' },
  { name: 'ecdsa-sha2-nistp384', family: 'ecdsa', curve: 'nistp384' },
  { name: 'ecdsa-sha2-nistp521', family: 'ecdsa', curve: 'nistp521' },
  { name: 'ssh-ed25519', family: 'ed25519' },
  { name: 'sk-ecdsa-sha2-nistp256@openssh.com', family: 'sk-ecdsa', curve: 'nistp256' },
  { name: 'sk-ssh-ed25519@openssh.com', family: 'sk-ed25519' },
];

/** `ssh-ed25519` → `ssh-ed25519-cert-v01@openssh.com`, `sk-ssh-ed25519@openssh.com` → `sk-ssh-ed25519-cert-v01@openssh.com`. */
function certificateTypeName(plain: string): string {
  const at = plain.indexOf('@');
  return at < 0 ? `${plain}-cert-v01@openssh.com` : `${plain.slice(0, at)}-cert-v01${plain.slice(at)}`;
}

const KEY_TYPES = new Map<string, KeyTypeInfo>();
for (const plain of PLAIN_TYPES) {
  KEY_TYPES.set(plain.name, plain);
  const cert = certificateTypeName(plain.name);
  KEY_TYPES.set(cert, { ...plain, name: cert, certifiedType: plain.name });
}

/** All OpenSSH key and certificate type names we understand. */
export const KNOWN_KEY_TYPES: readonly string[] = [...KEY_TYPES.keys()];

/** What we know about a type name, or undefined if OpenSSH has no such type. */
export function keyTypeInfo(name: string): KeyTypeInfo | undefined {
  return KEY_TYPES.get(name);
}

/**
 * The known type closest to `word` when `word` looks like a typo of it (a few edits away),
 * e.g. `ssh-ed2519` → `ssh-ed25519`, `SSH-RSA` → `ssh-rsa`.
 */
export function nearestKeyType(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (KEY_TYPES.has(lower)) return lower;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of KEY_TYPES.keys()) {
    const distance = editDistance(lower, name, bestDistance);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  // Allow about one edit per four characters, at most 3: closer guesses would be wild.
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 4)));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}
