// The managed block in the user's SSH config: every byte outside it kept, entries scoped by cloud and
// region, nothing a cloud says can inject a config line, broken markers change nothing; the file layer
// on real temporary folders (modes, symlinks, read-only, a full disk); and the real OpenSSH parser
// (`ssh -G`) reading the result: our aliases resolve as written, other hosts exactly as before.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type InstanceHost,
  MANAGED_BLOCK_BEGIN,
  MANAGED_BLOCK_END,
  readManagedHosts,
  slugify,
  type SshConfigScope,
  updateManagedBlock,
} from '../../src/keys/ssh-config';
import { updateSshConfigFile } from '../../src/keys/ssh-config-file';
import { mountFullDisk } from '../full-disk';
import { tempDir } from './helpers';

const GUANGZHOU: SshConfigScope = { cloud: 'tencent', region: 'ap-guangzhou' };
const SHANGHAI: SshConfigScope = { cloud: 'tencent', region: 'ap-shanghai' };
const HANGZHOU: SshConfigScope = { cloud: 'alibaba', region: 'cn-hangzhou' };

function instance(overrides: Partial<InstanceHost> = {}): InstanceHost {
  return { instanceId: 'ins-abc12345', instanceName: 'web-1', hostName: '203.0.113.10', user: 'root', identityFile: '/home/me/.ssh/id_ed25519', ...overrides };
}

/** updateManagedBlock, asserting it succeeded. */
function update(current: Uint8Array | string | undefined, scope: SshConfigScope, instances: InstanceHost[]) {
  const result = updateManagedBlock(current, scope, instances);
  assert.ok(result.ok, result.ok ? '' : `${result.problem.code}: ${result.problem.message}`);
  return result;
}

/** The text with our block (begin marker to end marker and its line break) cut out. */
function withoutBlock(text: string): string {
  const start = text.indexOf(MANAGED_BLOCK_BEGIN);
  if (start < 0) return text;
  const endMarker = text.indexOf(MANAGED_BLOCK_END, start);
  let next = endMarker + MANAGED_BLOCK_END.length;
  if (text.startsWith('\r\n', next)) next += 2;
  else if (text[next] === '\n') next += 1;
  return text.slice(0, start) + text.slice(next);
}

/** The block's own text, begin marker to end marker. */
function blockOf(text: string): string {
  const start = text.indexOf(MANAGED_BLOCK_BEGIN);
  return text.slice(start, text.indexOf(MANAGED_BLOCK_END) + MANAGED_BLOCK_END.length);
}

/** A user's config with everything that must survive byte for byte. */
const USER_CONFIG = [
  '# my config',
  'User globaluser',
  'ServerAliveInterval 30',
  'Include /nonexistent/conf.d/*',
  '',
  'Host example.com',
  '\tPort\t2200  ',
  '  # indented comment',
  'Match host *.internal exec "true"',
  '  User matcher',
  'Host *',
  '  User star',
  '  IdentityFile ~/.ssh/id_default',
].join('\n');

