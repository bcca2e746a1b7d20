// The key model shared by the parser, the scanner, the CLI and the editor features.
// Pure data: nothing here touches the file system or `vscode`.

/** How bad a problem is: `error` = a cloud would reject it or it leaks a secret. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One thing wrong (or worth knowing) about a key text, with the exact range it concerns.
 * Lines and columns are 0-based and count UTF-16 code units (as VS Code's `Position` does);
 * the CLI adds 1 when it prints them. `endColumn` is exclusive.
 */
export interface Problem {
  /** Stable identifier of the cause, e.g. `unknown-type`, `bad-base64`; quick fixes key on it. */
  code: string;
  severity: Severity;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** English text with `{0}`, `{1}` placeholders; the VS Code layer translates it with `vscode.l10n.t`. */
  template: string;
  args: Array<string | number>;
  /** `template` with `args` filled in (English), for the CLI and logs. */
  message: string;
}

/** What a text holds. A certificate is an OpenSSH certificate (`*-cert-v01@openssh.com`). */
export type KeyKind = 'public' | 'private' | 'certificate';

/** The encoding a key was found in. */
export type KeyFormat =
  | 'openssh' // one-line `type base64 comment` (public keys, certificates)
  | 'rfc4716' // ---- BEGIN SSH2 PUBLIC KEY ----
  | 'spki-pem' // -----BEGIN PUBLIC KEY----- (PKCS#8 / SubjectPublicKeyInfo)
  | 'pkcs1-pem' // -----BEGIN RSA PUBLIC KEY----- / -----BEGIN RSA PRIVATE KEY----- / EC / DSA
  | 'openssh-private' // -----BEGIN OPENSSH PRIVATE KEY-----
  | 'pkcs8' // -----BEGIN PRIVATE KEY-----
  | 'pkcs8-encrypted' // -----BEGIN ENCRYPTED PRIVATE KEY-----
  | 'putty'; // PuTTY-User-Key-File-2/3 (.ppk), a private key file whose public half is readable

/** What an OpenSSH certificate says (`ssh-keygen -L`). */
export interface CertificateFacts {
  certType: 'user' | 'host' | 'unknown';
  serial: string;
  keyId: string;
  /** Empty = valid for any principal. */
  principals: string[];
  /** ISO 8601 time; undefined = valid from the beginning of time. */
  validAfter?: string;
  /** ISO 8601 time; undefined = valid forever. */
  validBefore?: string;
  /** Type and SHA256 fingerprint of the CA key that signed it. */
  caType: string;
  caSha256: string;
}

/** Everything we know about one key. Fingerprints are of the public key blob (for a certificate: the certified key's, as ssh-keygen prints). */
export interface KeyFacts {
  kind: KeyKind;
  format: KeyFormat;
  /**
   * OpenSSH type name: `ssh-ed25519`, `sk-ecdsa-sha2-nistp256@openssh.com`, `ssh-rsa-cert-v01@openssh.com`, …
   * Empty when it cannot be known without the passphrase (encrypted PKCS#8, encrypted legacy EC PEM).
   */
  type: string;
  /** For a certificate: the certified key's type (`ssh-ed25519`); otherwise equal to `type`. */
  keyType: string;
  /** Key size as `ssh-keygen -l` prints it. Undefined only when the key could not be read (encrypted PEM without passphrase). */
  bits?: number;
  comment: string;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -l -E sha256`. */
  sha256?: string;
  /** `MD5:` + colon-separated hex, as `ssh-keygen -l -E md5`. */
  md5?: string;
  /** The public key as one normalized OpenSSH line `type base64 [comment]` (for a certificate, the certificate line). */
  openssh?: string;
  /** Base64 of the public key blob (the certified key's for a certificate): compare keys by this, never by strings. */
  blobBase64?: string;
  /** Private keys: protected by a passphrase. */
  encrypted?: boolean;
  /** 0-based lines the key spans in the text (inclusive). */
  line: number;
  endLine: number;
  /** `authorized_keys` options prefix, when present (`from="…",no-pty`). */
  options?: string;
  /** Certificates: what the certificate says. */
  certificate?: CertificateFacts;
}

/** How the text is meant to be used, which decides what counts as an error. */
export type KeyTextRole =
  | 'public' // a `.pub` file: one public key (or certificate); a private key here is an error
  | 'authorized_keys' // many lines, options prefixes allowed, comments (#) allowed
  | 'auto'; // anything: private keys are fine (scanning, `inspect` of a non-.pub file)

/** The result of parsing a text. Never throws: failures are `problems`. */
export interface ParsedKeyText {
  keys: KeyFacts[];
  problems: Problem[];
}
