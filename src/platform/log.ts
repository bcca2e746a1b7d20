import * as vscode from 'vscode';

/**
 * The extension's log (Output → Cloud SSH Keys). Only paths, counts, fingerprints and
 * request ids go here: never key material, passphrases or credentials.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Cloud SSH Keys', { log: true });
}
