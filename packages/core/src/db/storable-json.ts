/** Deepest nesting of objects and arrays a body may have; real documents stay far below it. */
export const MAX_JSON_DEPTH = 64;

const pointerStep = (key: string) => `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/**
 * What is wrong with a parsed body that the database or a recursive walk could
 * not take: a string (value or key) holding a NUL character, or nesting deeper
 * than {@link MAX_JSON_DEPTH} (a 1 MB body can nest 500,000 deep, which
 * overflows the stack of any recursive serializer). Iterative for that reason.
 */
export function findUnstorableJson(body: unknown): { pointer: string; problem: "nul" | "depth" } | null {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: body, pointer: "", depth: 0 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return { pointer: pointer || "/", problem: "nul" };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { pointer: pointer || "/", problem: "depth" };
    for (const [key, item] of Object.entries(value)) {
      const at = pointer + pointerStep(key);
      if (key.includes("\u0000")) return { pointer: at, problem: "nul" };
      stack.push({ value: item, pointer: at, depth: depth + 1 });
    }
  }
  return null;
}

/** Why {@link findUnstorableJson} refused a value, for an error's detail. */
export function unstorableReason(problem: "nul" | "depth"): string {
  return problem === "nul" ? "text may not contain NUL characters (\\u0000)" : `nested deeper than ${MAX_JSON_DEPTH} levels`;
}
