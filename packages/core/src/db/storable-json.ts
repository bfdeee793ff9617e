/** Deepest nesting of objects and arrays a body may have; real documents stay far below it. */
export const MAX_JSON_DEPTH = 64;

/** Why a value cannot be stored: see {@link findUnstorableJson}. */
export type UnstorableProblem = "nul" | "surrogate" | "depth";

const pointerStep = (key: string) => `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

// Code-unit regex (no `u` flag): a high surrogate not followed by a low one, or a low one without a high one before it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): UnstorableProblem | null {
  if (text.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(text)) return "surrogate";
  return null;
}

/**
 * What is wrong with a parsed body that the database or a recursive walk could
 * not take: a string (value or key) holding a NUL character or an unpaired
 * UTF-16 surrogate (JSON's `"\ud800"` parses to one; it has no UTF-8 form, so
 * jsonb refuses it and text would silently store U+FFFD), or nesting deeper
 * than {@link MAX_JSON_DEPTH} (a 1 MB body can nest 500,000 deep, which
 * overflows the stack of any recursive serializer). Iterative for that reason.
 */
export function findUnstorableJson(body: unknown): { pointer: string; problem: UnstorableProblem } | null {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: body, pointer: "", depth: 0 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) return { pointer: pointer || "/", problem };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { pointer: pointer || "/", problem: "depth" };
    for (const [key, item] of Object.entries(value)) {
      const at = pointer + pointerStep(key);
      const problem = textProblem(key);
      if (problem) return { pointer: at, problem };
      stack.push({ value: item, pointer: at, depth: depth + 1 });
    }
  }
  return null;
}

/** Why {@link findUnstorableJson} refused a value, for an error's detail. */
export function unstorableReason(problem: UnstorableProblem): string {
  switch (problem) {
    case "nul":
      return "text may not contain NUL characters (\\u0000)";
    case "surrogate":
      return "text may not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)";
    case "depth":
      return `nested deeper than ${MAX_JSON_DEPTH} levels`;
  }
}
