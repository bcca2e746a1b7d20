// Entry point of dist/cloud-commands.js: the provider-neutral cloud flows, bundled apart from
// dist/extension.js (which stays small) and loaded when a cloud command first runs.
export { bindCloudKeyPair } from './bind-cloud-key-pair';
export { connectToInstance } from './connect-to-instance';
export { copySshCommand } from './copy-ssh-command';
export { openRemoteSshWindow } from './open-remote-ssh-window';
export { openSshTerminal } from './open-ssh-terminal';
export { copyCloudKeyId, copyCloudPublicKey, saveCloudPublicKey } from './copy-cloud-key-pair';
export { createCloudKeyPair } from './create-cloud-key-pair';
export { deleteCloudKeyPair } from './delete-cloud-key-pair';
export { editCloudKeyPairDescription, renameCloudKeyPair } from './edit-cloud-key-pair';
export { importKeyPair } from './import-key-pair';
export { addCloudAccount, setCloudCredentials, signOutOfCloud } from './set-cloud-credentials';
export { rotateKeyPair } from './rotate-key-pair';
export { DEFAULT_MAX_KEY_AGE_DAYS, auditKeys, countByKind } from '../cloud/audit';
