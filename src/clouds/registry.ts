// The clouds, in the order the views and menus show them. Everything else a cloud owns is in its
// folder beside this file; the extension, the views, the commands, the build and the sandbox loop
// over this list (CONTRIBUTING.md, "Adding a cloud"). The CLI's subcommands are in cli-registry.ts,
// apart so that the extension's bundle never holds CLI code.
import type { CloudProviderDescriptor } from '../cloud/descriptors';
import { TENCENT_DESCRIPTOR } from './tencent/descriptor';
import { ALIBABA_DESCRIPTOR } from './alibaba/descriptor';
import { LIGHTHOUSE_DESCRIPTOR } from './lighthouse/descriptor';

export const CLOUDS: readonly CloudProviderDescriptor[] = [TENCENT_DESCRIPTOR, LIGHTHOUSE_DESCRIPTOR, ALIBABA_DESCRIPTOR];

/** The registered cloud with this id, if any. */
export function cloudById(id: string): CloudProviderDescriptor | undefined {
  return CLOUDS.find((d) => d.id === id);
}
