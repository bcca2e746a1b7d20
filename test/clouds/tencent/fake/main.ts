// Starts the fake CVM server by hand:
//   node out/test/clouds/tencent/fake/main.js [--port 9000]
// Prints its URL and the test credentials it accepts (fake ones, never real secrets).

import { FAKE_OTHER_ACCOUNT_CREDENTIAL, FAKE_TEST_CREDENTIAL, FakeTencentCvm } from './server';

function portArgument(argv: string[]): number {
  const index = argv.indexOf('--port');
  if (index < 0) return 0;
  const port = Number(argv[index + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('--port needs a number between 0 and 65535');
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const fake = new FakeTencentCvm({ port: portArgument(process.argv.slice(2)) });
  const url = await fake.start();
  console.log(`Fake Tencent CVM listening on ${url}`);
  console.log(`SecretId:  ${FAKE_TEST_CREDENTIAL.secretId}`);
  console.log(`SecretKey: ${FAKE_TEST_CREDENTIAL.secretKey}   (test credential of the fake)`);
  console.log(`Another account (${FAKE_OTHER_ACCOUNT_CREDENTIAL.ownerUin}): ${FAKE_OTHER_ACCOUNT_CREDENTIAL.secretId} / ${FAKE_OTHER_ACCOUNT_CREDENTIAL.secretKey}`);
  console.log(`Admin:     ${url}/__admin/requests, ${url}/__admin/faults, ${url}/__admin/state, ${url}/__admin/reset`);
  const stop = () => {
    fake.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
