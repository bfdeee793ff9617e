/**
 * A piece of parameterised SQL: text with `$n` placeholders is only produced
 * at the end (`toStatement`), so fragments compose without renumbering.
 * Values only ever travel as parameters; identifiers only come from the
 * schema's model map and are always quoted.
 */
export class Sql {
  private constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** Tagged template: each `${x}` is a parameter, or an embedded fragment when `x` is an `Sql`. */
  static of(strings: TemplateStringsArray, ...values: unknown[]): Sql {
    const parts: string[] = [strings[0]!];
    const params: unknown[] = [];
    values.forEach((value, i) => {
      if (value instanceof Sql) {
        parts[parts.length - 1] += value.strings[0];
        for (let j = 0; j < value.values.length; j++) {
          params.push(value.values[j]);
          parts.push(value.strings[j + 1]!);
        }
        parts[parts.length - 1] += strings[i + 1];
      } else {
        params.push(value);
        parts.push(strings[i + 1]!);
      }
    });
    return new Sql(parts, params);
  }

  /** SQL text with no parameters; only for keywords and quoted identifiers built here. */
  static raw(text: string): Sql {
    return new Sql([text], []);
  }

  /** A quoted identifier (`"Resource"`, `t."name"`). */
  static ident(...names: string[]): Sql {
    return Sql.raw(names.map((name) => `"${name.replace(/"/g, '""')}"`).join("."));
  }

  /** Fragments joined by a separator (an empty list gives `empty`). */
  static join(parts: readonly Sql[], separator: string, empty = ""): Sql {
    if (parts.length === 0) return Sql.raw(empty);
    let out = parts[0]!;
    for (const part of parts.slice(1)) out = Sql.of`${out}${Sql.raw(separator)}${part}`;
    return out;
  }

  /** The statement text with `$1…$n` and its parameters. */
  toStatement(): { text: string; values: unknown[] } {
    let text = this.strings[0]!;
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return { text, values: [...this.values] };
  }
}

export const sql = Sql.of;
