// Keys in multi-line containers: PEM blocks (public SPKI / PKCS#1, private OpenSSH / PKCS#1 /
// PKCS#8), RFC 4716 blocks and PuTTY .ppk files. Each is read into its facts and the problems
// of the container itself; what depends on the file's role is decided by the parser.

import { analyzeBlob } from './blob';
import { factsFromBlob, opaquePrivateFacts } from './facts';
import { publicBlobFromPublicDer } from './keyobject';
import { ArmoredBlock, cleanPem, decodeBodyLines, headerValue, readArmoredBlock } from './pem';
import { readPuttyKeyFile } from './ppk';
import { publicBlobFromPemPrivateKey, readOpenSshPrivateContainer, readPrivateSection } from './private';
import { MESSAGES, TextRange, describeCharacter, lineRange, makeProblem } from './problems';
import type { KeyFacts, KeyFormat, Problem } from './types';

/** What one container holds, before the role-dependent checks. */
export interface ContainerResult {
  /** The first line after the container. */
  next: number;
  /** The whole container, and its first line (where key-level warnings go). */
  range: TextRange;
  headRange: TextRange;
  /** The key, when it could be read. */
  facts?: KeyFacts;
  /** Problems of the container itself: cut off, bad base64, corrupt, unsupported. */
  problems: Problem[];
  /** How messages name the container: `-----BEGIN OPENSSH PRIVATE KEY-----`, `PuTTY-User-Key-File`. */
  marker: string;
  /** Public keys in RFC 4716 / PEM, and PuTTY files: the note that this is not the OpenSSH format. */
  alternative?: { template: string; name: string };
  /** Public keys: the base64 of their blob, for duplicate detection. */
  identity?: string;
}

/** What a PEM label holds. */
type BlockKind =
  | { kind: 'public'; format: KeyFormat; derType?: 'spki' | 'pkcs1'; alternative: { template: string; name: string } }
  | { kind: 'private'; format: KeyFormat; legacyType?: string }
  | { kind: 'unsupported' };

function classifyBlock(block: ArmoredBlock): BlockKind {
  if (block.style === 'rfc4716') {
    return block.label === 'SSH2 PUBLIC KEY'
      ? { kind: 'public', format: 'rfc4716', alternative: { template: MESSAGES.altFormatRfc4716, name: 'RFC 4716' } }
      : { kind: 'unsupported' };
  }
  switch (block.label) {
    case 'PUBLIC KEY':
      return { kind: 'public', format: 'spki-pem', derType: 'spki', alternative: { template: MESSAGES.altFormatSpki, name: 'PEM' } };
    case 'RSA PUBLIC KEY':
      return { kind: 'public', format: 'pkcs1-pem', derType: 'pkcs1', alternative: { template: MESSAGES.altFormatPkcs1, name: 'PEM' } };
    case 'OPENSSH PRIVATE KEY':
      return { kind: 'private', format: 'openssh-private' };
    case 'RSA PRIVATE KEY':
      return { kind: 'private', format: 'pkcs1-pem', legacyType: 'ssh-rsa' };
    case 'DSA PRIVATE KEY':
      return { kind: 'private', format: 'pkcs1-pem', legacyType: 'ssh-dss' };
    case 'EC PRIVATE KEY':
      return { kind: 'private', format: 'pkcs1-pem', legacyType: '' }; // the curve is inside the encrypted data
    case 'PRIVATE KEY':
      return { kind: 'private', format: 'pkcs8' };
    case 'ENCRYPTED PRIVATE KEY':
      return { kind: 'private', format: 'pkcs8-encrypted' };
    default:
      return { kind: 'unsupported' };
  }
}

function trimmedEnd(text: string): number {
  return text.trimEnd().length;
}

/** Reads the PEM or RFC 4716 block whose BEGIN line is `lines[index]` (at `column`). */
export function readKeyBlock(lines: readonly string[], index: number, column: number): ContainerResult {
  const block = readArmoredBlock(lines, index, column);
  const label = block.label;
  const result: ContainerResult = {
    next: block.endLine + 1,
    range: { line: index, column, endLine: block.endLine, endColumn: block.endColumn },
    headRange: lineRange(index, column, trimmedEnd(lines[index])),
    problems: [],
    marker: `-----BEGIN ${label}-----`,
  };
  const corrupt = () => makeProblem('corrupt-key', 'error', result.range, MESSAGES.corruptBlock, [label]);
  if (!block.complete) {
    result.problems.push(makeProblem('missing-end', 'error', result.headRange, MESSAGES.missingEnd, [label]));
    return result;
  }
  const kind = classifyBlock(block);
  if (kind.kind === 'unsupported') {
    result.problems.push(makeProblem('unsupported-format', 'error', result.range, MESSAGES.unsupportedBlock, [label]));
    return result;
  }
  const body = decodeBodyLines(block.bodyLines);
  if (!body.ok) {
    if ('line' in body) {
      const range = lineRange(body.line, body.column, body.column + body.char.length);
      const args = [describeCharacter(body.char), body.column + 1, label];
      result.problems.push(makeProblem('bad-base64', 'error', range, MESSAGES.badArmorBase64, args));
    } else {
      result.problems.push(corrupt());
    }
    return result;
  }
  if (kind.kind === 'public') readPublicBlock(block, kind, body.bytes, result, corrupt);
  else readPrivateBlock(block, kind.format, kind.legacyType, body.bytes, result, corrupt);
  return result;
}

