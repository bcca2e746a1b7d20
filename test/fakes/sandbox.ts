// What every cloud's fake offers to the scripts that start it (npm start, npm run sandbox, the
// real-host test harness, the host benchmark): test/clouds/<cloud>/fake/sandbox.ts exports one
// `SANDBOX`, and those scripts loop over the folders, so none of them names a cloud.

import type { InstanceHostsView } from './instance-hosts';

export interface StartedSandbox {
  url: string;
  /** The fake server itself (its request log, state, faults), for the harness's steps. */
  fake: unknown;
  /**
   * Its instances as an sshd harness needs them (instance-hosts.ts): each one's loopback listen
   * address, login user and port, the public keys it accepts, and the listener told when they change.
   */
  hosts: InstanceHostsView;
  /** The fake's test credential, by CredentialField id (`secretId`, `accessKeyId`, …); not secrets. */
  credential: Record<string, string>;
  /** The environment variables that make the CLI and the extension use that credential. */
  env: Record<string, string>;
  /** Lines for a person: URL, credential, CLI commands to try (`{cli}` stands for the path to dist/cli.js). */
  banner: string[];
  stop(): Promise<void>;
}

export interface CloudSandbox {
  /** The cloud's id in src/clouds/registry.ts. */
  cloud: string;
  /** `Tencent Cloud`: whose credentials. */
  name: string;
  /** `Tencent Cloud CVM`: what the fake simulates. */
  service: string;
  /** The machine-scoped setting pointing the extension at it. */
  endpointSetting: string;
  /** Settings the browser suite adds (regions to show, …), given the fake's URL. */
  testSettings(url: string): Record<string, unknown>;
  /** The variables whose presence means "use the real cloud" (all of them set). */
  credentialVariables: string[];
  /** Variables to drop when the sandbox's credential is used (a session token of a real account). */
  clearVariables: string[];
  /** Whether the browser suite gives the extension this fake's credential through the environment (else its steps set it through the palette). */
  testCredentialInEnvironment: boolean;
  /** Where the in-host suite finds the fake's URL. */
  testUrlVariable: string;
  start(options?: SandboxStartOptions): Promise<StartedSandbox>;
}

export interface SandboxStartOptions {
  /** The fake's HTTP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * Added to the fake's own loopback block (CVM 1, Lighthouse 2, ECS 3: test/fakes/instance-hosts.ts),
   * so that runs at the same time never share an instance address: 30 puts the CVM's instances on
   * 127.0.31.n. Default 0. The plan: test/harness/README.md ("Instance servers").
   */
  addressOffset?: number;
  /**
   * The user every Linux instance logs in as (the instance servers' user, test/harness/instance-servers.mjs),
   * as the cloud can say it: CVM reports it (DefaultLoginUser); Lighthouse and ECS report none, so
   * their instances get images or settings that log in as it (`root` works everywhere). Default: each image's own.
   */
  loginUser?: string;
}
