// The trust boundary: every field of a cloud's answer is read through these checks before any
// other code sees it (types, lengths, the documented ID patterns). What fails is a
// MalformedField naming the field; the provider turns it into a `MalformedResponse` CloudError.
// Names and descriptions are checked for type and length only (shown escaped, never used as
// paths); IDs must match their documented pattern, because they end up in commands and files.

import { isIP } from 'node:net';
import { CloudError, type CloudIdentity } from './errors';

/** A field of an answer that is missing, of the wrong type, too long or off its pattern. */
export class MalformedField extends Error {
  override readonly name = 'MalformedField';
  constructor(
    /** Where in the answer: `KeyPairSet[3].KeyId`. */
    readonly field: string,
    /** What is wrong, in words: `is 12, not a string`. */
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

export interface TextRule {
  /** Longest accepted value, in UTF-16 units. */
  max: number;
  /** The documented pattern (anchored), for IDs. */
  pattern?: RegExp;
  /** The pattern in words, for the message: `skey- and 8 lowercase letters or digits`. */
  patternName?: string;
  /** Missing (undefined or null) reads as undefined instead of failing. */
  optional?: boolean;
}

/** How a bad value is quoted in a message: short, and only printable ASCII. */
function quoted(value: unknown): string {
  if (typeof value !== 'string') {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 40 ? `${json.slice(0, 40)}…` : json;
  }
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `"${shown.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

export function readText(value: unknown, field: string, rule: TextRule & { optional: true }): string | undefined;
export function readText(value: unknown, field: string, rule: TextRule): string;
/** A string field: its type, length and (for IDs) pattern. */
export function readText(value: unknown, field: string, rule: TextRule): string | undefined {
  if (value === undefined || value === null) {
    if (rule.optional) return undefined;
    throw new MalformedField(field, 'is missing');
  }
  if (typeof value !== 'string') throw new MalformedField(field, `is ${typeOf(value)} ${quoted(value)}, not text`);
  // An id is judged by its pattern (which bounds its length too), so the message can show it.
  if (rule.pattern && !(value.length <= rule.max && rule.pattern.test(value))) {
    throw new MalformedField(field, `is ${quoted(value)}, not ${rule.patternName ?? 'of the documented form'}`);
  }
  if (value.length > rule.max) throw new MalformedField(field, `is ${value.length} characters long, more than the ${rule.max} allowed`);
  return value;
}

/** A whole number in [min, max]; numeric strings count (some APIs send ids as strings). */
export function readInteger(value: unknown, field: string, range: { min: number; max: number; optional?: boolean }): number | undefined {
  if (value === undefined || value === null) {
    if (range.optional) return undefined;
    throw new MalformedField(field, 'is missing');
  }
  const number = typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new MalformedField(field, `is ${typeOf(value)} ${quoted(value)}, not a whole number`);
  if (number < range.min || number > range.max) throw new MalformedField(field, `is ${number}, outside ${range.min}–${range.max}`);
  return number;
}

/** A list (missing reads as empty) of at most `max` items, each read by `item`. */
export function readList<T>(value: unknown, field: string, max: number, item: (value: unknown, field: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedField(field, `is ${typeOf(value)}, not a list`);
  if (value.length > max) throw new MalformedField(field, `has ${value.length} items, more than the ${max} expected`);
  return value.map((v, i) => item(v, `${field}[${i}]`));
}

/** An object (missing reads as `{}` when optional). */
export function readObject(value: unknown, field: string, optional = false): Record<string, unknown> {
  if ((value === undefined || value === null) && optional) return {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new MalformedField(field, `is ${typeOf(value)}, not an object`);
  return value as Record<string, unknown>;
}

/**
 * Runs `read`; a MalformedField comes back as `{ malformed }` instead of being thrown, for an
 * answer that must be used in part (CreateKeyPair's private key, whatever else is wrong).
 */
export function readOrMalformed<T>(read: () => T): { value: T; malformed?: undefined } | { value?: undefined; malformed: MalformedField } {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof MalformedField) return { malformed: error };
    throw error;
  }
}

/** Runs `read`, turning a MalformedField into the provider's MalformedResponse CloudError. */
export function readAnswer<T>(cloud: CloudIdentity, action: string, requestId: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof MalformedField) throw malformedResponse(cloud, action, error, requestId);
    throw error;
  }
}

/**
 * The error for an answer that failed validation. Reads (Describe*) changed nothing; for a write,
 * the cloud said it succeeded but what it answered cannot be used, so the caller decides what that
 * means (an import is looked up; a created private key is saved first).
 */
export function malformedResponse(cloud: CloudIdentity, action: string, field: MalformedField, requestId = ''): CloudError {
  return new CloudError({
    provider: cloud.id,
    kind: 'api',
    code: 'MalformedResponse',
    template:
      '{0} answered {1} with a malformed field: {2} {3}. If this persists, check the endpoint setting (it may not point at {0}) and any proxy in between.',
    args: [cloud.displayName, action, field.field, field.problem],
    requestId,
    action,
  });
}

// ---- Shared rules --------------------------------------------------------------------------

/** Key pair and instance names, descriptions: shown (escaped), never used as paths. */
export const NAME: TextRule = { max: 256 };
export const DESCRIPTION: TextRule = { max: 4096 };
/** An OpenSSH public key line: RSA 16384 is about 2.8 KB, certificates more. */
export const PUBLIC_KEY_TEXT: TextRule = { max: 32 * 1024 };
/** A PEM private key (RSA 16384 is about 12.5 KB). */
export const PRIVATE_KEY_TEXT: TextRule = { max: 64 * 1024 };
export const TIME_TEXT: TextRule = { max: 64 };
export const REGION_ID: TextRule = { max: 64, pattern: /^[a-z]{2,}(-[a-z0-9]+)+$/, patternName: 'a region id such as ap-guangzhou' };
/** Page totals: more than any account holds, small enough that a hostile total cannot spin forever. */
export const TOTAL_COUNT = { min: 0, max: 1_000_000 };

/** A RequestId to quote in messages, or '' when the answer's is not one (it is only ever shown). */
export function requestIdOf(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9-]{1,128}$/.test(value) ? value : '';
}

// ---- What connecting to an instance needs --------------------------------------------------
// Addresses and the login user end up on an ssh command line: they must be exactly an address
// and exactly a user name, never text that a shell or ssh could read as an option or a command.

/** The longest textual IP address: IPv6 with an embedded IPv4, 45 characters. */
const IP_TEXT_MAX = 45;
/** More addresses than one instance's primary interface carries; a bound on what a hostile list can make us hold. */
export const MAX_INSTANCE_ADDRESSES = 64;

/**
 * One IP address: it must pass node:net isIP and hold only hex digits, `.` and `:`, so no zone
 * (`%eth0`), space, newline or option can ride along (`1.2.3.4 -oProxyCommand=…` fails).
 */
export function readIpAddress(value: unknown, field: string): string {
  const text = readText(value, field, { max: IP_TEXT_MAX });
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || isIP(text) === 0) throw new MalformedField(field, `is ${quoted(text)}, not an IP address`);
  return text;
}

/**
 * A list of IP addresses (missing reads as empty), each read by readIpAddress; empty strings are
 * skipped (no address, nothing to use) and repeats kept once, in the cloud's order.
 */
export function readIpAddressList(value: unknown, field: string, max = MAX_INSTANCE_ADDRESSES): string[] {
  const read = readList(value, field, max, (v, f) => (v === '' ? undefined : readIpAddress(v, f)));
  return [...new Set(read.filter((ip): ip is string => ip !== undefined))];
}

/**
 * A login user name, conservatively POSIX: a letter or `_` first, then letters, digits, `_`, `.`
 * and `-`, at most 32 (useradd's limit). Upper case is allowed for Windows' `Administrator`.
 */
export const LOGIN_USER: TextRule = {
  max: 32,
  pattern: /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/,
  patternName: 'a user name (a letter or _ first, then letters, digits, _ . or -, at most 32)',
};

/** The login user a cloud reports, or undefined when it reports none (missing, null or ''). */
export function readLoginUser(value: unknown, field: string): string | undefined {
  return readText(value === '' ? undefined : value, field, { ...LOGIN_USER, optional: true });
}

/** A TCP port a cloud reports for logins, 1–65535, or undefined when it reports none. */
export function readLoginPort(value: unknown, field: string): number | undefined {
  return readInteger(value, field, { min: 1, max: 65535, optional: true });
}

/** An image id (CVM `img-…`, ECS `ubuntu_22_04_x64_20G_alibase_….vhd` or `m-…`, Lighthouse `lhbp-…`): shown and compared, never a path. */
export const IMAGE_ID: TextRule = {
  max: 128,
  pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
  patternName: 'an image id (letters, digits and . _ : -)',
};

/** A true/false field; APIs of the RPC style send booleans as `"true"`/`"false"` too. Missing reads as undefined. */
export function readFlag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new MalformedField(field, `is ${typeOf(value)} ${quoted(value)}, neither true nor false`);
}
