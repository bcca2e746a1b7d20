// Alibaba Cloud ECS key pair rules, free of any cloud code so the VS Code layer can validate
// names as the user types (the activation bundle may import this file).

/** ECS API version the provider and the fake speak. */
export const ECS_API_VERSION = '2014-05-26';
/** Largest page DescribeKeyPairs / DescribeInstances serve. */
export const ECS_PAGE_SIZE = 50;
/** DeleteKeyPairs takes at most 100 names. */
export const ECS_DELETE_BATCH = 100;
/** AttachKeyPair / DetachKeyPair take at most 50 instances. */
export const ECS_BIND_BATCH = 50;
/** Documented key pair quota per region. */
export const ECS_KEY_PAIRS_PER_REGION = 500;
/** Tag.N: at most 20 tags. */
export const ECS_MAX_TAGS = 20;
export const ECS_NAME_MIN = 2;
export const ECS_NAME_MAX = 128;

/** English templates of the key pair name problems (translated by the VS Code layer). */
export const ALIBABA_NAME_MESSAGES = {
  tooShort: 'At least {0} characters ({1} now).',
  tooLong: 'At most {0} characters ({1} now).',
  firstLetter: 'The name must start with a letter (not "{0}").',
  urlPrefix: 'The name must not start with "{0}".',
  illegalChar: 'Only letters, digits and the characters : _ - . are allowed (not "{0}").',
} as const;

export interface AlibabaNameProblem {
  template: string;
  args: Array<string | number>;
}

/**
 * Why ECS would refuse `name` as a KeyPairName, or undefined when it is valid: 2–128 characters,
 * starting with a letter (ASCII or another script: ECS says "a letter", its console accepts Chinese),
 * not `http://` or `https://`, and only letters, digits, `:`, `_`, `-` and `.`.
 */
export function alibabaKeyPairNameProblem(name: string): AlibabaNameProblem | undefined {
  const chars = [...name];
  if (chars.length < ECS_NAME_MIN) return { template: ALIBABA_NAME_MESSAGES.tooShort, args: [ECS_NAME_MIN, chars.length] };
  if (!/^\p{L}$/u.test(chars[0])) return { template: ALIBABA_NAME_MESSAGES.firstLetter, args: [chars[0]] };
  const url = /^https?:\/\//i.exec(name);
  if (url) return { template: ALIBABA_NAME_MESSAGES.urlPrefix, args: [url[0]] };
  const illegal = chars.find((c) => !/^[\p{L}\p{Nd}:_.-]$/u.test(c));
  if (illegal !== undefined) return { template: ALIBABA_NAME_MESSAGES.illegalChar, args: [illegal] };
  if (chars.length > ECS_NAME_MAX) return { template: ALIBABA_NAME_MESSAGES.tooLong, args: [ECS_NAME_MAX, chars.length] };
  return undefined;
}

/** A valid KeyPairName made from a file name or comment (never empty). */
export function sanitizeAlibabaKeyPairName(text: string): string {
  let name = text
    .replace(/\.pub$/i, '')
    .replace(/[^\p{L}\p{Nd}:_.-]+/gu, '_')
    .replace(/^[^\p{L}]+/u, '');
  if (/^https?:/i.test(name)) name = `key_${name}`;
  name = [...name].slice(0, ECS_NAME_MAX).join('');
  return [...name].length >= ECS_NAME_MIN ? name : `ssh_key${name ? `_${name}` : ''}`;
}
