/** Types of `source-bundle.js` (plain JavaScript: `bin/guardbell.js` needs it before TypeScript can load). */
export declare const ROOT: string;
export declare function buildBundle(opts: { entry: string; out: string; banner: string }): Promise<void>;
export declare function freshBundle(opts: { entry: string; out: string }): string | null;
export declare function bundleOf(source: string): string;
export declare function threadEntry(tsxEntry: URL): string | URL;
