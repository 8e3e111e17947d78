/** Caps applied to an uploaded archive before and while it is read (DESIGN.md §7). */
export interface UnpackLimits {
  /** Size of the zip file itself. */
  maxCompressedBytes: number;
  /** Sum of all entries once inflated, declared and actual. */
  maxUncompressedBytes: number;
  maxEntries: number;
  /** Largest inflated/compressed ratio for one entry bigger than `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this are exempt from `maxRatio`: small, repetitive files legitimately compress very well. */
  ratioFloorBytes: number;
  /** Most path segments in one entry name (`a/b/c.js` has 3). */
  maxPathDepth: number;
}

export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxCompressedBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxEntries: 10_000,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxPathDepth: 32,
};
