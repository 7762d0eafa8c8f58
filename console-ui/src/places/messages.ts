/** The places strings of the console, in Korean (default) and English; merged into i18n.ts. */
export const ko = {
} as const;

export const en: Record<keyof typeof ko, string> = {
};
