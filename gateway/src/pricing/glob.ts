/**
 * Model-name patterns of project price overrides: `*` matches any run of characters (also none),
 * everything else matches itself, in any letter case, against the whole name.
 */

export const GLOB_MAX_LENGTH = 200;
export const GLOB_MAX_WILDCARDS = 8;

/**
 * Why `glob` cannot be a pattern, or null. Checked when a pattern is written. The bounds keep
 * patterns sensible; matching time is bounded by globMatches itself, whatever a pattern holds.
 */
export function globProblem(glob: string): string | null {
  if (glob.length < 1 || glob.length > GLOB_MAX_LENGTH) return `must be 1 to ${GLOB_MAX_LENGTH} characters`;
  if (/\s/.test(glob)) return "must not contain whitespace";
  const wildcards = glob.split("*").length - 1;
  if (wildcards > GLOB_MAX_WILDCARDS) return `may have at most ${GLOB_MAX_WILDCARDS} * wildcards (has ${wildcards})`;
  return null;
}

/**
 * Whether `name` matches `glob`. Hand-written (about twenty lines) instead of a regex, whose
 * backtracking on patterns like `*a*a*a*b` takes exponential time on names that do not match.
 * This is the classic greedy two-pointer match: on a mismatch it only ever goes back to the last
 * `*` seen, letting it swallow one more character, so the worst case is O(glob × name) steps.
 */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.toLowerCase();
  const text = name.toLowerCase();
  let p = 0;
  let t = 0;
  let lastStar = -1; // position of the last `*` in pattern, -1 before any
  let resumeAt = 0; // where in text that `*` currently stops swallowing
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      lastStar = p++;
      resumeAt = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (lastStar >= 0) {
      p = lastStar + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