describe('SSH config managed block: writing entries', () => {
  it('a new block in an empty or missing file: one Host entry per instance, Port only when not 22', () => {
    const result = update(undefined, GUANGZHOU, [instance(), instance({ instanceId: 'ins-2', instanceName: 'db', hostName: '2001:db8::1', user: 'ubuntu', port: 2222 })]);
    assert.equal(result.changed, true);
    assert.equal(
      result.text,
      [
        MANAGED_BLOCK_BEGIN,
        '# The extension rewrites these lines when you connect to a cloud instance. They stay first so',
        '# their values win (ssh uses the first value it reads for each option); "Match all" at the end',
        '# hands every host back to the rest of this file as if the block were not there.',
        '',
        '# cloud-ssh-keys: tencent ap-guangzhou ins-2',
        'Host tencent-ap-guangzhou-db',
        '  HostName 2001:db8::1',
        '  User ubuntu',
        '  Port 2222',
        '  IdentityFile /home/me/.ssh/id_ed25519',
        '  IdentitiesOnly yes',
        '',
        '# cloud-ssh-keys: tencent ap-guangzhou ins-abc12345',
        'Host tencent-ap-guangzhou-web-1',
        '  HostName 203.0.113.10',
        '  User root',
        '  IdentityFile /home/me/.ssh/id_ed25519',
        '  IdentitiesOnly yes',
        '',
        'Match all',
        MANAGED_BLOCK_END,
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      result.hosts.map((h) => [h.alias, h.port]),
      [
        ['tencent-ap-guangzhou-db', 2222],
        ['tencent-ap-guangzhou-web-1', 22],
      ],
    );
    assert.deepEqual(update('', GUANGZHOU, [instance()]).text, update(undefined, GUANGZHOU, [instance()]).text);
  });

  it('IdentityFile: quoted when it has spaces, "%" and "\\" escaped the way ssh reads them', () => {
    const text = update(undefined, GUANGZHOU, [
      instance({ instanceId: 'ins-1', instanceName: 'a', identityFile: '/home/me/my keys/it\'s #1' }),
      instance({ instanceId: 'ins-2', instanceName: 'b', identityFile: '/home/me/50%/key' }),
      instance({ instanceId: 'ins-3', instanceName: 'c', identityFile: 'C:\\Users\\me\\.ssh\\id_ed25519' }),
      instance({ instanceId: 'ins-4', instanceName: 'd', identityFile: '~/.ssh/id_ed25519' }),
    ]).text;
    assert.match(text, /^ {2}IdentityFile "\/home\/me\/my keys\/it's #1"$/m);
    assert.match(text, /^ {2}IdentityFile "\/home\/me\/50%%\/key"$/m);
    assert.ok(text.includes('  IdentityFile "C:\\\\Users\\\\me\\\\.ssh\\\\id_ed25519"\n'), text);
    assert.match(text, /^ {2}IdentityFile ~\/\.ssh\/id_ed25519$/m);
    const back = readManagedHosts(text);
    assert.ok(back.ok);
    assert.deepEqual(
      back.hosts.map((h) => h.identityFile),
      ['/home/me/my keys/it\'s #1', '/home/me/50%/key', 'C:\\Users\\me\\.ssh\\id_ed25519', '~/.ssh/id_ed25519'],
    );
  });

  it('the same data again gives identical text and changed: false, in whatever order the cloud lists it', () => {
    const instances = [instance(), instance({ instanceId: 'ins-2', instanceName: 'web-1' }), instance({ instanceId: 'ins-3', instanceName: 'db', port: 2022 })];
    const first = update(USER_CONFIG, GUANGZHOU, instances);
    const second = update(first.text, GUANGZHOU, instances);
    assert.equal(second.changed, false);
    assert.equal(second.text, first.text);
    const shuffled = update(first.text, GUANGZHOU, [instances[2], instances[0], instances[1]]);
    assert.equal(shuffled.changed, false);
    assert.equal(update(USER_CONFIG, GUANGZHOU, [instances[1], instances[2], instances[0]]).text, first.text);
  });

  it('a scoped update: the scope\'s gone instances removed, changed ones rewritten, other scopes kept', () => {
    let text = update(USER_CONFIG, GUANGZHOU, [instance(), instance({ instanceId: 'ins-gone', instanceName: 'old' })]).text;
    text = update(text, SHANGHAI, [instance({ instanceId: 'ins-sh1', instanceName: 'api', hostName: '198.51.100.7' })]).text;
    text = update(text, HANGZHOU, [instance({ instanceId: 'i-bp1abc', instanceName: 'shop', hostName: 'shop.example.com', user: 'ecs-user' })]).text;
    const after = update(text, GUANGZHOU, [instance({ hostName: '203.0.113.99' })]);
    assert.equal(after.changed, true);
    const hosts = readManagedHosts(after.text);
    assert.ok(hosts.ok);
    assert.deepEqual(
      hosts.hosts.map((h) => `${h.alias} ${h.hostName}`),
      ['alibaba-cn-hangzhou-shop shop.example.com', 'tencent-ap-guangzhou-web-1 203.0.113.99', 'tencent-ap-shanghai-api 198.51.100.7'],
    );
    assert.equal(after.text.includes('ins-gone'), false);
    assert.equal(withoutBlock(after.text), USER_CONFIG);
    assert.deepEqual(after.hosts.map((h) => h.instanceId), ['ins-abc12345']);
  });

  it('the last entries removed: the block goes, and the file is exactly what it was before', () => {
    for (const original of [USER_CONFIG, USER_CONFIG.replace(/\n/g, '\r\n'), `\ufeff${USER_CONFIG}\n`, '']) {
      const added = update(original, GUANGZHOU, [instance()]);
      const removed = update(added.text, GUANGZHOU, []);
      assert.equal(removed.text, original);
      assert.equal(removed.changed, true);
      assert.equal(update(original, GUANGZHOU, []).changed, false, 'no block, nothing to remove: unchanged');
    }
    const twoScopes = update(update(USER_CONFIG, GUANGZHOU, [instance()]).text, HANGZHOU, [instance({ instanceId: 'i-1' })]).text;
    assert.ok(update(twoScopes, GUANGZHOU, []).text.includes('alibaba-cn-hangzhou-web-1'), 'the other scope keeps the block');
  });
});

describe('SSH config managed block: aliases', () => {
  it('cloud, region and the instance name slugified to [a-z0-9-], at most 48 characters of name', () => {
    assert.equal(slugify('Web Server #1'), 'web-server-1');
    assert.equal(slugify('  Café--Prod__01  '), 'cafe-prod-01');
    assert.equal(slugify('ＷＥＢ　１'), 'web-1');
    assert.equal(slugify('网站'), '');
    assert.equal(slugify('x'.repeat(47) + '-yz'), 'x'.repeat(47));
    const result = update(undefined, GUANGZHOU, [instance({ instanceName: 'Web Server #1' })]);
    assert.deepEqual(result.hosts.map((h) => h.alias), ['tencent-ap-guangzhou-web-server-1']);
  });

  it('a name that slugifies to nothing falls back to the instance id', () => {
    const result = update(undefined, GUANGZHOU, [instance({ instanceName: '网站' }), instance({ instanceId: 'ins-Blank', instanceName: '' })]);
    assert.deepEqual(result.hosts.map((h) => h.alias), ['tencent-ap-guangzhou-ins-abc12345', 'tencent-ap-guangzhou-ins-blank']);
  });

  it('instances that would share an alias each get their instance id appended, the same in any order', () => {
    const a = instance({ instanceId: 'ins-aaa', instanceName: 'web' });
    const b = instance({ instanceId: 'ins-bbb', instanceName: 'WEB' });
    const c = instance({ instanceId: 'ins-ccc', instanceName: 'db' });
    const aliases = (list: InstanceHost[]) => update(undefined, GUANGZHOU, list).hosts.map((h) => `${h.instanceId}=${h.alias}`);
    const expected = ['ins-ccc=tencent-ap-guangzhou-db', 'ins-aaa=tencent-ap-guangzhou-web-ins-aaa', 'ins-bbb=tencent-ap-guangzhou-web-ins-bbb'];
    assert.deepEqual(aliases([a, b, c]), expected);
    assert.deepEqual(aliases([c, b, a]), expected);
    // Alone again, the plain alias comes back: an ambiguous alias never silently meant one of them.
    assert.deepEqual(aliases([b, c]), ['ins-ccc=tencent-ap-guangzhou-db', 'ins-bbb=tencent-ap-guangzhou-web']);
  });

  it('an alias another scope already holds is disambiguated; one that still collides is rejected with a reason', () => {
    // Region "ap" + name "guangzhou-web" and region "ap-guangzhou" + name "web" slugify alike.
    const other = update(undefined, { cloud: 'tencent', region: 'ap' }, [instance({ instanceId: 'ins-x', instanceName: 'guangzhou web' })]);
    assert.deepEqual(other.hosts.map((h) => h.alias), ['tencent-ap-guangzhou-web']);
    const result = update(other.text, GUANGZHOU, [instance({ instanceId: 'ins-y', instanceName: 'web' })]);
    assert.deepEqual(result.hosts.map((h) => h.alias), ['tencent-ap-guangzhou-web-ins-y']);
    const sameIdSlug = update(undefined, GUANGZHOU, [instance({ instanceId: 'ins-A', instanceName: '' }), instance({ instanceId: 'ins-a', instanceName: '' })]);
    assert.deepEqual(sameIdSlug.hosts, []);
    assert.deepEqual(sameIdSlug.rejected.map((r) => [r.instanceId, r.field]), [['ins-A', 'alias'], ['ins-a', 'alias']]);
  });

  it('an instance listed twice is rejected, not written twice or by order', () => {
    const result = update(undefined, GUANGZHOU, [instance(), instance({ hostName: '203.0.113.11' }), instance({ instanceId: 'ins-ok', instanceName: 'ok' })]);
    assert.deepEqual(result.hosts.map((h) => h.instanceId), ['ins-ok']);
    assert.deepEqual(result.rejected.map((r) => r.field), ['instanceId', 'instanceId']);
    assert.match(result.rejected[0].reason, /more than once/);
  });
});

describe('SSH config managed block: every byte outside it kept', () => {
  it('comments, Include, Match, Host *, tabs and trailing spaces: the block is inserted at the top, the rest untouched', () => {
    const result = update(USER_CONFIG, GUANGZHOU, [instance()]);
    assert.ok(result.text.startsWith(MANAGED_BLOCK_BEGIN));
    assert.ok(result.text.endsWith(`${MANAGED_BLOCK_END}\n${USER_CONFIG}`));
    assert.ok(blockOf(result.text).endsWith(`Match all\n${MANAGED_BLOCK_END}`), 'closed by Match all');
    assert.deepEqual(result.warnings, []);
  });

  it('CRLF: the block uses CRLF too, and no bare LF appears', () => {
    const crlf = USER_CONFIG.replace(/\n/g, '\r\n') + '\r\n';
    const result = update(crlf, GUANGZHOU, [instance()]);
    assert.equal(withoutBlock(result.text), crlf);
    assert.equal(/(?<!\r)\n/.test(result.text), false, 'a bare LF');
    assert.equal(update(result.text, GUANGZHOU, [instance()]).changed, false);
  });

  it('no trailing newline, a BOM, a file of only comments: kept; a BOM stays first, with a warning', () => {
    const noNewline = update('Host a\n  User x', GUANGZHOU, [instance()]);
    assert.ok(noNewline.text.endsWith(`${MANAGED_BLOCK_END}\nHost a\n  User x`));
    const bom = update(`\ufeff${USER_CONFIG}`, GUANGZHOU, [instance()]);
    assert.ok(bom.text.startsWith(`\ufeff${MANAGED_BLOCK_BEGIN}`));
    assert.equal(withoutBlock(bom.text), `\ufeff${USER_CONFIG}`);
    assert.deepEqual(bom.warnings.map((w) => w.code), ['bom']);
    const bomBytes = update(Buffer.from(`\ufeffHost a\r\n`, 'utf8'), GUANGZHOU, [instance()]);
    assert.ok(bomBytes.text.startsWith(`\ufeff${MANAGED_BLOCK_BEGIN}\r\n`), 'the BOM of the bytes is kept, CRLF seen');
    assert.equal(update('# only a comment', GUANGZHOU, [instance()]).text.endsWith(`${MANAGED_BLOCK_END}\n# only a comment`), true);
  });

  it('a block the user moved is replaced where it is, with a warning that settings before it win', () => {
    const first = update(undefined, GUANGZHOU, [instance()]).text;
    const moved = `${USER_CONFIG}\n${first}# after\n`;
    const result = update(moved, GUANGZHOU, [instance({ hostName: '203.0.113.50' })]);
    assert.equal(withoutBlock(result.text), `${USER_CONFIG}\n# after\n`);
    assert.ok(result.text.startsWith(`${USER_CONFIG}\n${MANAGED_BLOCK_BEGIN}`));
    assert.ok(result.text.includes('HostName 203.0.113.50'));
    assert.deepEqual(result.warnings.map((w) => [w.code, w.line]), [['block-not-first', 2]]);
    // At the very end without a final newline: still none after the update.
    const atEnd = `Host a\n${first.slice(0, -1)}`;
    assert.ok(update(atEnd, GUANGZHOU, [instance({ port: 2200 })]).text.endsWith(MANAGED_BLOCK_END));
  });

  it('lines inside the block that are not ours are replaced, and said so; an edited entry is dropped', () => {
    const first = update(undefined, HANGZHOU, [instance({ instanceId: 'i-1', instanceName: 'shop' })]).text;
    const edited = first
      .replace('  IdentitiesOnly yes\n', '  IdentitiesOnly yes\n  ProxyCommand touch /tmp/pwned\n# my note\n')
      .replace('Match all\n', 'Match all\n  User sneaky\n');
    const result = update(edited, GUANGZHOU, [instance()]);
    assert.equal(result.text.includes('ProxyCommand'), false);
    assert.equal(result.text.includes('sneaky'), false);
    assert.equal(result.text.includes('my note'), false);
    assert.ok(result.text.includes('Host alibaba-cn-hangzhou-shop'), 'the other scope\'s entry is kept');
    assert.deepEqual(result.warnings.map((w) => w.code), ['edited-lines-replaced']);
    assert.match(result.warnings[0].message, /line 12, 13, 16/);

    const broken = first.replace('HostName 203.0.113.10', 'HostName 203.0.113.10 -oProxyCommand=x');
    const dropped = update(broken, GUANGZHOU, [instance()]);
    assert.equal(dropped.text.includes('alibaba'), false);
    assert.equal(dropped.text.includes('ProxyCommand'), false);
    assert.deepEqual(dropped.warnings.map((w) => w.code), ['entry-dropped']);
  });
});

describe('SSH config managed block: problems change nothing', () => {
  const block = update(undefined, GUANGZHOU, [instance()]).text;
  const cases: Array<[string, string | Uint8Array, string, number | undefined]> = [
    ['a begin marker without end marker', `Host a\n${MANAGED_BLOCK_BEGIN}\nHost b\n`, 'unterminated-block', 2],
    ['two blocks', `${block}Host a\n${block}`, 'several-blocks', 16],
    ['an end marker before the begin marker', `${MANAGED_BLOCK_END}\nHost a\n${MANAGED_BLOCK_BEGIN}\n`, 'end-before-begin', 1],
    ['an end marker alone', `Host a\n  ${MANAGED_BLOCK_END}\n`, 'end-without-begin', 2],
    ['a re-indented, retyped second begin marker', `${block}\t#>>> cloud ssh keys\n`, 'several-blocks', 15],
    ['bytes that are not UTF-8', Buffer.from([0x48, 0x6f, 0x73, 0x74, 0x20, 0xff, 0xfe, 0x0a]), 'not-utf8', undefined],
    ['a truncated UTF-8 sequence', Buffer.concat([Buffer.from('Host caf'), Buffer.from([0xc3])]), 'not-utf8', undefined],
  ];
  for (const [what, text, code, line] of cases) {
    it(`${what}: ${code}`, () => {
      const result = updateManagedBlock(text, GUANGZHOU, [instance()]);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.problem.code, code);
      assert.equal(result.problem.line, line);
      assert.match(result.problem.message, /left unchanged/);
      assert.equal(readManagedHosts(text).ok, false);
    });
  }

  it('a scope that is not plain ids: invalid-scope', () => {
    for (const scope of [{ cloud: 'Tencent', region: 'ap-guangzhou' }, { cloud: 'tencent', region: 'ap guangzhou\nHost *' }, { cloud: 'tencent', region: '' }]) {
      const result = updateManagedBlock('', scope, [instance()]);
      assert.ok(!result.ok && result.problem.code === 'invalid-scope', JSON.stringify(scope));
    }
  });
});

