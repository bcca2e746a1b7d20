// Entry point of dist/cloud-commands.js: the provider-neutral cloud flows, bundled apart from
// dist/extension.js (which stays small) and loaded when a cloud command first runs.
export { bindCloudKeyPair } from './bindCloudKeyPair';
export { copyCloudKeyId, copyCloudPublicKey, saveCloudPublicKey } from './copyCloudKeyPair';
export { createCloudKeyPair } from './createCloudKeyPair';
export { deleteCloudKeyPair } from './deleteCloudKeyPair';
export { editCloudKeyPairDescription, renameCloudKeyPair } from './editCloudKeyPair';
export { importKeyPair } from './importKeyPair';
export { setCloudCredentials, signOutOfCloud } from './setCloudCredentials';
