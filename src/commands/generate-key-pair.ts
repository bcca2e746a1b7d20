import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateKeyPair as generateKeys } from '../keys/generate';
import type { Config, GenerateKeyType } from '../platform/config';
import type { UserInput } from '../platform/user-input';
import type { LocalKeysProvider } from '../views/local-keys-view';

export interface GenerateRequest {
  type: GenerateKeyType;
  name: string;
  comment: string;
  passphrase: string;
  directory: string;
}

const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** Why `name` cannot be used for a new key in `directory`, or undefined when it can. */
export function keyFileNameProblem(directory: string, name: string): string | undefined {
  if (!name) return vscode.l10n.t('Enter a file name.');
  // Said apart from the character rule: `.hidden` uses only allowed characters, so that message would puzzle.
  if (/^\.[A-Za-z0-9._@+-]*$/.test(name)) {
    return vscode.l10n.t('A name cannot start with a dot: that makes a hidden file, which file managers and ls do not show, so the key would be easy to lose or overlook. Start with a letter or digit.');
  }
  if (/^[_@+-][A-Za-z0-9._@+-]*$/.test(name)) return vscode.l10n.t('Start the name with a letter or digit (a leading - would be read as an option).');
  if (!KEY_NAME_PATTERN.test(name) || name.endsWith('.pub')) {
    return vscode.l10n.t('Use letters, digits and . _ @ + - only, without a folder and without .pub.');
  }
  for (const file of [name, `${name}.pub`]) {
    if (fs.existsSync(path.join(directory, file))) return vscode.l10n.t('{0} already exists; choose another name.', file);
  }
  return undefined;
}

function suggestName(directory: string, type: GenerateKeyType): string {
  const base = `id_${type.split('-')[0]}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}_${n}`;
    if (!fs.existsSync(path.join(directory, name)) && !fs.existsSync(path.join(directory, `${name}.pub`))) return name;
  }
}

async function askForRequest(ui: UserInput, config: Config, directory: string): Promise<GenerateRequest | undefined> {
  const defaultType = config.generateDefaultType;
  const types: Array<{ label: string; description?: string; type: GenerateKeyType }> = [
    { label: 'ED25519', description: vscode.l10n.t('recommended: small, fast, widely supported'), type: 'ed25519' },
    { label: 'RSA 3072', description: vscode.l10n.t('for servers and clouds that accept only RSA'), type: 'rsa-3072' },
    { label: 'RSA 4096', type: 'rsa-4096' },
    { label: 'ECDSA P-256', type: 'ecdsa-256' },
    { label: 'ECDSA P-384', type: 'ecdsa-384' },
    { label: 'ECDSA P-521', type: 'ecdsa-521' },
  ];
  types.sort((a, b) => Number(b.type === defaultType) - Number(a.type === defaultType));
  const picked = await ui.showQuickPick(types, { title: vscode.l10n.t('Generate New Key Pair (1/4): key type') });
  if (!picked) return undefined;
  const name = await ui.showInputBox({
    title: vscode.l10n.t('Generate New Key Pair (2/4): file name in {0}', directory),
    value: suggestName(directory, picked.type),
    validateInput: (value) => keyFileNameProblem(directory, value.trim()),
  });
  if (name === undefined) return undefined;
  const secured = await askCommentAndPassphrase(ui, {
    comment: vscode.l10n.t('Generate New Key Pair (3/4): comment'),
    passphrase: vscode.l10n.t('Generate New Key Pair (4/4): passphrase'),
    repeat: vscode.l10n.t('Generate New Key Pair: repeat the passphrase'),
  });
  if (!secured) return undefined;
  return { type: picked.type, name: name.trim(), ...secured, directory };
}

/** The comment (default user@host) and an optional passphrase, typed twice: for every key generated here. */
export async function askCommentAndPassphrase(
  ui: UserInput,
  titles: { comment: string; passphrase: string; repeat: string },
): Promise<{ comment: string; passphrase: string } | undefined> {
  const comment = await ui.showInputBox({
    title: titles.comment,
    value: `${os.userInfo().username}@${os.hostname()}`,
    prompt: vscode.l10n.t('Stored in the public key; usually user@host. It helps you recognize the key later.'),
    ignoreFocusOut: true,
  });
  if (comment === undefined) return undefined;
  const passphrase = await ui.showInputBox({
    title: titles.passphrase,
    prompt: vscode.l10n.t('Protects the private key on disk. Leave empty for none.'),
    password: true,
    ignoreFocusOut: true,
  });
  if (passphrase === undefined) return undefined;
  if (passphrase) {
    const again = await ui.showInputBox({
      title: titles.repeat,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value === passphrase ? undefined : vscode.l10n.t('The passphrases do not match.')),
    });
    if (again === undefined) return undefined;
  }
  return { comment: comment.trim(), passphrase };
}

/** Writes a new file, failing (never overwriting) if it exists. */
async function writeNewFile(file: string, content: string, mode: number): Promise<void> {
  await fs.promises.writeFile(file, content, { flag: 'wx', mode });
  await fs.promises.chmod(file, mode); // the umask may have widened or narrowed it
}

export interface GenerateServices {
  ui: UserInput;
  config: Config;
  localKeys: LocalKeysProvider;
  log: vscode.LogOutputChannel;
}

/**
 * Generates a key pair on this machine and writes `name` (0600) and `name.pub` (0644) to the
 * first SSH folder. Never overwrites a file.
 */
export async function generateKeyPair({ ui, config, localKeys: provider, log }: GenerateServices): Promise<{ privateKeyPath: string; publicKeyPath: string; sha256: string } | undefined> {
  const directory = config.sshDirectories[0];
  if (!directory) {
    void ui.showErrorMessage(vscode.l10n.t('No SSH folder is configured (setting cloudSshKeys.sshDirectories).'));
    return undefined;
  }
  const request = await askForRequest(ui, config, directory);
  if (!request) return undefined;
  const [algorithm, size] = request.type.split('-') as ['ed25519' | 'rsa' | 'ecdsa', string | undefined];
  const privateKeyPath = path.join(directory, request.name);
  const publicKeyPath = `${privateKeyPath}.pub`;
  try {
    const generated = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating {0} key pair…', request.type.toUpperCase()) },
      async () => {
        const keys = await generateKeys({
          type: algorithm,
          bits: size ? Number(size) : undefined,
          comment: request.comment,
          passphrase: request.passphrase || undefined,
        });
        // ~/.ssh must not be readable by others either; create it as ssh-keygen does.
        await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
        await writeNewFile(privateKeyPath, keys.privateKey, 0o600);
        await writeNewFile(publicKeyPath, keys.publicKey, 0o644);
        return keys;
      },
    );
    const sha256 = generated.facts.sha256 ?? '';
    log.info(`Generated ${request.type} key pair ${privateKeyPath} (${sha256})`);
    await provider.refresh();
    const copy = vscode.l10n.t('Copy Public Key');
    void ui
      .showInformationMessage(vscode.l10n.t('Created {0} and {1}.pub ({2}).', privateKeyPath, request.name, sha256), copy)
      .then((choice) => (choice === copy ? vscode.env.clipboard.writeText(generated.publicKey.trim()) : undefined));
    return { privateKeyPath, publicKeyPath, sha256 };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EEXIST' ? vscode.l10n.t('the file appeared while generating; nothing was overwritten') : String((err as Error).message ?? err);
    log.error(`Generating ${privateKeyPath} failed: ${reason}`);
    void ui.showErrorMessage(vscode.l10n.t('Generating the key pair failed: {0}', reason));
    return undefined;
  }
}
