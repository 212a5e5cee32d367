/**
 * Evaluation of risk profiles over container views, pure: each profile valid at the moment is
 * compiled once, each view converted to CEL bindings once. A profile whose expression errors on
 * a view (usually a fact that is absent, e.g. no consignee) does not hit it; the error is
 * reported with the view so that a profile that errors often can be fixed.
 */
import { type CompiledExpression, compileProfileExpression } from './cel-compile.ts';
import { profileBindings } from './cel-variables.ts';
import type { ContainerView } from './view.ts';

export type ProfileAction = 'score' | 'select';

/** A profile version as evaluation needs it. */
export interface ProfileRule {
  profileId: number;
  version: number;
  name: string;
  expression: string;
  weight: number;
  action: ProfileAction;
  active: boolean;
  validFrom: Date | null;
  validTo: Date | null;
}

/** A profile that hit a container (the shape assessments record). */
export interface ProfileHit {
  profileId: number;
  version: number;
  name: string;
  weight: number;
  action: ProfileAction;
}

export interface ProfileEvaluation {
  consignmentId: number;
  containerId: number;
  containerNumber: string;
  hits: ProfileHit[];
  errors: { profileId: number; version: number; reason: string }[];
}

export interface EvaluationResult {
  /** One entry per view, in the views' order. */
  results: ProfileEvaluation[];
  /** Profile id → version of every profile evaluated (valid and active at the moment). */
  versions: Record<string, number>;
  /** Profiles skipped because their stored expression no longer compiles (should not happen). */
  uncompilable: { profileId: number; version: number; reason: string }[];
}

/** Whether a profile applies at `at`: active, and `validFrom <= at < validTo`. */
export function profileInForce(p: ProfileRule, at: Date): boolean {
  if (!p.active) return false;
  if (p.validFrom && at < p.validFrom) return false;
  if (p.validTo && at >= p.validTo) return false;
  return true;
}

/** Evaluates the profiles in force at `at` on every view. */
export function evaluateProfiles(
  views: readonly ContainerView[],
  profiles: readonly ProfileRule[],
  at: Date,
): EvaluationResult {
  const versions: Record<string, number> = {};
  const uncompilable: EvaluationResult['uncompilable'] = [];
  const programs: { profile: ProfileRule; evaluate: CompiledExpression }[] = [];
  for (const p of profiles) {
    if (!profileInForce(p, at)) continue;
    const compiled = compileProfileExpression(p.expression);
    if (!compiled.ok) {
      uncompilable.push({ profileId: p.profileId, version: p.version, reason: compiled.reason });
      continue;
    }
    versions[String(p.profileId)] = p.version;
    programs.push({ profile: p, evaluate: compiled.evaluate });
  }
  const results = views.map((view): ProfileEvaluation => {
    const bindings = profileBindings(view);
    const hits: ProfileHit[] = [];
    const errors: ProfileEvaluation['errors'] = [];
    for (const { profile: p, evaluate } of programs) {
      const r = evaluate(bindings);
      if (!r.ok) errors.push({ profileId: p.profileId, version: p.version, reason: r.reason });
      else if (r.hit)
        hits.push({
          profileId: p.profileId,
          version: p.version,
          name: p.name,
          weight: p.weight,
          action: p.action,
        });
    }
    return {
      consignmentId: view.consignmentId,
      containerId: view.containerId,
      containerNumber: view.containerNumber,
      hits,
      errors,
    };
  });
  return { results, versions, uncompilable };
}
