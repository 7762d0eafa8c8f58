/** PROTOCOL.md: ids are strings of [A-Za-z0-9_.-]{1,64}. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}
