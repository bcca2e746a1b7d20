import * as vscode from 'vscode';
import { expandHome } from '../keys/scan-fs';

/** Setting keys, in one place. */
export const SETTINGS = {
  section: 'cloudSshKeys',
  sshDirectories: 'sshDirectories',
  generateDefaultType: 'generate.defaultType',
  sshConfigFile: 'connect.sshConfigFile',
  preferPrivateIp: 'connect.preferPrivateIp',
} as const;

export type GenerateKeyType = 'ed25519' | 'rsa-3072' | 'rsa-4096' | 'ecdsa-256' | 'ecdsa-384' | 'ecdsa-521';

/** Typed read access to the extension's settings. */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SETTINGS.section);
  }

  /**
   * The folders scanned for keys, with `~` expanded. Machine-scoped in package.json, and read
   * through `inspect` so that a workspace's settings.json can never point us at other folders.
   */
  get sshDirectories(): string[] {
    const inspected = this.section.inspect<string[]>(SETTINGS.sshDirectories);
    const value = inspected?.globalValue ?? inspected?.defaultValue ?? ['~/.ssh'];
    const dirs = Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string' && d.trim() !== '') : [];
    return [...new Set(dirs.map((d) => expandHome(d.trim())))];
  }

  /**
   * The SSH config file Connect keeps its managed block in (`~/.ssh/config` by default). Machine
   * scoped and read like sshDirectories: a workspace cannot make us write elsewhere.
   */
  get sshConfigFile(): string {
    const inspected = this.section.inspect<string>(SETTINGS.sshConfigFile);
    const value = inspected?.globalValue ?? inspected?.defaultValue;
    return typeof value === 'string' && value.trim() ? expandHome(value.trim()) : expandHome('~/.ssh/config');
  }

  /** Connect to an instance's private address even when it has a public one (machine scoped). */
  get preferPrivateIp(): boolean {
    const inspected = this.section.inspect<boolean>(SETTINGS.preferPrivateIp);
    return (inspected?.globalValue ?? inspected?.defaultValue) === true;
  }

  get generateDefaultType(): GenerateKeyType {
    return this.section.get<GenerateKeyType>(SETTINGS.generateDefaultType, 'ed25519');
  }

  affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`${SETTINGS.section}.${key}`);
  }
}
