/** View-title buttons pass nothing (or a tree node); tests and other commands pass a preset object. */
export function presetOf<T extends object>(value: unknown): Partial<T> | undefined {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && !('kind' in value)
    ? (value as Partial<T>)
    : undefined;
}
