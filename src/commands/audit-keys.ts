// Audit Keys: runs the key audit (src/cloud/audit.ts) over the local keys and the signed-in cloud
// accounts and shows its findings in the Key Audit view.
import * as vscode from 'vscode';
import type { UserInput } from '../platform/user-input';
import { AUDIT_VIEW_ID, type AuditProvider } from '../views/audit-view';

export async function auditKeys(ui: UserInput, audit: AuditProvider): Promise<number> {
  const findings = await vscode.window.withProgress({ location: { viewId: AUDIT_VIEW_ID }, title: vscode.l10n.t('Auditing keys…') }, () => audit.run());
  if (findings.length === 0) void ui.showInformationMessage(vscode.l10n.t('Key audit: no findings.'));
  return findings.length;
}
