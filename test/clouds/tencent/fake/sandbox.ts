// The fake CVM as a sandbox (test/fakes/sandbox.ts): for npm start, npm run sandbox and the harness.
import type { CloudSandbox } from '../../../fakes/sandbox';
import { CVM_ADDRESS_BLOCK } from './state';
import { FAKE_OTHER_ACCOUNT_CREDENTIAL, FAKE_SECOND_CREDENTIAL, FAKE_TEST_CREDENTIAL, FakeTencentCvm } from './server';

export const SANDBOX: CloudSandbox = {
  cloud: 'tencent',
  name: 'Tencent Cloud',
  service: 'Tencent Cloud CVM',
  endpointSetting: 'cloudSshKeys.tencent.endpoint',
  testSettings: (url) => ({ 'cloudSshKeys.tencent.endpoint': url, 'cloudSshKeys.tencent.regions': ['ap-guangzhou', 'ap-shanghai'] }),
  credentialVariables: ['TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRET_KEY'],
  clearVariables: ['TENCENTCLOUD_SESSION_TOKEN'],
  testCredentialInEnvironment: true,
  testUrlVariable: 'CLOUD_SSH_KEYS_TEST_CVM_URL',
  async start({ port = 0, addressOffset = 0, loginUser } = {}) {
    // Two API keys of one account, so that a suite can rotate the credentials mid-operation, and one of another account.
    const credentials = [{ ...FAKE_TEST_CREDENTIAL }, { ...FAKE_SECOND_CREDENTIAL }, { ...FAKE_OTHER_ACCOUNT_CREDENTIAL }];
    const fake = new FakeTencentCvm({ port, addressBlock: CVM_ADDRESS_BLOCK + addressOffset, loginUser, credentials });
    const url = await fake.start();
    const { secretId, secretKey } = FAKE_TEST_CREDENTIAL;
    return {
      url,
      fake,
      hosts: fake,
      credential: { secretId, secretKey },
      env: { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey },
      banner: [
        `SANDBOX: a fake Tencent Cloud CVM API on this machine (TC3-HMAC-SHA256 signatures checked).`,
        ``,
        `  URL:        ${url}`,
        `  SecretId:   ${secretId}`,
        `  SecretKey:  ${secretKey}   (the fake's test credential, not a secret)`,
        ``,
        `  export TENCENTCLOUD_SECRET_ID=${secretId}`,
        `  export TENCENTCLOUD_SECRET_KEY=${secretKey}`,
        `  node {cli} tencent import ~/.ssh/id_rsa.pub --name my_key --region ap-guangzhou --endpoint ${url}`,
        `  node {cli} tencent list --region ap-guangzhou --endpoint ${url}`,
        ``,
        `  What it received: ${url}/__admin/requests   state: ${url}/__admin/state`,
        `  Instances (loopback addresses, login users, accepted keys): ${url}/__admin/hosts`,
      ],
      stop: () => fake.stop(),
    };
  },
};
