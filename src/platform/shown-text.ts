// How the extension shows text it did not write (a cloud's key names, IDs, descriptions and
// error messages; file names): never raw. Pure, no `vscode` import, so unit tests can run it.
import { visibleText } from '../keys/visibleText';

/**
 * Text for a notification, tree item, prompt or log line: controls, bidi and invisible characters
 * as `\uXXXX` (visibleText), and no `[label](target)` link: a notification makes one a link that
 * opens a URL or runs a command, so a space goes between `]` and `(`. Showing it twice changes nothing.
 */
export function shownText(text: string | number): string {
  return visibleText(String(text)).replace(/\]\(/g, '] (');
}

/** Text for a quick pick's label, description or detail, which turn `$(name)` into an icon: `\$(` shows it as written. */
export function shownInQuickPick(text: string): string {
  return shownText(text).replace(/(?<!\\)\$\(/g, '\\$(');
}
