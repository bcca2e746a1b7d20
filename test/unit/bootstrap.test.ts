// scripts/bootstrap.sh: what the nested installs inherit, and how an unfinished install is recognised.
// (The install itself runs for real in CI, on a cold cache, inside `npm start` and `npm test`.)
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const script = path.join(root, 'scripts', 'bootstrap.sh');

function bootstrap(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/bootstrap.sh', () => {
  let cache: string;
  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'csk-bootstrap-'));
  });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('nested installs get none of the outer npm\'s variables (npm_config_user_agent naming node/v20 made code-server refuse)', () => {
    // What `npm test` / `npm start` hand down, as npm 11 on Node 20 sets them.
    const outer: NodeJS.ProcessEnv = {
      ...process.env,
      CLOUD_SSH_KEYS_HOST_CACHE: cache,
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_nodedir: '/usr',
      npm_node_execpath: '/usr/bin/node',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      npm_lifecycle_event: 'test',
      npm_package_json: path.join(root, 'package.json'),
      NODE: '/usr/bin/node',
      NODE_OPTIONS: '--max-old-space-size=64',
      NODE_PATH: '/somewhere',
      INIT_CWD: root,
      PATH: `${path.join(root, 'node_modules', '.bin')}:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:${process.env.PATH}`,
    };
    const r = bootstrap(['--print-env'], outer);
    assert.equal(r.status, 0, r.stderr);
    const env = new Map(
      r.stdout.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const npmVariables = [...env.keys()].filter((k) => k.startsWith('npm_')).sort();
    assert.deepEqual(
      npmVariables.filter((k) => !['npm_config_audit', 'npm_config_fund', 'npm_config_globalconfig', 'npm_config_update_notifier'].includes(k)),
      ['npm_config_nodedir'],
      `unexpected npm variables: ${npmVariables.join(', ')}`,
    );
    assert.equal(env.get('npm_config_nodedir'), path.join(cache, 'node24'), 'native modules must build against Node 24');
    for (const k of ['NODE', 'NODE_OPTIONS', 'NODE_PATH', 'INIT_CWD']) assert.equal(env.has(k), false, `${k} leaked`);
    const pathEntries = env.get('PATH')!.split(':');
    assert.equal(pathEntries[0], path.join(cache, 'node24', 'bin'), 'Node 24 must come first on PATH');
    const leftOver = pathEntries.filter((p) => /\/node_modules\/\.bin$|\/node-gyp-bin$/.test(p));
    assert.deepEqual(leftOver, [], 'the outer npm\'s PATH entries must not reach nested installs');
    assert.equal(env.get('HOME'), process.env.HOME);
  });

  it('--check on an empty cache says every npm-installed part is missing, and fails', () => {
    const r = bootstrap(['--check'], { ...process.env, CLOUD_SSH_KEYS_HOST_CACHE: cache });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^node: missing$/m);
    assert.match(r.stdout, /^code-server: missing$/m);
    assert.match(r.stdout, /^playwright: missing$/m);
  });

  /** A cache laid out as a finished install leaves it (files only: nothing here is run). */
  function finishedLayout() {
    const node = path.join(cache, 'node24-24.21.0');
    fs.mkdirSync(path.join(node, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(node, 'include', 'node'), { recursive: true });
    fs.writeFileSync(path.join(node, 'bin', 'node'), '#!/bin/sh\necho v24.21.0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(node, 'include', 'node', 'node_api.h'), '');
    fs.writeFileSync(path.join(node, '.complete'), 'node v24.21.0\n');
    fs.symlinkSync('node24-24.21.0', path.join(cache, 'node24'));
    const cs = path.join(cache, 'code-server-4.139.1');
    const pkg = path.join(cs, 'node_modules', 'code-server');
    fs.mkdirSync(path.join(pkg, 'out', 'node'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'out', 'node', 'entry.js'), '');
    const native = [
      'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
      'lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node',
      'lib/vscode/node_modules/@vscode/native-watchdog/build/Release/watchdog.node',
      'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
    ];
    for (const f of native) {
      fs.mkdirSync(path.dirname(path.join(pkg, f)), { recursive: true });
      fs.writeFileSync(path.join(pkg, f), '');
    }
    fs.writeFileSync(path.join(cs, '.complete'), 'code-server 4.139.1\n');
    const pw = path.join(cache, 'playwright-1.65.1', 'node_modules', 'playwright-core');
    fs.mkdirSync(pw, { recursive: true });
    fs.writeFileSync(path.join(pw, 'package.json'), '{}');
    fs.writeFileSync(path.join(cache, 'playwright-1.65.1', '.complete'), 'playwright-core 1.65.1\n');
    return { node, cs, pkg, pw };
  }

  it('--check says ready for a finished install', () => {
    finishedLayout();
    const r = bootstrap(['--check'], { ...process.env, CLOUD_SSH_KEYS_HOST_CACHE: cache });
    assert.match(r.stdout, /^node: ready$/m);
    assert.match(r.stdout, /^code-server: ready$/m);
    assert.match(r.stdout, /^playwright: ready$/m);
  });

  it('an install without its completion marker (interrupted, or npm failed) is unfinished, not ready', () => {
    const { node, cs } = finishedLayout();
    fs.rmSync(path.join(node, '.complete'));
    fs.rmSync(path.join(cs, '.complete'));
    const r = bootstrap(['--check'], { ...process.env, CLOUD_SSH_KEYS_HOST_CACHE: cache });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^node: unfinished: no completion marker$/m);
    assert.match(r.stdout, /^code-server: unfinished: no completion marker$/m);
  });

  it('a marked install whose native module has gone (a failed rebuild, a clean-up) is unfinished, naming the module', () => {
    const { pkg } = finishedLayout();
    fs.rmSync(path.join(pkg, 'lib/vscode/node_modules/kerberos/build/Release/kerberos.node'));
    const r = bootstrap(['--check'], { ...process.env, CLOUD_SSH_KEYS_HOST_CACHE: cache });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^code-server: unfinished: native module kerberos\.node is missing$/m);
  });

  it('an unknown option is refused with what the options are', () => {
    const r = bootstrap(['--frobnicate'], { ...process.env, CLOUD_SSH_KEYS_HOST_CACHE: cache });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown option --frobnicate \(use --check or --print-env/);
  });
});