function readPublicBlock(
  block: ArmoredBlock,
  kind: Extract<BlockKind, { kind: 'public' }>,
  bytes: Buffer,
  result: ContainerResult,
  corrupt: () => Problem,
): void {
  let blob = bytes; // RFC 4716 holds the SSH blob itself
  if (kind.derType) {
    const converted = publicBlobFromPublicDer(bytes, kind.derType);
    if (!converted.ok) {
      result.problems.push(
        converted.algorithm
          ? makeProblem('unsupported-algorithm', 'error', result.range, MESSAGES.unsupportedAlgorithm, [converted.algorithm])
          : corrupt(),
      );
      return;
    }
    blob = converted.blob;
  }
  const analysis = analyzeBlob(blob);
  if (!analysis.ok) {
    result.problems.push(
      analysis.failure === 'truncated'
        ? makeProblem('truncated-blob', 'error', result.range, MESSAGES.truncatedBlobUnknown)
        : corrupt(),
    );
    return;
  }
  result.alternative = kind.alternative;
  result.identity = blob.toString('base64');
  result.facts = factsFromBlob(analysis, {
    kind: 'public',
    format: kind.format,
    comment: block.style === 'rfc4716' ? (headerValue(block, 'Comment') ?? '') : '',
    line: block.beginLine,
    endLine: block.endLine,
    blob,
    blobText: result.identity,
  });
}

function readPrivateBlock(
  block: ArmoredBlock,
  format: KeyFormat,
  legacyType: string | undefined,
  bytes: Buffer,
  result: ContainerResult,
  corrupt: () => Problem,
): void {
  const lines = { line: block.beginLine, endLine: block.endLine };
  if (format === 'openssh-private') {
    // The public half is stored in the clear; only the comment needs the (unencrypted) private section.
    const container = readOpenSshPrivateContainer(bytes);
    const analysis = container && analyzeBlob(container.publicBlob);
    if (!container || !analysis?.ok) {
      result.problems.push(corrupt());
      return;
    }
    const section = container.encrypted ? undefined : readPrivateSection(container.privateSection);
    const comment = section?.ok ? section.comment : '';
    const context = { kind: 'private' as const, format, comment, ...lines, encrypted: container.encrypted };
    result.facts = factsFromBlob(analysis, { ...context, blob: container.publicBlob });
    return;
  }
  const legacyEncrypted = /ENCRYPTED/i.test(headerValue(block, 'Proc-Type') ?? '');
  if (format === 'pkcs8-encrypted' || legacyEncrypted) {
    // Everything, even the key type, is inside the encrypted data.
    result.facts = opaquePrivateFacts(format, legacyType ?? '', block.beginLine, block.endLine);
    return;
  }
  const derived = publicBlobFromPemPrivateKey(cleanPem(block), false);
  const analysis = derived.ok ? analyzeBlob(derived.blob) : undefined;
  if (!derived.ok || !analysis?.ok) {
    const unsupported = !derived.ok && derived.reason === 'unsupported-algorithm';
    result.problems.push(
      unsupported ? makeProblem('unsupported-algorithm', 'error', result.range, MESSAGES.unsupportedAlgorithm, [derived.algorithm]) : corrupt(),
    );
    return;
  }
  result.facts = factsFromBlob(analysis, { kind: 'private', format, comment: '', ...lines, encrypted: false, blob: derived.blob });
}

/** Reads the PuTTY key file starting on `lines[index]`: its public half and comment are in the clear. */
export function readPuttyKey(lines: readonly string[], index: number, column: number): ContainerResult {
  const file = readPuttyKeyFile(lines, index, column);
  const result: ContainerResult = {
    next: file.endLine + 1,
    range: { line: index, column, endLine: file.endLine, endColumn: file.endColumn },
    headRange: lineRange(index, column, trimmedEnd(lines[index])),
    problems: [],
    marker: 'PuTTY-User-Key-File',
    alternative: { template: MESSAGES.puttyKey, name: 'PuTTY' },
  };
  const body = decodeBodyLines(file.publicLines);
  const analysis = body.ok ? analyzeBlob(body.bytes) : undefined;
  if (!body.ok || !analysis?.ok) {
    result.problems.push(makeProblem('corrupt-key', 'error', result.range, MESSAGES.corruptBlock, [result.marker]));
    return result;
  }
  result.facts = factsFromBlob(analysis, {
    kind: 'private',
    format: 'putty',
    comment: file.comment,
    line: index,
    endLine: file.endLine,
    encrypted: file.encrypted,
    blob: body.bytes,
  });
  return result;
}
