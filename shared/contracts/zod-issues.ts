/**
 * zod issues as `{ field, message }` pairs, the way the API's 400 details and the CLI's exit-2 lines name them. An
 * unknown key of a strict object is named by its own path (`dedline`, not the object that holds it) with the
 * closest known field as a hint ("did you mean deadline?").
 */
import { z } from 'zod';
import { editDistance } from '../domain/intensity/import-zones';

export interface FieldIssue {
  field: string;
  message: string;
}

/** The object schema at `path` inside `schema` (through optional, default, nullable, arrays and unions of objects). */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    for (let i = 0; s && i < 16; i++) {
      if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
      else if (s instanceof z.ZodDefault) s = s.removeDefault() as z.ZodType;
      else if (s instanceof z.ZodUnion) s = (s.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject);
      else return s;
    }
    return s;
  };
  let s = unwrap(schema);
  for (const seg of path) {
    if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    else if (s instanceof z.ZodObject && typeof seg === 'string') s = unwrap(s.shape[seg] as z.ZodType | undefined);
    else return undefined;
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : undefined;
}

/** The known field a mistyped one most likely meant (case-insensitive, at most a third of its letters off). */
export function closestField(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    const limit = k.length < 3 ? 0 : Math.max(1, Math.floor(k.length / 3));
    if (d <= limit && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

/**
 * Every issue of a failed parse of `schema` as field + message; `what` names the whole value (an issue at its root).
 * Unknown fields come first: a typo (`dedline`) usually explains the missing field reported next to it.
 */
export function fieldIssues(schema: z.ZodType, error: z.ZodError, what: string): FieldIssue[] {
  const issues = [...error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  return issues.flatMap((i): FieldIssue[] => {
    if (i.code !== 'unrecognized_keys') return [{ field: i.path.join('.') || what, message: i.message }];
    const known = objectKeysAt(schema, i.path) ?? [];
    return i.keys.map((key) => {
      const near = closestField(key, known);
      return { field: [...i.path, key].join('.'), message: `unknown field${near ? ` (did you mean ${near}?)` : ''}` };
    });
  });
}
