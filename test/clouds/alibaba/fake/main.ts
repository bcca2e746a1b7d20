// Starts the fake ECS server by hand:
//   node out/test/clouds/alibaba/fake/main.js [--port 9001]
// Prints its URL and the test AccessKey pair it accepts (a fake one, never a real secret).

import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from './server';

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
  const fake = new FakeAlibabaEcs({ port: portArgument(process.argv.slice(2)) });
  const url = await fake.start();
  console.log(`Fake Alibaba Cloud ECS listening on ${url}`);
  console.log(`AccessKey ID:     ${FAKE_ECS_ACCESS_KEY.accessKeyId}`);
  console.log(`AccessKey secret: ${FAKE_ECS_ACCESS_KEY.accessKeySecret}   (test key of the fake)`);
  console.log(`Admin:            ${url}/__admin/requests, ${url}/__admin/faults, ${url}/__admin/state, ${url}/__admin/reset`);
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