/** Instances a hostile cloud could answer with; none of them may put a line of its own in the config. */
const HOSTILE: Array<[string, Partial<InstanceHost>, string | undefined]> = [
  ['name with a newline and ProxyCommand', { instanceName: 'web\n  ProxyCommand touch /tmp/pwned' }, undefined],
  ['name opening a Host *', { instanceName: 'x\nHost *' }, undefined],
  ['name with U+2028, U+0085 and NUL', { instanceName: 'a\u2028ProxyCommand x\u0085b\u0000c' }, undefined],
  ['address with an option after it', { hostName: '1.2.3.4 -oProxyCommand=x' }, 'hostName'],
  ['address with a newline', { hostName: '1.2.3.4\nProxyCommand x' }, 'hostName'],
  ['address with U+2028', { hostName: '1.2.3.4\u2028ProxyCommand x' }, 'hostName'],
  ['address with U+0085', { hostName: '1.2.3.4\u0085ProxyCommand x' }, 'hostName'],
  ['address with NUL', { hostName: '1.2.3.4\u0000' }, 'hostName'],
  ['address starting with a dash', { hostName: '-oProxyCommand=x' }, 'hostName'],
  ['address with a % token', { hostName: 'fe80::1%eth0' }, 'hostName'],
  ['address that only looks like IPv4', { hostName: '1.2.3.4.5' }, 'hostName'],
  ['user with a newline, tab and ProxyCommand', { user: 'root\n\tProxyCommand touch /tmp/pwned' }, 'user'],
  ['user with a space', { user: 'root ProxyCommand=x' }, 'user'],
  ['user with a % token', { user: '%d' }, 'user'],
  ['user with U+2028', { user: 'root\u2028ProxyCommand x' }, 'user'],
  ['port 0', { port: 0 }, 'port'],
  ['port 65536', { port: 65536 }, 'port'],
  ['port 22.5', { port: 22.5 }, 'port'],
  ['port as text', { port: '22\nProxyCommand x' as unknown as number }, 'port'],
  ['key path with a newline', { identityFile: '/k\nProxyCommand x' }, 'identityFile'],
  ['key path with U+0085', { identityFile: '/k\u0085ProxyCommand x' }, 'identityFile'],
  ['key path with a double quote', { identityFile: '/k" ProxyCommand "x' }, 'identityFile'],
  ['key path with ${', { identityFile: '/home/${EVIL}/k' }, 'identityFile'],
  ['key path that is relative', { identityFile: 'id_ed25519' }, 'identityFile'],
  ['instance id with a space', { instanceId: 'ins-1 ProxyCommand' }, 'instanceId'],
  ['instance id with a newline', { instanceId: 'ins-1\nHost *' }, 'instanceId'],
];

