// The fake ECS as a sandbox (test/fakes/sandbox.ts): for npm start, npm run sandbox and the harness.
import type { CloudSandbox } from '../../../fakes/sandbox';
import { ECS_ADDRESS_BLOCK } from './state';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from './server';

export const SANDBOX: CloudSandbox = {
  cloud: 'alibaba',
  name: 'Alibaba Cloud',
  service: 'Alibaba Cloud ECS',
  endpointSetting: 'cloudSshKeys.alibaba.endpoint',
  testSettings: (url) => ({ 'cloudSshKeys.alibaba.endpoint': url, 'cloudSshKeys.alibaba.regions': ['cn-hangzhou'] }),
  credentialVariables: ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
  clearVariables: ['ALIBABA_CLOUD_SECURITY_TOKEN'],
  testCredentialInEnvironment: false,
  testUrlVariable: 'CLOUD_SSH_KEYS_TEST_ECS_URL',
  async start({ port = 0, addressOffset = 0, loginUser } = {}) {
    const fake = new FakeAlibabaEcs({ port, addressBlock: ECS_ADDRESS_BLOCK + addressOffset, loginUser: loginUser as 'root' | 'ecs-user' | undefined });
    const url = await fake.start();
    const { accessKeyId, accessKeySecret } = FAKE_ECS_ACCESS_KEY;
    return {
      url,
      fake,
      hosts: fake,
      credential: { accessKeyId, accessKeySecret },
      env: { ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret },
      banner: [
        `SANDBOX: a fake Alibaba Cloud ECS API on this machine (ACS3-HMAC-SHA256 signatures checked).`,
        ``,
        `  URL:               ${url}`,
        `  AccessKey ID:      ${accessKeyId}`,
        `  AccessKey secret:  ${accessKeySecret}   (the fake's test key, not a secret)`,
        ``,
        `  export ALIBABA_CLOUD_ACCESS_KEY_ID=${accessKeyId}`,
        `  export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${accessKeySecret}`,
        `  node {cli} alibaba import ~/.ssh/id_rsa.pub --name my-key --region cn-hangzhou --endpoint ${url}`,
        `  node {cli} alibaba list --region cn-hangzhou --endpoint ${url}`,
        ``,
        `  What it received: ${url}/__admin/requests   state: ${url}/__admin/state`,
        `  Instances (loopback addresses, login users, accepted keys): ${url}/__admin/hosts`,
      ],
      stop: () => fake.stop(),
    };
  },
};
