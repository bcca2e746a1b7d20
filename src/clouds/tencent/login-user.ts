// Who an SSH login to a Tencent Cloud Linux instance is. CVM's DescribeInstances reports it
// (Instance.DefaultLoginUser, "默认登录用户", and DefaultLoginPort); when it reports none, the user
// follows the image: Tencent Cloud's public Ubuntu images log in as `ubuntu` (root login is off on
// them), its other Linux images (TencentOS, CentOS, Debian, …) as `root`. Lighthouse shares the rule.

import type { CloudInstance, DefaultLoginUserRule } from '../../cloud/provider';

/** The documented user of a Tencent Cloud Linux image: `ubuntu` on Ubuntu, else `root`; undefined on Windows (key pairs are Linux-only). */
export function tencentImageLoginUser(instance: Pick<CloudInstance, 'platform' | 'osName' | 'osFamily'>): string | undefined {
  if (instance.platform === 'windows') return undefined;
  return /ubuntu/i.test(`${instance.osFamily ?? ''} ${instance.osName}`) ? 'ubuntu' : 'root';
}

/** CVM: the DefaultLoginUser DescribeInstances reports, else the image's documented user. */
export const defaultLoginUser: DefaultLoginUserRule = (instance) =>
  instance.platform === 'windows' ? undefined : (instance.loginUser ?? tencentImageLoginUser(instance));
