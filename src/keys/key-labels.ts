import type { KeyFacts } from './types';

/** The short type name `ssh-keygen -l` prints in parentheses: `ED25519`, `RSA`, `ECDSA-SK`, `ED25519-CERT`; `?` when unknown. */
export function displayKeyType(facts: Partial<Pick<KeyFacts, 'type' | 'keyType' | 'kind'>>): string {
  const type = facts.keyType || facts.type;
  if (!type) return '?';
  const base = shortType(type);
  return facts.kind === 'certificate' ? `${base}-CERT` : base;
}

function shortType(type: string): string {
  if (type.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (type.startsWith('sk-ecdsa')) return 'ECDSA-SK';
  if (type.startsWith('ssh-ed25519')) return 'ED25519';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type.startsWith('ssh-rsa') || type.startsWith('rsa-sha2')) return 'RSA';
  if (type.startsWith('ssh-dss')) return 'DSA';
  return type.toUpperCase();
}

/** The first 8 characters of the SHA256 fingerprint's hash: enough to tell keys apart at a glance. */
export function shortFingerprint(sha256: string | undefined): string | undefined {
  return sha256 ? `${sha256.slice(0, 'SHA256:'.length + 8)}…` : undefined;
}

/** "Tencent Cloud ×18, Alibaba Cloud ×2": how many places (regions) of each cloud hold a key. */
export function importedSummary(imported: ReadonlyArray<{ provider: string }>): string {
  const counts = new Map<string, number>();
  for (const l of imported) counts.set(l.provider, (counts.get(l.provider) ?? 0) + 1);
  return [...counts].map(([provider, n]) => (n === 1 ? provider : `${provider} ×${n}`)).join(', ');
}
