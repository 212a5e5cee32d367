/**
 * Compiles a risk profile's CEL expression (https://cel.dev, evaluated by @bufbuild/cel) once,
 * or says why not, with the position: a syntax error from the parser; an unknown variable or
 * field from a walk of the syntax tree against PROFILE_VARIABLES; a type error or unknown
 * function from a trial run on sample bindings where every field is present (once with every
 * boolean true, once false, so both sides of && and || are tried); a result that is not a bool.
 * Errors are data (`{ ok: false, ... }`), never exceptions.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { z } from 'zod';
import {
  type CelBindingValue,
  type CelObjectDecl,
  PROFILE_VARIABLES,
  sampleBindings,
} from './cel-variables.ts';

export interface ExpressionPosition {
  /** 0-based character offset in the expression. */
  offset: number;
  /** 1-based line and column. */
  line: number;
  column: number;
}

export type CompiledExpression = (bindings: Record<string, CelBindingValue>) => ExpressionResult;
export type ExpressionResult = { ok: true; hit: boolean } | { ok: false; reason: string };

export type CompileResult =
  | { ok: true; evaluate: CompiledExpression }
  | { ok: false; position: ExpressionPosition; reason: string };

type ParsedExpr = ReturnType<typeof parse>;
type Expr = ParsedExpr['expr'];

const peggyError = z.object({
  message: z.string(),
  location: z.object({ start: z.object({ offset: z.number(), line: z.number(), column: z.number() }) }),
});

const env = celEnv();

function positionAt(source: string, offset: number): ExpressionPosition {
  const before = source.slice(0, offset).split('\n');
  return { offset, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Compiles an expression over the profile variables, or answers the position and the reason. */
export function compileProfileExpression(source: string): CompileResult {
  if (source.trim() === '')
    return { ok: false, position: positionAt(source, 0), reason: 'the expression is empty' };
  let parsed: ParsedExpr;
  try {
    parsed = parse(source);
  } catch (e) {
    const p = peggyError.safeParse(e);
    if (!p.success) return { ok: false, position: positionAt(source, 0), reason: String(e) };
    const { offset } = p.data.location.start;
    return { ok: false, position: positionAt(source, offset), reason: syntaxReason(p.data.message) };
  }
  const offsetOf = (id: bigint): number => parsed.sourceInfo?.positions[id.toString()] ?? 0;
  const unknown = findUnknownField(parsed.expr, new Set());
  if (unknown)
    return { ok: false, position: positionAt(source, offsetOf(unknown.id)), reason: unknown.reason };

  const run = plan(env, parsed);
  for (const booleans of [true, false]) {
    const result = run(withBooleans(sampleBindings(), booleans));
    if (isCelError(result)) {
      const at = result.exprId == null ? 0 : offsetOf(result.exprId);
      return { ok: false, position: positionAt(source, at), reason: result.message };
    }
    if (typeof result !== 'boolean')
      return {
        ok: false,
        position: positionAt(source, 0),
        reason: 'the expression must answer true or false',
      };
  }
  return {
    ok: true,
    evaluate(bindings) {
      const result = run(bindings);
      if (isCelError(result)) return { ok: false, reason: result.message };
      if (typeof result !== 'boolean')
        return { ok: false, reason: 'the expression did not answer true or false' };
      return { ok: true, hit: result };
    },
  };
}

/** The parser's message without its "<input>:1:3: " prefix (the position is given apart). */
function syntaxReason(message: string): string {
  return message.replace(/^<input>:\d+:\d+:\s*/, '');
}

function withBooleans(
  bindings: Record<string, CelBindingValue>,
  value: boolean,
): Record<string, CelBindingValue> {
  const swap = (v: CelBindingValue): CelBindingValue =>
    typeof v === 'boolean' ? value : v instanceof Map ? new Map([...v].map(([k, x]) => [k, swap(x)])) : v;
  return Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, swap(v)]));
}

interface UnknownField {
  id: bigint;
  reason: string;
}

/**
 * Finds the first reference to a variable or field that PROFILE_VARIABLES does not declare.
 * `locals` are comprehension variables (`exists(c, ...)`), which may be anything.
 */
function findUnknownField(expr: Expr | undefined, locals: Set<string>): UnknownField | undefined {
  if (!expr) return undefined;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr': {
      const name = kind.value.name;
      if (locals.has(name) || name in PROFILE_VARIABLES) return undefined;
      return {
        id: expr.id,
        reason: `unknown variable "${name}"; see docs/risk-profiles.md for the variables`,
      };
    }
    case 'selectExpr': {
      const path = selectPath(expr);
      const root = path?.[0] ?? '';
      // An unknown root is reported at the identifier itself, further down.
      if (path && !locals.has(root) && root in PROFILE_VARIABLES) return checkPath(path, expr.id);
      return findUnknownField(kind.value.operand, locals);
    }
    case 'callExpr': {
      for (const e of [kind.value.target, ...kind.value.args]) {
        const found = findUnknownField(e, locals);
        if (found) return found;
      }
      return undefined;
    }
    case 'listExpr':
      for (const e of kind.value.elements) {
        const found = findUnknownField(e, locals);
        if (found) return found;
      }
      return undefined;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        const key = entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined;
        const found = findUnknownField(key, locals) ?? findUnknownField(entry.value, locals);
        if (found) return found;
      }
      return undefined;
    case 'comprehensionExpr': {
      const c = kind.value;
      const inner = new Set([...locals, c.iterVar, c.iterVar2, c.accuVar].filter((v) => v !== ''));
      return (
        findUnknownField(c.iterRange, locals) ??
        findUnknownField(c.accuInit, locals) ??
        findUnknownField(c.loopCondition, inner) ??
        findUnknownField(c.loopStep, inner) ??
        findUnknownField(c.result, inner)
      );
    }
    default:
      return undefined;
  }
}

/** `a.b.c` as ['a', 'b', 'c'] when the chain starts at an identifier, else undefined. */
function selectPath(expr: Expr): string[] | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return [kind.value.name];
  if (kind.case !== 'selectExpr' || !kind.value.operand) return undefined;
  const head = selectPath(kind.value.operand);
  return head ? [...head, kind.value.field] : undefined;
}

function checkPath(path: string[], id: bigint): UnknownField | undefined {
  let decl: CelObjectDecl | string = PROFILE_VARIABLES;
  for (const [i, name] of path.entries()) {
    if (typeof decl === 'string') {
      return { id, reason: `"${path.slice(0, i).join('.')}" is a ${decl} and has no field "${name}"` };
    }
    const next: CelObjectDecl | string | undefined = decl[name];
    if (next === undefined) {
      const where = i === 0 ? 'unknown variable' : `"${path.slice(0, i).join('.')}" has no field`;
      const known = Object.keys(decl).join(', ');
      return { id, reason: `${where} "${name}"; known: ${known}` };
    }
    decl = next;
  }
  return undefined;
}