/** True when every line of `text` is one the block writes or one of `userLines`. */
function onlyOurLines(text: string, userLines: string[]): boolean {
  const ours = /^(?:# .*|Host [a-z0-9-]+|  HostName [0-9a-f:.]+|  User [a-z]+|  Port \d+|  IdentityFile \/home\/me\/\.ssh\/id_ed25519|  IdentitiesOnly yes|Match all|)$/;
  return text.split('\n').every((line) => ours.test(line) || userLines.includes(line));
}

describe('SSH config managed block: hostile instances', () => {
  for (const [what, fields, field] of HOSTILE) {
    it(`${what}: ${field ? `rejected with a reason naming ${field}` : 'slugified into a safe alias'}`, () => {
      const result = update('Host *\n  User star\n', GUANGZHOU, [instance(fields), instance({ instanceId: 'ins-good', instanceName: 'good' })]);
      assert.ok(onlyOurLines(result.text, ['Host *', '  User star']), result.text);
      assert.equal(/^\s*(?:proxycommand|localcommand)|\u2028|\u0085|\u0000|\$\{/im.test(result.text), false, result.text);
      if (field) {
        assert.deepEqual(result.rejected.map((r) => r.field), [field]);
        assert.match(result.rejected[0].reason, /: "/, 'the reason shows the value');
        assert.equal(/[\n\u2028\u0085\u0000]/.test(result.rejected[0].reason), false, 'the reason shows controls escaped');
        assert.deepEqual(result.hosts.map((h) => h.instanceId), ['ins-good']);
      } else {
        assert.equal(result.rejected.length, 0);
        assert.ok(result.hosts.every((h) => /^[a-z0-9-]+$/.test(h.alias)));
      }
    });
  }

  it('a hostile update of a known instance removes its old entry instead of keeping a stale address', () => {
    const first = update(undefined, GUANGZHOU, [instance()]).text;
    const result = update(first, GUANGZHOU, [instance({ hostName: '1.2.3.4\nProxyCommand x' })]);
    assert.equal(result.text, '');
    assert.equal(result.rejected.length, 1);
  });
});

/** `ssh -G -F file host`: the configuration OpenSSH resolves, as keyword → values. */
function sshResolve(file: string, host: string): Map<string, string[]> {
  const out = execFileSync('ssh', ['-T', '-G', '-F', file, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const resolved = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space);
    resolved.set(key, [...(resolved.get(key) ?? []), line.slice(space + 1)]);
  }
  return resolved;
}

function sshResolveText(file: string, host: string): string {
  return execFileSync('ssh', ['-T', '-G', '-F', file, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('SSH config managed block: read by the real OpenSSH parser (ssh -G)', function () {
  this.timeout(60_000);
  let dir: string;
  let userConfig: string;

  before(() => {
    dir = tempDir('ssh-config-ssh-g');
    const included = path.join(dir, 'included.conf');
    fs.writeFileSync(included, 'Host example.com\n  Compression yes\n');
    userConfig = [
      '# leading global options: before any Host or Match',
      'User globaluser',
      'ServerAliveInterval 17',
      `Include ${included}`,
      'Host example.com',
      '\tPort\t2200',
      'Match host *.internal',
      '  User matcher',
      'Host *',
      '  User star',
      '  IdentityFile ~/.ssh/id_default',
      '  ForwardAgent yes',
    ].join('\r\n'); // CRLF and no final newline: ssh reads both
  });

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('our aliases resolve to their HostName, User, Port and IdentityFile, over the user\'s Host * and global User', () => {
    const result = update(userConfig, GUANGZHOU, [
      instance(),
      instance({ instanceId: 'ins-2', instanceName: 'db', hostName: '2001:db8::1', user: 'ubuntu', port: 2222, identityFile: '/home/me/my keys/db key' }),
      instance({ instanceId: 'ins-3', instanceName: 'dns', hostName: 'Box.Example.com', user: 'Administrator', port: 22 }),
    ]);
    const file = write('ours.conf', result.text);
    const web = sshResolve(file, 'tencent-ap-guangzhou-web-1');
    assert.deepEqual([web.get('hostname'), web.get('user'), web.get('port'), web.get('identityfile')?.[0], web.get('identitiesonly')], [['203.0.113.10'], ['root'], ['22'], '/home/me/.ssh/id_ed25519', ['yes']]);
    // IdentityFile adds up rather than first-wins: ours is tried first, the user's Host * key after it.
    assert.deepEqual(web.get('identityfile'), ['/home/me/.ssh/id_ed25519', '~/.ssh/id_default']);
    assert.deepEqual(web.get('serveraliveinterval'), ['17'], 'the user\'s global options still apply to our hosts where we set nothing');
    const db = sshResolve(file, 'tencent-ap-guangzhou-db');
    assert.deepEqual([db.get('hostname'), db.get('user'), db.get('port'), db.get('identityfile')?.[0]], [['2001:db8::1'], ['ubuntu'], ['2222'], '/home/me/my keys/db key']);
    const dns = sshResolve(file, 'tencent-ap-guangzhou-dns');
    assert.deepEqual([dns.get('hostname'), dns.get('user')], [['box.example.com'], ['Administrator']]);
  });

  it('an unrelated host resolves exactly as before the update: global options, Include, Match and Host * still apply', () => {
    const before = write('before.conf', userConfig);
    const after = write('after.conf', update(userConfig, GUANGZHOU, [instance(), instance({ instanceId: 'ins-2', instanceName: 'db', port: 2222 })]).text);
    for (const host of ['example.com', 'box.internal', 'other.example.org']) {
      assert.equal(sshResolveText(after, host), sshResolveText(before, host), host);
    }
    const example = sshResolve(after, 'example.com');
    assert.deepEqual([example.get('user'), example.get('port'), example.get('compression'), example.get('serveraliveinterval')], [['globaluser'], ['2200'], ['yes'], ['17']]);
  });

  it('why the block is first and closed by Match all: without it, or appended, ssh resolves otherwise', () => {
    const text = update(userConfig, GUANGZHOU, [instance()]).text;
    // Without the closing Match all, the user's leading "User globaluser" falls into our last entry.
    const unclosed = write('unclosed.conf', text.replace('Match all\r\n', ''));
    assert.deepEqual(sshResolve(unclosed, 'example.com').get('user'), ['star']);
    // Appended at the end, the user's Host * wins over our User.
    const appended = write('appended.conf', `${userConfig}\r\n${blockOf(text)}\r\n`);
    assert.deepEqual(sshResolve(appended, 'tencent-ap-guangzhou-web-1').get('user'), ['globaluser']);
  });

  it('hostile names and addresses: no proxycommand for any alias, and the unrelated host unchanged', () => {
    const instances = HOSTILE.map(([, fields], i) => instance({ instanceId: `ins-h${i}`, ...fields }));
    const result = update(userConfig, GUANGZHOU, instances);
    const file = write('hostile.conf', result.text);
    assert.ok(result.hosts.length >= 3 && result.rejected.length === HOSTILE.length - 3, `${result.hosts.length} written, ${result.rejected.length} rejected`);
    const aliases = [...result.hosts.map((h) => h.alias), 'web', 'x', 'tencent-ap-guangzhou-web', 'tencent-ap-guangzhou-x'];
    for (const alias of aliases) {
      const resolved = sshResolve(file, alias);
      assert.equal(resolved.has('proxycommand'), false, alias);
      assert.equal(resolved.has('localcommand'), false, alias);
    }
    assert.equal(sshResolveText(file, 'example.com'), sshResolveText(write('hostile-before.conf', userConfig), 'example.com'));
  });

  it('ssh reads the file without complaint (ssh -G exits 0 and prints no warning)', () => {
    const file = write('clean.conf', update(userConfig, GUANGZHOU, [instance()]).text);
    const run = spawnSync('ssh', ['-T', '-G', '-F', file, 'tencent-ap-guangzhou-web-1'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });
});

describe('SSH config file: reading, creating and replacing on disk', function () {
  this.timeout(60_000);
  let scratch: string;
  before(() => {
    scratch = tempDir('ssh-config-file');
  });
  /** A new empty folder for one test. */
  const folder = (name: string) => fs.mkdtempSync(path.join(scratch, `${name}-`));

  it('a missing file and folder are created: the folder 0700, the file 0600', () => {
    const home = folder('create');
    const file = path.join(home, '.ssh', 'config');
    const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
    assert.ok(result.ok && result.changed && result.created, JSON.stringify(result));
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), update(undefined, GUANGZHOU, [instance()]).text);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['config']);
  });

  it('nothing to write and no file: no file is made', () => {
    const file = path.join(folder('none'), 'config');
    const result = updateSshConfigFile(file, GUANGZHOU, []);
    assert.ok(result.ok && !result.changed && !result.created);
    assert.equal(fs.existsSync(file), false);
  });

  it('an existing file keeps its mode, CRLF and missing final newline; the same update again does not touch it', () => {
    const dir = folder('keep');
    const file = path.join(dir, 'config');
    const original = USER_CONFIG.replace(/\n/g, '\r\n');
    fs.writeFileSync(file, original);
    fs.chmodSync(file, 0o640);
    const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
    assert.ok(result.ok && result.changed && !result.created, JSON.stringify(result));
    const written = fs.readFileSync(file, 'utf8');
    assert.equal(withoutBlock(written), original);
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    const stat = fs.statSync(file);
    const again = updateSshConfigFile(file, GUANGZHOU, [instance()]);
    assert.ok(again.ok && !again.changed);
    const statAgain = fs.statSync(file);
    assert.deepEqual([statAgain.ino, statAgain.mtimeMs], [stat.ino, stat.mtimeMs], 'the file was rewritten');
    assert.deepEqual(fs.readdirSync(dir), ['config'], 'a temporary file was left');
  });

  it('a symlinked config: the target is replaced, the link stays a link; a dangling link\'s target is created', () => {
    const dir = folder('link');
    const dotfiles = path.join(dir, 'dotfiles');
    fs.mkdirSync(dotfiles);
    fs.writeFileSync(path.join(dotfiles, 'ssh_config'), 'Host a\n  User x\n', { mode: 0o600 });
    const link = path.join(dir, 'config');
    fs.symlinkSync('dotfiles/ssh_config', link);
    const result = updateSshConfigFile(link, GUANGZHOU, [instance()]);
    assert.ok(result.ok && result.changed);
    assert.equal(result.path, fs.realpathSync(path.join(dotfiles, 'ssh_config')));
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
    assert.ok(fs.readFileSync(path.join(dotfiles, 'ssh_config'), 'utf8').endsWith(`${MANAGED_BLOCK_END}\nHost a\n  User x\n`));

    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync('dotfiles/not-yet', dangling);
    const created = updateSshConfigFile(dangling, GUANGZHOU, [instance()]);
    assert.ok(created.ok && created.created, JSON.stringify(created));
    assert.equal(fs.lstatSync(dangling).isSymbolicLink(), true);
    assert.equal(fs.statSync(path.join(dotfiles, 'not-yet')).mode & 0o777, 0o600);
  });

  it('a hostile entry never reaches the file', () => {
    const file = path.join(folder('hostile'), 'config');
    fs.writeFileSync(file, 'Host *\n  User star\n');
    const result = updateSshConfigFile(file, GUANGZHOU, HOSTILE.map(([, fields], i) => instance({ instanceId: `ins-h${i}`, ...fields })));
    assert.ok(result.ok);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(onlyOurLines(text, ['Host *', '  User star']), text);
    assert.equal(/^\s*proxycommand|\/tmp\/pwned/im.test(text), false);
  });

  it('a broken block or bytes that are not UTF-8: a typed problem, and the file exactly as it was', () => {
    const dir = folder('broken');
    for (const [name, bytes, code] of [
      ['unterminated', Buffer.from(`Host a\n${MANAGED_BLOCK_BEGIN}\n`), 'unterminated-block'],
      ['latin1', Buffer.from('Host caf\xe9\n', 'latin1'), 'not-utf8'],
    ] as const) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const stat = fs.statSync(file);
      const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
      assert.ok(!result.ok && result.problem.code === code && result.problem.path === file, JSON.stringify(result));
      assert.deepEqual(fs.readFileSync(file), bytes);
      assert.equal(fs.statSync(file).mtimeMs, stat.mtimeMs);
    }
  });

  it('a folder where the config should be: not-a-file', () => {
    const dir = folder('dir');
    fs.mkdirSync(path.join(dir, 'config'));
    const result = updateSshConfigFile(path.join(dir, 'config'), GUANGZHOU, [instance()]);
    assert.ok(!result.ok && result.problem.code === 'not-a-file', JSON.stringify(result));
  });

  it('a parent that is a regular file: a problem naming ENOTDIR, nothing created', () => {
    const dir = folder('notdir');
    const blocker = path.join(dir, '.ssh');
    fs.writeFileSync(blocker, 'not a folder');
    const result = updateSshConfigFile(path.join(blocker, 'config'), GUANGZHOU, [instance()]);
    assert.ok(!result.ok, JSON.stringify(result));
    assert.equal(result.problem.code, 'read-failed');
    assert.equal(result.problem.errno, 'ENOTDIR');
    assert.match(result.problem.message, /is a file, not a folder.*: .*ENOTDIR$/);
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'not a folder');
  });

  it('a read-only file (no write bit, which stops even root here): read-only, the file unchanged', () => {
    const dir = folder('ro-file');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, 'Host a\n');
    fs.chmodSync(file, 0o444);
    const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
    assert.ok(!result.ok && result.problem.code === 'read-only', JSON.stringify(result));
    assert.equal(fs.readFileSync(file, 'utf8'), 'Host a\n');
    assert.deepEqual(fs.readdirSync(dir), ['config']);
  });

  it('a read-only folder (a read-only mount as root, mode 0500 otherwise): a problem naming EROFS or EACCES, the old file intact, no temporary file', function () {
    const readOnly = readOnlyFolder('Host a\n  User x');
    if ('reason' in readOnly) {
      console.log(`    skipped: no read-only folder to test with: ${readOnly.reason}`);
      this.skip();
    }
    try {
      const file = path.join(readOnly.dir, 'config');
      const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
      // A read-only mount is seen before writing (access(2) says EROFS); a 0500 folder when the rename fails.
      assert.ok(!result.ok && ['read-only', 'write-failed'].includes(result.problem.code), JSON.stringify(result));
      assert.ok(['EROFS', 'EACCES'].includes(result.problem.errno ?? ''), result.problem.errno);
      assert.equal(fs.readFileSync(file, 'utf8'), 'Host a\n  User x');
      assert.deepEqual(fs.readdirSync(readOnly.dir), ['config']);
    } finally {
      readOnly.release();
    }
  });

  it('a full disk (a real full tmpfs): write-failed ENOSPC, the old file intact, no temporary file', function () {
    const mounted = mountFullDisk('ssh-config', ['ssh']);
    if (!mounted.disk) {
      console.log(`    skipped: no full disk to test with: ${mounted.reason}`);
      this.skip();
    }
    const disk = mounted.disk;
    try {
      // Room for the old config only, then full again.
      const file = path.join(disk.dir, 'ssh', 'config');
      const full = fs.statSync(disk.filler).size;
      fs.truncateSync(disk.filler, Math.max(0, full - 64 * 1024));
      const original = 'Host a\n  User x\n';
      fs.writeFileSync(file, original);
      refill(disk.filler);
      const result = updateSshConfigFile(file, GUANGZHOU, [instance()]);
      assert.ok(!result.ok && result.problem.code === 'write-failed' && result.problem.errno === 'ENOSPC', JSON.stringify(result));
      assert.equal(fs.readFileSync(file, 'utf8'), original);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ['config']);
    } finally {
      disk.release();
    }
  });
});

/** Appends to `filler` until the file system refuses (the last page included). */
function refill(filler: string): void {
  const fd = fs.openSync(filler, 'a');
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      try {
        while (fs.writeSync(fd, chunk) > 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A folder holding `config` that cannot be written. Root ignores mode bits, so as root it is a tmpfs
 * remounted read-only (EROFS); otherwise a folder with mode 0500 (EACCES).
 */
function readOnlyFolder(config: string): { dir: string; release(): void } | { reason: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-ro-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  if (process.getuid?.() !== 0) {
    fs.writeFileSync(path.join(dir, 'config'), config);
    fs.chmodSync(dir, 0o500);
    return {
      dir,
      release: () => {
        fs.chmodSync(dir, 0o700);
        remove();
      },
    };
  }
  if (process.platform !== 'linux') {
    remove();
    return { reason: `root ignores mode bits and a read-only mount needs Linux (this is ${process.platform})` };
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    remove();
    return { reason: `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
  const unmount = () => {
    spawnSync('umount', ['-l', dir]);
    remove();
  };
  try {
    fs.writeFileSync(path.join(dir, 'config'), config);
    execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
  } catch (error) {
    unmount();
    return { reason: `remounting read-only failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
  process.once('exit', unmount); // a run that dies mid-test leaves no mount behind
  return {
    dir,
    release: () => {
      process.removeListener('exit', unmount);
      unmount();
    },
  };
}
