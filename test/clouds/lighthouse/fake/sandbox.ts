// The fake Lighthouse as a sandbox (test/fakes/sandbox.ts): for npm start, npm run sandbox and the harness.
// The same Tencent Cloud account as CVM: the same test API key and environment variables.
import type { CloudSandbox } from '../../../fakes/sandbox';
import { LIGHTHOUSE_ADDRESS_BLOCK } from './state';
import { FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, FakeLighthouse } from './server';

export const SANDBOX: CloudSandbox = {
  cloud: 'lighthouse',
  name: 'Tencent Cloud',
  service: 'Tencent Cloud Lighthouse',
  endpointSetting: 'cloudSshKeys.lighthouse.endpoint',
  testSettings: (url) => ({ 'cloudSshKeys.lighthouse.endpoint': url, 'cloudSshKeys.lighthouse.regions': ['ap-guangzhou', 'ap-shanghai'] }),
  credentialVariables: ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY'],
  clearVariables: ['TENCENTCLOUD_SESSION_TOKEN'],
  testCredentialInEnvironment: true,
  testUrlVariable: 'CLOUD_SSH_KEYS_TEST_LIGHTHOUSE_URL',
  async start({ port = 0, addressOffset = 0, loginUser } = {}) {
    const fake = new FakeLighthouse({ port, addressBlock: LIGHTHOUSE_ADDRESS_BLOCK + addressOffset, loginUser: loginUser as 'root' | 'ubuntu' | undefined, credentials: [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }] });
    const url = await fake.start();
    const { secretId, secretKey } = FAKE_TEST_CREDENTIAL;
    return {
      url,
      fake,
      hosts: fake,
      credential: { secretId, secretKey },
      env: { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey },
      banner: [
        `SANDBOX: a fake Tencent Cloud Lighthouse API on this machine (TC3-HMAC-SHA256 signatures checked;`,
        `the same test API key as the fake CVM; key pairs are account-wide, RSA only as documented).`,
        ``,
        `  URL:        ${url}`,
        ``,
        `  node {cli} lighthouse import ~/.ssh/id_rsa.pub --name my_key --endpoint ${url}`,
        `  node {cli} lighthouse list --endpoint ${url}`,
        ``,
        `  What it received: ${url}/__admin/requests   state: ${url}/__admin/state`,
        `  Instances (loopback addresses, login users, accepted keys): ${url}/__admin/hosts`,
      ],
      stop: () => fake.stop(),
    };
  },
};
