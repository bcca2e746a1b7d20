// Who an SSH login to an ECS Linux instance is. ECS's "instance logon credentials" page: a Linux
// instance created without a logon name logs in as `root`; images that support it (DescribeImages
// LoginAsNonRootSupported) may be created to log in as the ordinary user `ecs-user` instead, which
// DescribeInstances reports as ImageOptions.LoginAsNonRoot. The docs phrase that field as whether the
// image "supports" ecs-user; the RunInstances page sets it to make the instance log in as ecs-user,
// which is the reading taken here.

import type { DefaultLoginUserRule } from '../../cloud/provider';

/** ECS: `ecs-user` when the instance was set up to log in as it, else `root`; undefined on Windows. */
export const defaultLoginUser: DefaultLoginUserRule = (instance) => {
  if (instance.platform === 'windows') return undefined;
  return instance.loginUser ?? (instance.loginAsNonRoot ? 'ecs-user' : 'root');
};
