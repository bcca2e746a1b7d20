// The fake ECS server itself, driven by hand-made requests: its signature checks cannot be a
// no-op (an altered parameter, a wrong secret, a replayed nonce, an unsigned header all fail),
// its documented rules and statuses, its faults and its admin endpoints.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { acs3Sign, sha256Hex, signRpcRequest } from '../../../../src/clouds/alibaba/signer';
import { FAKE_ECS_ACCESS_KEY, FakeAlibabaEcs } from '../fake/server';
import { checkEcsPublicKey, ecsFingerprint } from '../fake/keys';
import { newRsaKeyPair, randomEd25519PublicKeyLine } from '../../../fakes/ssh-public-key';

interface RawAnswer {
  status: number;
  json: Record<string, unknown>;
}

interface RawRequest {
  action: string;
  params?: Array<[string, string]>;
  secret?: string;
  accessKeyId?: string;
  /** Changes the signed request before it is sent. */
  tamper?: (request: { headers: Record<string, string>; body: string }) => void;
  date?: string;
  nonce?: string;
}

function send(url: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = http.request(
      { method: 'POST', hostname: target.hostname, port: target.port, path: '/', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function admin(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const text = body === undefined ? '' : JSON.stringify(body);
    const request = http.request({ method, hostname: target.hostname, port: target.port, path: target.pathname, headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    request.on('error', reject);
    request.end(text);
  });
}

describe('the fake ECS server', function () {
  this.timeout(20_000);
  let fake: FakeAlibabaEcs;
  let host: string;

  function signed(request: RawRequest): { headers: Record<string, string>; body: string } {
    const result = signRpcRequest(
      { host, action: request.action, version: '2014-05-26', params: request.params ?? [], date: request.date, nonce: request.nonce },
      { accessKeyId: request.accessKeyId ?? FAKE_ECS_ACCESS_KEY.accessKeyId, accessKeySecret: request.secret ?? FAKE_ECS_ACCESS_KEY.accessKeySecret },
    );
    const copy = { headers: { ...result.headers }, body: result.body };
    request.tamper?.(copy);
    return copy;
  }
  const call = (request: RawRequest) => {
    const { headers, body } = signed(request);
    return send(fake.url, headers, body);
  };
  const expectError = async (request: RawRequest, status: number, code: string) => {
    const answer = await call(request);
    assert.equal(answer.status, status, JSON.stringify(answer.json));
    assert.equal(answer.json.Code, code);
    assert.match(String(answer.json.RequestId), /^[0-9A-F-]{36}$/);
    assert.equal(typeof answer.json.Message, 'string');
    return answer;
  };
  const regions: RawRequest = { action: 'DescribeRegions' };

  before(async () => {
    fake = new FakeAlibabaEcs();
    await fake.start();
    host = new URL(fake.url).host;
  });
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  describe('authentication', () => {
    it('answers a correctly signed request', async () => {
      const answer = await call(regions);
      assert.equal(answer.status, 200);
      assert.ok(Array.isArray((answer.json.Regions as { Region: unknown[] }).Region));
      assert.equal(fake.requests[0].signatureVerified, true);
    });

    it('rejects a wrong secret and every altered part of a signed request with SignatureDoesNotMatch (HTTP 400)', async () => {
      await expectError({ ...regions, secret: 'not-the-secret' }, 400, 'SignatureDoesNotMatch');
      const params: Array<[string, string]> = [['RegionId', 'cn-hangzhou'], ['KeyPairName', 'good-name']];
      // A parameter changed after signing, with the body hash made to match: the signature still fails.
      await expectError(
        {
          action: 'DescribeKeyPairs',
          params,
          tamper: (r) => {
            r.body = r.body.replace('good-name', 'evil-name');
            r.headers['x-acs-content-sha256'] = require('node:crypto').createHash('sha256').update(r.body).digest('hex') as string;
          },
        },
        400,
        'SignatureDoesNotMatch',
      );
      // A body that does not match its signed hash.
      await expectError({ action: 'DescribeKeyPairs', params, tamper: (r) => (r.body += '&PageSize=5') }, 400, 'SignatureDoesNotMatch');
      // Another action than signed.
      await expectError({ ...regions, tamper: (r) => (r.headers['x-acs-action'] = 'DescribeInstances') }, 400, 'SignatureDoesNotMatch');
      // A flipped hex digit of the signature.
      await expectError({ ...regions, tamper: (r) => (r.headers.authorization = r.headers.authorization.replace(/.$/, (c) => (c === '0' ? '1' : '0'))) }, 400, 'SignatureDoesNotMatch');
      assert.ok(fake.requests.every((r) => !r.signatureVerified));
    });

    it('reads parameters from a signed query string too (as the official SDK sends them), and notices one altered', async () => {
      const query = (name: string) => `RegionId=cn-hangzhou&KeyPairName=${encodeURIComponent(name)}&IncludePublicKey=true`;
      const sendQuery = (signedQuery: string, sentQuery: string) => {
        const headers: Record<string, string> = {
          host,
          'x-acs-action': 'DescribeKeyPairs',
          'x-acs-version': '2014-05-26',
          'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'x-acs-signature-nonce': `nonce-${Math.random()}`,
          'x-acs-content-sha256': sha256Hex(''),
        };
        const pairs = signedQuery.split('&').map((p) => p.split('=').map(decodeURIComponent) as [string, string]);
        const { signature, signedHeaders } = acs3Sign({ method: 'POST', path: '/', query: pairs, headers, hashedPayload: headers['x-acs-content-sha256'], accessKeySecret: FAKE_ECS_ACCESS_KEY.accessKeySecret });
        headers.authorization = `ACS3-HMAC-SHA256 Credential=${FAKE_ECS_ACCESS_KEY.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
        return new Promise<RawAnswer>((resolve, reject) => {
          const request = http.request({ method: 'POST', hostname: '127.0.0.1', port: fake.port, path: `/?${sentQuery}`, headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (c: Buffer) => chunks.push(c));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
          });
          request.on('error', reject);
          request.end();
        });
      };
      fake.seedKeyPair({ region: 'cn-hangzhou', name: 'by query', publicKey: randomEd25519PublicKeyLine() });
      const ok = await sendQuery(query('by query'), query('by query'));
      assert.equal(ok.status, 200);
      assert.equal((ok.json.KeyPairs as { KeyPair: Array<{ KeyPairName: string }> }).KeyPair[0].KeyPairName, 'by query');
      const altered = await sendQuery(query('by query'), query('by*'));
      assert.deepEqual([altered.status, altered.json.Code], [400, 'SignatureDoesNotMatch']);
    });

    it('wants host and every x-acs-* header signed, and an ACS3 Authorization at all', async () => {
      await expectError(
        { ...regions, tamper: (r) => (r.headers.authorization = r.headers.authorization.replace('host;', '')) },
        400,
        'IncompleteSignature',
      );
      await expectError({ ...regions, tamper: (r) => delete (r.headers as Record<string, string | undefined>).authorization }, 400, 'IncompleteSignature');
    });

    it('rejects an unknown AccessKey ID (HTTP 404), a stale date and a reused nonce', async () => {
      await expectError({ ...regions, accessKeyId: 'LTAI5tNobodyHere' }, 404, 'InvalidAccessKeyId.NotFound');
      await expectError({ ...regions, date: new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }, 400, 'InvalidTimeStamp.Expired');
      await expectError({ ...regions, date: 'yesterday' }, 400, 'InvalidTimeStamp.Format');
      const once = signed({ ...regions, nonce: 'the-same-nonce-1' });
      assert.equal((await send(fake.url, once.headers, once.body)).status, 200);
      const replay = await send(fake.url, once.headers, once.body);
      assert.deepEqual([replay.status, replay.json.Code], [400, 'SignatureNonceUsed']);
    });

    it('never logs a secret', async () => {
      await call({ ...regions, secret: 'super-secret-value' });
      await call(regions);
      const log = JSON.stringify(fake.requests);
      assert.ok(!log.includes('super-secret-value') && !log.includes(FAKE_ECS_ACCESS_KEY.accessKeySecret));
    });
  });

  describe('documented rules', () => {
    const key = newRsaKeyPair('me@host').publicLine;
    const ed25519 = randomEd25519PublicKeyLine('me@host');
    const importParams = (name: string, body = key): Array<[string, string]> => [['RegionId', 'cn-hangzhou'], ['KeyPairName', name], ['PublicKeyBody', body]];

    it('imports a key, answers its MD5 fingerprint, and refuses the same name again', async () => {
      const answer = await call({ action: 'ImportKeyPair', params: importParams('hand-made') });
      assert.equal(answer.status, 200);
      assert.equal(answer.json.KeyPairFingerPrint, ecsFingerprint(key.split(' ')[1]));
      assert.match(String(answer.json.KeyPairFingerPrint), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      await expectError({ action: 'ImportKeyPair', params: importParams('hand-made', newRsaKeyPair('other@host').publicLine) }, 400, 'KeyPair.AlreadyExist');
    });

    it('refuses an ed25519 key, which ImportKeyPair does not list, with InvalidPublicKeyBody.Malformed unless switched to accept undocumented types', async () => {
      await expectError({ action: 'ImportKeyPair', params: importParams('ed-key', ed25519) }, 400, 'InvalidPublicKeyBody.Malformed');
      assert.equal(fake.setOptions({ acceptUndocumentedKeyTypes: true }), undefined);
      assert.equal((await call({ action: 'ImportKeyPair', params: importParams('ed-key', ed25519) })).status, 200);
    });

    it('enforces parameters, names, key bodies, regions and list sizes with the documented codes and statuses', async () => {
      await expectError({ action: 'ImportKeyPair', params: [['RegionId', 'cn-hangzhou'], ['KeyPairName', 'x1']] }, 400, 'MissingParameter');
      await expectError({ action: 'ImportKeyPair', params: importParams('x1').slice(1) }, 400, 'MissingParameter');
      await expectError({ action: 'ImportKeyPair', params: importParams('9lives') }, 400, 'InvalidKeyPairName.Malformed');
      await expectError({ action: 'ImportKeyPair', params: importParams('https://x') }, 400, 'InvalidKeyPairName.Malformed');
      await expectError({ action: 'ImportKeyPair', params: importParams('x1', 'ssh-ed25519 AAAA') }, 400, 'InvalidPublicKeyBody.Malformed');
      await expectError({ action: 'ImportKeyPair', params: [...importParams('x1'), ['ResourceGroupId', 'rg-missing']] }, 404, 'InvalidResourceGroup.NotFound');
      await expectError({ action: 'ImportKeyPair', params: [['RegionId', 'mars-1'], ['KeyPairName', 'x1'], ['PublicKeyBody', key]] }, 404, 'InvalidRegionId.NotFound');
      await expectError({ action: 'DescribeKeyPairs', params: [['RegionId', 'cn-hangzhou'], ['PageSize', '51']] }, 400, 'InvalidParameter.PageSize');
      const names = JSON.stringify(Array.from({ length: 101 }, (_, i) => `k${i}`));
      await expectError({ action: 'DeleteKeyPairs', params: [['RegionId', 'cn-hangzhou'], ['KeyPairNames', names]] }, 400, 'InvalidKeyPairNames.ValueNotSupported');
      await expectError({ action: 'DeleteKeyPairs', params: [['RegionId', 'cn-hangzhou'], ['KeyPairNames', 'k1,k2']] }, 400, 'InvalidKeyPairNames.Malformed');
      fake.seedKeyPair({ region: 'cn-hangzhou', name: 'bound', publicKey: key });
      const ids = JSON.stringify(Array.from({ length: 51 }, (_, i) => `i-${i}`));
      await expectError({ action: 'AttachKeyPair', params: [['RegionId', 'cn-hangzhou'], ['KeyPairName', 'bound'], ['InstanceIds', ids]] }, 400, 'InvalidInstanceIds.ValueNotSupported');
      await expectError({ action: 'NoSuchAction', params: [] }, 404, 'InvalidAction.NotFound');
    });

    it('refuses a 501st key pair in a region with QuotaExceed.KeyPair (HTTP 403)', async () => {
      for (let i = 0; i < 500; i++) fake.seedKeyPair({ region: 'cn-hangzhou', name: `seed-${i}`, publicKey: randomEd25519PublicKeyLine() });
      await expectError({ action: 'ImportKeyPair', params: importParams('one-too-many') }, 403, 'QuotaExceed.KeyPair');
      await expectError({ action: 'CreateKeyPair', params: [['RegionId', 'cn-hangzhou'], ['KeyPairName', 'one-too-many']] }, 403, 'QuotaExceed.KeyPair');
    });

    it('accepts certificates and checks them field by field; ed25519 can be switched off', () => {
      assert.equal(checkEcsPublicKey(ed25519, true).ok, true);
      assert.equal(checkEcsPublicKey(ed25519, false).ok, false);
      assert.equal(checkEcsPublicKey(key, false).ok, true);
      const blob = Buffer.from(ed25519.split(' ')[1], 'base64');
      const fakeCert = `ssh-ed25519-cert-v01@openssh.com ${blob.toString('base64')}`;
      assert.equal(checkEcsPublicKey(fakeCert, true).ok, false, 'a key blob under a certificate type is refused');
    });

    it('throttles above the rate limit with Throttling.User', async () => {
      fake.setRateLimit(2);
      const answers = await Promise.all([call(regions), call(regions), call(regions)]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 400]);
      assert.equal(answers.find((a) => a.status === 400)!.json.Code, 'Throttling.User');
    });
  });

  describe('instances', () => {
    beforeEach(() => fake.setRateLimit(100)); // an earlier test lowers it, and reset keeps the limit
    const describeInstances = (params: Array<[string, string]>) => call({ action: 'DescribeInstances', params: [['RegionId', 'cn-hangzhou'], ...params] });
    const instancesOf = (answer: { json: Record<string, unknown> }) => (answer.json.Instances as { Instance: Array<Record<string, unknown>> }).Instance;

    it('describes addresses, image and login facts in the documented wrappers', async () => {
      const [first] = instancesOf(await describeInstances([['InstanceIds', '["i-bp1runlinux000001"]']]));
      assert.deepEqual(first.PublicIpAddress, { IpAddress: ['127.0.3.2'] });
      assert.deepEqual((first.VpcAttributes as Record<string, unknown>).PrivateIpAddress, { IpAddress: ['127.1.3.2'] });
      assert.equal((first.EipAddress as Record<string, unknown>).IpAddress, '');
      assert.deepEqual([first.ImageOptions, first.ImageId, first.OSType], [{ LoginAsNonRoot: true }, 'aliyun_3_x64_20G_alibase_20240819.vhd', 'linux']);
    });

    it('pages by NextToken with MaxResults read as 10 to 100, or by PageNumber with PageSize at most 100', async () => {
      for (let i = 0; i < 26; i++) fake.seedInstance({});
      const first = await describeInstances([['MaxResults', '500']]);
      assert.deepEqual([instancesOf(first).length, first.json.MaxResults, first.json.TotalCount], [30, 100, 0]);
      assert.equal(first.json.NextToken, '');
      const small = await describeInstances([['MaxResults', '3']]);
      assert.equal(instancesOf(small).length, 10, 'less than 10 reads as 10');
      const second = await describeInstances([['MaxResults', '10'], ['NextToken', String(small.json.NextToken)]]);
      assert.deepEqual(instancesOf(second).map((i) => i.InstanceId), instancesOf(first).slice(10, 20).map((i) => i.InstanceId));
      await expectError({ action: 'DescribeInstances', params: [['RegionId', 'cn-hangzhou'], ['NextToken', 'not-issued']] }, 400, 'InvalidParameter.NextToken');
      await expectError({ action: 'DescribeInstances', params: [['RegionId', 'cn-hangzhou'], ['PageSize', '101']] }, 400, 'InvalidParameter.PageSize');
      const paged = await describeInstances([['PageNumber', '2'], ['PageSize', '20']]);
      assert.deepEqual([instancesOf(paged).length, paged.json.TotalCount], [10, 30]);
    });

    it('an attached key reaches a running instance only at its restart, replacing the one before; detaching too', async () => {
      const [a, b] = [randomEd25519PublicKeyLine('a@host'), randomEd25519PublicKeyLine('b@host')];
      fake.seedKeyPair({ region: 'cn-hangzhou', name: 'key-a', publicKey: a });
      fake.seedKeyPair({ region: 'cn-hangzhou', name: 'key-b', publicKey: b });
      const heard: Array<[string, string[]]> = [];
      await fake.setAuthorizedKeysListener((id, keys) => void (id === 'i-bp1runlinux000001' && heard.push([id, keys.map((k) => k.split(' ')[1])])));
      heard.length = 0;
      const bind = (action: string, name: string) => call({ action, params: [['RegionId', 'cn-hangzhou'], ['KeyPairName', name], ['InstanceIds', '["i-bp1runlinux000001"]']] });
      const attached = await bind('AttachKeyPair', 'key-a');
      assert.match(JSON.stringify(attached.json.Results), /restart the instance/);
      assert.equal(fake.instance('i-bp1runlinux000001')!.KeyPairName, 'key-a', 'DescribeInstances names it at once');
      assert.deepEqual(heard, [], 'the running OS still has its old keys');
      assert.equal((await admin(fake.url, 'POST', '/__admin/instances/i-bp1runlinux000001/reboot')).status, 200);
      assert.deepEqual(heard, [['i-bp1runlinux000001', [a.split(' ')[1]]]]);
      await bind('AttachKeyPair', 'key-b');
      await admin(fake.url, 'POST', '/__admin/instances/i-bp1runlinux000001/state', { state: 'Stopped' });
      assert.equal(heard.length, 1, 'stopping applies nothing');
      await admin(fake.url, 'POST', '/__admin/instances/i-bp1runlinux000001/state', { state: 'Running' });
      assert.deepEqual(heard[1], ['i-bp1runlinux000001', [b.split(' ')[1]]], 'a start applies it, replacing key-a');
      await bind('DetachKeyPair', 'key-b');
      fake.rebootInstance('i-bp1runlinux000001');
      await fake.syncAuthorizedKeys();
      assert.deepEqual(heard[2], ['i-bp1runlinux000001', []]);
      await fake.setAuthorizedKeysListener(undefined);
    });
  });

  describe('faults and admin endpoints', () => {
    it('takes fault rules, shows state and log, resets, and sets instance states and the rate limit over HTTP', async () => {
      assert.equal((await admin(fake.url, 'POST', '/__admin/faults', { fault: { kind: 'http-error', status: 503 }, times: 1 })).status, 200);
      assert.equal((await admin(fake.url, 'POST', '/__admin/faults', { fault: { kind: 'nonsense' } })).status, 400);
      const broken = await new Promise<number>((resolve) => {
        const { headers, body } = signed(regions);
        const request = http.request({ method: 'POST', hostname: '127.0.0.1', port: fake.port, path: '/', headers }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        request.end(body);
      });
      assert.equal(broken, 503);
      assert.equal((await call(regions)).status, 200);
      fake.seedKeyPair({ region: 'cn-hangzhou', name: 'shown', publicKey: randomEd25519PublicKeyLine() });
      const state = (await admin(fake.url, 'GET', '/__admin/state')).json as { keyPairs: Array<Record<string, unknown>>; instances: unknown[] };
      assert.equal(state.keyPairs[0].KeyPairName, 'shown');
      assert.equal(state.keyPairs[0].blobBase64, undefined);
      assert.equal(state.instances.length, 4);
      const log = (await admin(fake.url, 'GET', '/__admin/requests')).json as Array<{ faults: string[] }>;
      assert.deepEqual(log.map((r) => r.faults), [['http-error'], []]);
      assert.equal((await admin(fake.url, 'POST', '/__admin/instances/i-bp1stoplinux00001/state', { state: 'Running' })).status, 200);
      assert.equal(fake.instance('i-bp1stoplinux00001')!.Status, 'Running');
      assert.equal((await admin(fake.url, 'POST', '/__admin/instances/i-bp1stoplinux00001/state', { state: 'RUNNING' })).status, 400);
      assert.equal((await admin(fake.url, 'POST', '/__admin/rate-limit', { perSecond: 1 })).status, 200);
      assert.equal((await admin(fake.url, 'POST', '/__admin/options', { acceptUndocumentedKeyTypes: true, throttleStatus: 429 })).status, 200);
      assert.deepEqual([fake.acceptUndocumentedKeyTypes, fake.throttleStatus], [true, 429]);
      assert.equal((await admin(fake.url, 'POST', '/__admin/options', { acceptUndocumentedKeyTypes: 'yes' })).status, 400);
      assert.equal((await admin(fake.url, 'POST', '/__admin/options', { throttleStatus: 503 })).status, 400);
      assert.equal((await admin(fake.url, 'POST', '/__admin/reset')).status, 200);
      assert.equal(fake.keyPairsIn('cn-hangzhou').length, 0);
      assert.equal(fake.requests.length, 0);
      assert.equal(fake.acceptUndocumentedKeyTypes, false, 'reset goes back to the documented key types');
    });
  });
});
