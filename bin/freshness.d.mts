/** The file whose modification time is the build's start time (relative to the package root). */
export declare const STAMP: string;
/** 'fresh', 'missing' (never built) or 'stale' (a source changed after the last build started). */
export declare function distState(root: string): 'fresh' | 'missing' | 'stale';
