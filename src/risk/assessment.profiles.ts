/**
 * How assessment asks the risk profiles about a batch of views. The profiles capability
 * (src/risk/profiles.*) evaluates CEL expressions; this seam keeps assessment independent of
 * how profiles are stored, and lets tests pass a fixed set of hits.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AssessedProfileHit } from './assessment.ts';
import { evaluateProfiles } from './profiles.evaluate.ts';
import { currentVersions } from './profiles.repo.ts';
import { toRule } from './profiles.service.ts';
import type { ContainerView } from './view.ts';

export interface ProfileEvaluation {
  /** The hits of each view, in the order of the views. */
  hits: AssessedProfileHit[][];
  /** Profile id → version of every profile evaluated. */
  versions: Record<string, number>;
}

export interface ProfileEvaluator {
  evaluate(views: readonly ContainerView[], at: Date): Promise<ProfileEvaluation>;
}

/**
 * The current version of every stored profile, evaluated at `at` (only those active and valid
 * then count; their versions are recorded with each assessment).
 */
export function activeProfileEvaluator(db: Kysely<DB>): ProfileEvaluator {
  return {
    async evaluate(views, at) {
      if (views.length === 0) return { hits: [], versions: {} };
      const rules = (await currentVersions(db)).map(toRule);
      const result = evaluateProfiles(views, rules, at);
      return { hits: result.results.map((r) => r.hits), versions: result.versions };
    },
  };
}

/** An evaluator from a pure rule per profile (tests, benches). */
export function fixedProfileEvaluator(
  profiles: readonly (Omit<AssessedProfileHit, 'weight'> & {
    weight: number;
    test: (view: ContainerView) => boolean;
  })[],
): ProfileEvaluator {
  const versions = Object.fromEntries(profiles.map((p) => [String(p.profileId), p.version]));
  return {
    evaluate: async (views) => ({
      hits: views.map((v) =>
        profiles
          .filter((p) => p.test(v))
          .map(({ profileId, version, name, weight, action }) => ({
            profileId,
            version,
            name,
            weight,
            action,
          })),
      ),
      versions,
    }),
  };
}
