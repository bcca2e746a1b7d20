// Starts the fake Lighthouse server by hand:
//   node out/test/clouds/lighthouse/fake/main.js [--port 9000]
// Prints its URL and the test credential it accepts (the fake CVM's: one Tencent Cloud account).

import { parseArgs } from 'node:util';
import { FAKE_TEST_CREDENTIAL, FakeLighthouse } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port ?? '') || port > 65535) throw new Error('--port needs a number between 0 and 65535');
  const fake = new FakeLighthouse({ port });
  const url = await fake.start();
  const admin = ['requests', 'faults', 'state', 'reset', 'options'].map((route) => `${url}/__admin/${route}`).join(', ');
  console.log([
    `Fake Tencent Cloud Lighthouse listening on ${url}`,
    `SecretId:  ${FAKE_TEST_CREDENTIAL.secretId}`,
    `SecretKey: ${FAKE_TEST_CREDENTIAL.secretKey}   (test credential of the fake)`,
    `Admin:     ${admin}`,
  ].join('\n'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void fake.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
