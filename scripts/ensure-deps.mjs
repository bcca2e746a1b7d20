// Makes `npm start` and `npm test` work on a fresh clone: installs the locked dependencies
// (`npm ci`) when node_modules is missing or older than package-lock.json. Node built-ins only.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies() {
  const lock = join(repoRoot, 'package-lock.json');
  const installed = join(repoRoot, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return false;
  console.log('[deps] installing the locked dependencies (npm ci)');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: repoRoot, stdio: 'inherit' });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDependencies();
