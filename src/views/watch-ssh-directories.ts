import * as vscode from 'vscode';
import type { Config } from '../platform/config';

const DEBOUNCE_MS = 300;

/** Watches the SSH folders and calls `onChange` once per burst of changes (ssh-keygen writes two files). */
export function watchSshDirectories(config: Config, onChange: () => void): vscode.Disposable & { restart(): void } {
  let watchers: vscode.Disposable[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
  };
  const start = () => {
    for (const dir of config.sshDirectories) {
      // Outside the workspace, so a RelativePattern on the folder's URI; '**' also sees key subfolders.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**'));
      watchers.push(watcher, watcher.onDidCreate(fire), watcher.onDidChange(fire), watcher.onDidDelete(fire));
    }
  };
  const stop = () => {
    for (const w of watchers) w.dispose();
    watchers = [];
  };
  start();
  return {
    restart() {
      stop();
      start();
    },
    dispose() {
      clearTimeout(timer);
      stop();
    },
  };
}
