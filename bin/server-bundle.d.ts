/** Types of `server-bundle.js`. */
export declare const SERVER_BUNDLE: string;
export declare function buildServerBundle(out?: string): Promise<void>;
export declare function freshServerBundle(out?: string): string | null;
export declare const THREAD_SOURCES: string[];
export declare function buildThreadBundles(): Promise<void>;
