// The instance contract: what every cloud's provider reads about an instance for connecting to it
// (addresses, login user and port, image) through its answer validation, hostile values included;
// DescribeInstances paged with the documented maximum; and what every fake tells an sshd harness
// (test/fakes/instance-hosts.ts): loopback listen addresses of its own block, and the keys each
// instance accepts after a bind, a rebind (which replaces) and an unbind. Written once; each cloud's
// test/clouds/<cloud>/unit/instances.test.ts runs it with a harness for its provider and fake.
import * as assert from 'node:assert/strict';
import type { CloudKeyProvider, DefaultLoginUserRule } from '../../src/cloud/provider';
import { CloudError } from '../../src/cloud/errors';
import type { FakeCloudServer } from '../fakes/fake-http';
import { type FakeInstanceHost, isLoopbackAddress } from '../fakes/instance-hosts';

type FakeServer = FakeCloudServer<{ action?: string; errorCode?: string; params?: unknown }> & { reset(): void };

export interface InstanceContractHarness {
  /** For the test titles (`Tencent Cloud CVM`). */
  cloud: string;
  /** The region of the fake's default instances. */
  region: string;
  /** A fresh fake with its default instances (the contract starts and stops it). */
  newFake(): FakeServer;
  /** A provider for the fake at `url`, with fast retries. */
  provider(url: string): CloudKeyProvider;
  /** A new public key line of a type the cloud imports (made by ssh-keygen). */
  newPublicKey(label: string): string;
  /** A key pair name the cloud accepts, made from `base` (letters and digits). */
  keyName(base: string): string;
  /** The fake's loopback block: public addresses 127.0.<block>.n, private 127.1.<block>.n. */
  addressBlock: number;
  /** The cloud's login user rule (its descriptor's defaultLoginUser). */
  defaultLoginUser: DefaultLoginUserRule;
  /** The first instance DescribeInstances lists: as a rewrite path of the answer, and as a MalformedResponse names it. */
  firstInstance: { path: string; field: string; id: string; loginUser: string; loginPort?: number };
  /** Where, under an Instance, the fields connecting reads are: the address lists, the image, and the login user and port where the cloud reports them. */
  fields: { publicIps: string; privateIps: string; imageId: string; loginUser?: string; loginPort?: string };
  /** A stopped Linux instance of the defaults, to bind keys to. */
  stoppedLinuxInstance: string;
  /** For a cloud whose bindings reach the OS only at the next start or restart (ECS): makes that happen. */
  applyBinding?(fake: FakeServer, instanceId: string): Promise<void>;
  /** Adds `count` instances to the region. */
  seedInstances(fake: FakeServer, count: number): void;
  /** The paging parameters each DescribeInstances request carried, and the one that asks for the documented largest page. */
  pagingOf(fake: FakeServer): Array<Record<string, unknown>>;
  fullPage: Record<string, unknown>;
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(new URL(path, url), { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The base64 key blob of a public key line: the fakes keep the line without its comment. */
const blob = (line: string) => line.split(/\s+/)[1];

export function describeInstanceContract(harness: InstanceContractHarness): void {
  describe(`instance contract: ${harness.cloud} against its fake`, function () {
    this.timeout(60_000);
    let fake: FakeServer;
    let url: string;
    const { region, firstInstance } = harness;
    const field = (name: string) => `${firstInstance.field}.${name}`;
    const rewrite = (set: Record<string, unknown>) => fake.faults.add({ fault: { kind: 'rewrite', set }, action: 'DescribeInstances', times: 1 });
    const first = async () => (await harness.provider(url).listInstances({ region })).find((i) => i.id === firstInstance.id)!;
    const malformed = async (set: Record<string, unknown>, named: string): Promise<CloudError> => {
      rewrite(set);
      try {
        await harness.provider(url).listInstances({ region });
      } catch (error) {
        assert.ok(error instanceof CloudError, String(error));
        assert.equal(error.code, 'MalformedResponse', error.message);
        assert.ok(error.message.includes(named), `${error.message} does not name ${named}`);
        assert.ok(!/[\r\n]/.test(error.message), `the message carries a raw line break: ${JSON.stringify(error.message)}`);
        return error;
      }
      assert.fail(`expected a MalformedResponse naming ${named}`);
    };

    before(async () => {
      fake = harness.newFake();
      url = await fake.start();
    });
    after(async () => {
      await fake.setAuthorizedKeysListener(undefined);
      await fake.stop();
    });
    beforeEach(async () => {
      await fake.setAuthorizedKeysListener(undefined);
      fake.reset();
    });

    describe('what connecting reads, validated', () => {
      it('reads each instance\'s loopback addresses (distinct, in the fake\'s block), image, and login user', async () => {
        const instances = await harness.provider(url).listInstances({ region });
        const publicIps = instances.flatMap((i) => i.publicIps ?? []);
        assert.ok(publicIps.length >= 3, JSON.stringify(instances));
        assert.equal(new Set(publicIps).size, publicIps.length, `public addresses collide: ${publicIps.join(', ')}`);
        for (const ip of [...publicIps, ...instances.flatMap((i) => i.privateIps ?? [])]) {
          assert.ok(isLoopbackAddress(ip) && ip.split('.')[2] === String(harness.addressBlock), `${ip} is not of block ${harness.addressBlock}`);
        }
        const instance = instances.find((i) => i.id === firstInstance.id)!;
        assert.deepEqual([instance.publicIps, instance.privateIps], [[`127.0.${harness.addressBlock}.2`], [`127.1.${harness.addressBlock}.2`]]);
        assert.match(instance.imageId ?? '', /^[A-Za-z0-9][A-Za-z0-9._:-]*$/);
        assert.equal(harness.defaultLoginUser(instance), firstInstance.loginUser);
        assert.equal(instance.loginPort, firstInstance.loginPort);
        const windows = instances.find((i) => i.platform === 'windows');
        assert.ok(windows && harness.defaultLoginUser(windows) === undefined, 'no SSH login user for Windows');
      });

      it('an instance without addresses reads as empty lists', async () => {
        rewrite({ [`${firstInstance.path}.${harness.fields.publicIps}`]: null, [`${firstInstance.path}.${harness.fields.privateIps}`]: [] });
        const instance = await first();
        assert.deepEqual([instance.publicIps, instance.privateIps], [[], []]);
      });

      it('keeps IPv4 and IPv6 addresses as the cloud gives them, each once', async () => {
        rewrite({ [`${firstInstance.path}.${harness.fields.publicIps}`]: ['203.0.113.7', '2001:db8::7', '203.0.113.7'] });
        assert.deepEqual((await first()).publicIps, ['203.0.113.7', '2001:db8::7']);
      });

      const hostileAddresses: Array<[string, unknown]> = [
        ['an option after the address', '1.2.3.4 -oProxyCommand=x'],
        ['a second line', '1.2.3.4\nProxyCommand x'],
        ['an option alone', '-oProxyCommand=x'],
        ['a zone', 'fe80::1%eth0'],
        ['a shell command', '$(id)'],
        ['a host name', 'example.com'],
        ['a number', 16909060],
      ];
      for (const [what, value] of hostileAddresses) {
        it(`an address holding ${what} is a MalformedResponse naming the field, never an address @malformed-answer`, async () => {
          await malformed({ [`${firstInstance.path}.${harness.fields.publicIps}`]: [value] }, field(`${harness.fields.publicIps}[0]`));
          await malformed({ [`${firstInstance.path}.${harness.fields.privateIps}`]: ['10.0.0.1', value] }, field(`${harness.fields.privateIps}[1]`));
        });
      }

      it('an address list that is no list, or far too long, is a MalformedResponse naming it @malformed-answer', async () => {
        await malformed({ [`${firstInstance.path}.${harness.fields.publicIps}`]: '1.2.3.4' }, field(harness.fields.publicIps));
        await malformed({ [`${firstInstance.path}.${harness.fields.publicIps}`]: { IpAddress: '1.2.3.4' } }, field(harness.fields.publicIps));
        const huge = await malformed({ [`${firstInstance.path}.${harness.fields.publicIps}`]: Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`) }, field(harness.fields.publicIps));
        assert.match(huge.message, /10000 items/);
      });

      it('an image id that is not plain text is a MalformedResponse naming it @malformed-answer', async () => {
        await malformed({ [`${firstInstance.path}.${harness.fields.imageId}`]: '../../etc/passwd' }, field(harness.fields.imageId));
        await malformed({ [`${firstInstance.path}.${harness.fields.imageId}`]: 'img-1 -o x' }, field(harness.fields.imageId));
      });

      const { loginUser, loginPort } = harness.fields;
      if (loginUser) {
        for (const value of ['-oProxyCommand=x', 'root x', 'root\nx', 'a'.repeat(33), 'root@host', 42]) {
          it(`a login user of ${JSON.stringify(value).slice(0, 24)} is a MalformedResponse naming the field @malformed-answer`, async () => {
            await malformed({ [`${firstInstance.path}.${loginUser}`]: value }, field(loginUser));
          });
        }
        it('an empty login user is none reported: the documented default is used', async () => {
          rewrite({ [`${firstInstance.path}.${loginUser}`]: '' });
          const instance = await first();
          assert.equal(instance.loginUser, undefined);
          assert.ok(harness.defaultLoginUser(instance));
        });
      }
      if (loginPort) {
        for (const value of [0, 65536, 22.5, -22, '22 -x', true]) {
          it(`a login port of ${JSON.stringify(value)} is a MalformedResponse naming the field @malformed-answer`, async () => {
            await malformed({ [`${firstInstance.path}.${loginPort}`]: value }, field(loginPort));
          });
        }
      }
    });

    describe('paging', () => {
      it('lists every instance of a region page by page, each page the documented largest', async () => {
        harness.seedInstances(fake, 230);
        fake.clearRequests();
        const instances = await harness.provider(url).listInstances({ region });
        assert.ok(instances.length >= 230, `${instances.length} instances`);
        assert.equal(new Set(instances.map((i) => i.id)).size, instances.length, 'an instance listed twice');
        const pages = harness.pagingOf(fake);
        assert.equal(pages.length, Math.ceil(instances.length / 100), JSON.stringify(pages));
        for (const page of pages) for (const [name, value] of Object.entries(harness.fullPage)) assert.equal(page[name], value, JSON.stringify(page));
      });
    });

    describe('what a fake tells an sshd harness', () => {
      const hosts = () => fake.instanceHosts();
      const host = (id: string) => hosts().find((h) => h.instanceId === id);

      it('gives every instance a loopback listen address of its own block, and a new listener every instance\'s keys', async () => {
        const heard: Array<[string, string[]]> = [];
        await fake.setAuthorizedKeysListener((id, keys) => void heard.push([id, keys]));
        assert.deepEqual(heard.map(([id]) => id).sort(), hosts().map((h) => h.instanceId).sort());
        assert.ok(heard.every(([, keys]) => keys.length === 0));
        const addresses = hosts().map((h) => h.listenAddress);
        assert.equal(new Set(addresses).size, addresses.length);
        for (const address of addresses) assert.ok(address?.startsWith(`127.0.${harness.addressBlock}.`), String(address));
        const over = await admin(url, 'GET', '/__admin/hosts');
        assert.deepEqual(over.json, JSON.parse(JSON.stringify(hosts())) as FakeInstanceHost[]);
      });

      it('tells the listener the keys an instance accepts after a bind, a rebind (which replaces) and an unbind', async () => {
        const heard: Array<[string, string[]]> = [];
        await fake.setAuthorizedKeysListener(undefined);
        const cloud = harness.provider(url);
        const a = (await cloud.importKeyPair({ region, name: harness.keyName('alpha'), publicKey: harness.newPublicKey('alpha') })).keyPair;
        const b = (await cloud.importKeyPair({ region, name: harness.keyName('beta'), publicKey: harness.newPublicKey('beta') })).keyPair;
        await fake.setAuthorizedKeysListener((id, keys) => void heard.push([id, keys.map(blob)]));
        heard.length = 0;
        const target = harness.stoppedLinuxInstance;
        const step = async (change: () => Promise<unknown>, expected: string[]) => {
          heard.length = 0;
          await change();
          if (harness.applyBinding) {
            assert.deepEqual(heard, [], 'the binding reached the instance before its restart');
            await harness.applyBinding(fake, target);
          }
          assert.deepEqual(heard, [[target, expected]]);
          assert.deepEqual(host(target)!.authorizedKeys.map(blob), expected);
        };
        await step(() => cloud.associateKeyPairs({ region, keyIds: [a.id], instanceIds: [target] }), [blob(a.publicKey)]);
        await step(() => cloud.associateKeyPairs({ region, keyIds: [b.id], instanceIds: [target] }), [blob(b.publicKey)]);
        await step(() => cloud.disassociateKeyPairs({ region, keyIds: [b.id], instanceIds: [target] }), []);
      });

      it('tells the listener of instances created and deleted over the admin API; new ones get the next free addresses', async () => {
        const heard: Array<[string, string[]]> = [];
        await fake.setAuthorizedKeysListener((id, keys) => void heard.push([id, keys]));
        heard.length = 0;
        const taken = new Set(hosts().map((h) => h.listenAddress));
        const created = await admin(url, 'POST', '/__admin/instances', { name: 'extra', region });
        assert.equal(created.status, 200, JSON.stringify(created.json));
        const id = String(created.json.instanceId);
        assert.deepEqual(heard, [[id, []]]);
        const added = host(id)!;
        assert.ok(added.listenAddress && !taken.has(added.listenAddress) && added.listenAddress.startsWith(`127.0.${harness.addressBlock}.`), String(added.listenAddress));
        assert.ok((await harness.provider(url).listInstances({ region })).some((i) => i.id === id && i.publicIps?.[0] === added.listenAddress));
        heard.length = 0;
        assert.equal((await admin(url, 'DELETE', `/__admin/instances/${id}`)).status, 200);
        assert.deepEqual(heard, [[id, []]]);
        assert.equal(host(id), undefined);
        assert.equal((await admin(url, 'DELETE', `/__admin/instances/${id}`)).status, 404);
      });

      it('sets addresses over the admin API, refusing what is no address; a listen address is only ever a loopback one', async () => {
        const id = harness.stoppedLinuxInstance;
        const refused = await admin(url, 'POST', `/__admin/instances/${id}/addresses`, { publicIps: ['1.2.3.4 -oProxyCommand=x'] });
        assert.equal(refused.status, 400, JSON.stringify(refused.json));
        assert.equal((await admin(url, 'POST', `/__admin/instances/${id}/addresses`, { publicIps: ['203.0.113.9'] })).status, 200);
        assert.deepEqual((await harness.provider(url).listInstances({ region, ids: [id] }))[0].publicIps, ['203.0.113.9']);
        assert.match(host(id)!.listenAddress ?? '', new RegExp(`^127\\.1\\.${harness.addressBlock}\\.`), 'falls back to the private loopback address');
        await admin(url, 'POST', `/__admin/instances/${id}/addresses`, { publicIps: ['127.0.0.77'], privateIps: ['127.1.0.77'] });
        assert.equal(host(id)!.listenAddress, '127.0.0.77');
        await admin(url, 'POST', `/__admin/instances/${id}/addresses`, { publicIps: [], privateIps: ['10.0.0.9'] });
        assert.equal(host(id)!.listenAddress, undefined);
      });

      it('answers a bind only once the listener has settled', async () => {
        const cloud = harness.provider(url);
        const key = (await cloud.importKeyPair({ region, name: harness.keyName('slow'), publicKey: harness.newPublicKey('slow') })).keyPair;
        let settled = false;
        await fake.setAuthorizedKeysListener(async (id) => {
          if (id !== harness.stoppedLinuxInstance) return;
          await new Promise((resolve) => setTimeout(resolve, 150));
          settled = true;
        });
        await cloud.associateKeyPairs({ region, keyIds: [key.id], instanceIds: [harness.stoppedLinuxInstance] });
        if (harness.applyBinding) await harness.applyBinding(fake, harness.stoppedLinuxInstance);
        assert.equal(settled, true);
      });
    });
  });
}

