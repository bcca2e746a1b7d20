// SSH wire-format encoding (RFC 4251 §5): the `string`, `uint32`, `uint64` and `mpint`
// values that public key blobs, certificates and OpenSSH private key files are made of.
// We decode these ourselves because sshpk does not know security-key (sk-*) types and
// does not read certificates through `parseKey`.

/** Thrown by {@link WireReader} when the data ends before the value it is reading. */
export class WireTruncatedError extends Error {
  constructor() {
    super('SSH wire data ends too early');
    this.name = 'WireTruncatedError';
  }
}

/** Sequential reader of SSH wire-format values. Returned buffers share memory with the input. */
export class WireReader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.offset++];
  }

  uint32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint64(): bigint {
    this.need(8);
    const value = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A length-prefixed byte string. */
  string(): Buffer {
    const length = this.uint32();
    this.need(length);
    const value = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /**
   * Steps over a length-prefixed string without copying or viewing it (cheap on hot paths);
   * returns its length. Its bytes are `buf[offset - length, offset)`.
   */
  skip(): number {
    const length = this.uint32();
    this.need(length);
    this.offset += length;
    return length;
  }

  /** A length-prefixed string read as UTF-8 text (names, comments, key ids). */
  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint: returned as its raw two's-complement bytes (what the length prefix covers). */
  mpint(): Buffer {
    return this.string();
  }

  private need(count: number): void {
    if (this.offset + count > this.buf.length) throw new WireTruncatedError();
  }
}

/** Encodes a length-prefixed string. */
export function wireString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/** Encodes an unsigned big-endian integer as an mpint (minimal length, positive sign). */
export function wireMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  let bytes = unsigned.subarray(start);
  // A set top bit would make the number negative: mpints are two's complement.
  if (bytes.length > 0 && bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return wireString(bytes);
}

/** Number of significant bits of an mpint in `bytes[start, end)` (leading zero bytes ignored), as OpenSSH counts key sizes. */
export function mpintBitLength(bytes: Buffer, start = 0, end = bytes.length): number {
  while (start < end && bytes[start] === 0) start++;
  if (start === end) return 0;
  return (end - start - 1) * 8 + (32 - Math.clz32(bytes[start]));
}

/** True when `bytes[start, end)` are exactly the ASCII characters of `text`. */
export function bytesEqualText(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}
