// What is checked about a private key a cloud's CreateKeyPair returned, after it has been saved
// (never before: it is the only copy). The public key file is derived from the private key
// itself, never from the cloud's PublicKey text, so the pair on disk always matches.

import { parseKeyText } from '../keys/parse';
import type { CreatedKeyPair } from './provider';

/** A problem with the saved key, as an English template with {0} placeholders (callers translate). */
export interface CreatedKeyProblem {
  code: 'PrivateKeyUnreadable' | 'PublicKeyMismatch';
  template: string;
  args: string[];
}

export interface CreatedKeyCheck {
  /** `type base64` of the private key's own public half; undefined when the key could not be read. */
  publicBlobLine?: string;
  sha256?: string;
  problem?: CreatedKeyProblem;
}

/** Reads the saved private key: its public half, and whether it is the key pair the cloud holds. */
export function checkCreatedPrivateKey(created: CreatedKeyPair, cloudName: string, savedAt: string): CreatedKeyCheck {
  let derived;
  try {
    derived = parseKeyText(created.privateKey, 'auto').keys.find((f) => f.kind === 'private' && f.blobBase64 && f.openssh);
  } catch {
    derived = undefined; // a parser failure on hostile text is the same as "not a key"
  }
  if (!derived?.openssh || !derived.blobBase64) {
    return {
      problem: {
        code: 'PrivateKeyUnreadable',
        template:
          'The PrivateKey in {0}\'s answer is not a private key this tool can read. It was saved exactly as received at {1} (mode 0600), in case it is one: check it with ssh-keygen -y -f {1}. If it is not a key, delete the key pair and create it again.',
        args: [cloudName, savedAt],
      },
    };
  }
  const publicBlobLine = derived.openssh.split(' ').slice(0, 2).join(' ');
  const check: CreatedKeyCheck = { publicBlobLine, sha256: derived.sha256 };
  if (created.keyPair.blobBase64 && created.keyPair.blobBase64 !== derived.blobBase64) {
    check.problem = {
      code: 'PublicKeyMismatch',
      template:
        'The public key {0} holds for this key pair is not the public half of the private key it returned, so the saved key ({1}) may not open the servers this key pair is bound to. {1}.pub holds the private key\'s own public half. Check the key pair in the {0} console before using it.',
      args: [cloudName, savedAt],
    };
  }
  return check;
}
