// PuTTY private key files (.ppk, versions 2 and 3). Their public key and comment are
// stored in the clear, so we can show fingerprints and derive the OpenSSH public line.

import type { BodyLine } from './pem';

export interface PuttyKeyFile {
  beginLine: number;
  endLine: number;
  endColumn: number;
  /** The key type named on the first line (`ssh-ed25519`). */
  algorithm: string;
  encrypted: boolean;
  comment: string;
  publicLines: BodyLine[];
}

const FIRST_LINE = /^PuTTY-User-Key-File-\d+:\s*(\S+)/;
const HEADER = /^([A-Za-z0-9-]+):\s?(.*)$/;

/** True when the line starts a PuTTY key file. */
export function isPuttyKeyStart(line: string, column: number): boolean {
  return line.startsWith('PuTTY-User-Key-File-', column);
}

/** Reads a .ppk file from its first line until `Private-MAC:` (or the first line that does not fit). */
export function readPuttyKeyFile(lines: readonly string[], start: number, column: number): PuttyKeyFile {
  const file: PuttyKeyFile = {
    beginLine: start,
    endLine: start,
    endColumn: lines[start].trimEnd().length,
    algorithm: FIRST_LINE.exec(lines[start].slice(column))?.[1] ?? '',
    encrypted: false,
    comment: '',
    publicLines: [],
  };
  let index = start + 1;
  while (index < lines.length) {
    const text = lines[index].trim();
    const header = HEADER.exec(text);
    if (!header) break;
    const [, name, value] = header;
    file.endLine = index;
    file.endColumn = lines[index].trimEnd().length;
    index++;
    if (name === 'Encryption') file.encrypted = value.trim() !== 'none';
    else if (name === 'Comment') file.comment = value.trim();
    else if (name === 'Public-Lines' || name === 'Private-Lines') {
      const count = Math.min(Number.parseInt(value, 10) || 0, lines.length - index);
      for (let i = 0; i < count; i++, index++) {
        const raw = lines[index];
        const first = raw.length - raw.trimStart().length;
        if (name === 'Public-Lines') file.publicLines.push({ line: index, column: first, text: raw.trim() });
        file.endLine = index;
        file.endColumn = raw.trimEnd().length;
      }
    } else if (name === 'Private-MAC') break;
  }
  return file;
}
