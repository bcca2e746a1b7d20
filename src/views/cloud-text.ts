// How the Cloud Key Pairs view shows the cloud's region names and times (no vscode: unit-tested).

/** A region name as the cloud spells it, spaced for reading: "South China(Guangzhou)" → "South China (Guangzhou)". */
export function regionDisplayName(name: string): string {
  return name
    .replace(/([^\s(（])\(/g, '$1 (')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** An ISO 8601 time (the cloud's, in UTC) in the user's local time; the text itself when it is not a time. */
export function localTime(iso: string, locale?: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso;
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  try {
    return new Date(time).toLocaleString(locale);
  } catch {
    return new Date(time).toLocaleString(); // an unknown locale tag
  }
}

/** When a cached listing was made, for "cached …": the local time, with the date when it is not today. */
export function cachedAt(time: number, now = Date.now(), locale?: string): string {
  const at = new Date(time);
  const sameDay = at.toDateString() === new Date(now).toDateString();
  try {
    return sameDay ? at.toLocaleTimeString(locale) : at.toLocaleString(locale);
  } catch {
    return sameDay ? at.toLocaleTimeString() : at.toLocaleString();
  }
}
