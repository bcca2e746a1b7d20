// Who an SSH login to a Lighthouse Linux instance is. Lighthouse's Instance data type documents no
// login user (its DescribeInstances has no DefaultLoginUser; a key bound ONLINE may name a Username,
// KeyPair.AssociatedInstanceSet[].Username, per key and not per instance). So the image decides, by
// Tencent Cloud's rule: `ubuntu` on its Ubuntu images (Platform UBUNTU), `root` on the other Linux
// images. CVM's rule is exactly that once no login user is reported, so it is shared.

export { defaultLoginUser } from '../tencent/login-user';
