/** HTTP API of the release gate, for terminal systems (a `release:query` token can do nothing else). */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { ReleaseGate } from './gate.service.ts';
import { HOLD_CODES, RELEASE_CODES } from './gate.ts';

const answerSchema = z.object({
  containerNumber: z.string().describe('the number as normalised, e.g. MSCU1234565'),
  decision: z.enum(['RELEASE', 'HOLD']),
  reasons: z.array(z.enum([...Object.values(HOLD_CODES), ...Object.values(RELEASE_CODES)])),
  holdId: z.number().int().optional().describe('the hold to quote when calling customs'),
  checkedAt: z.string().describe('ISO 8601 time of the answer'),
});

export function releaseGateRoutes(gate: ReleaseGate): RouteModule {
  return routeModule('release gate', [
    route('GET', '/v1/release/:containerNumber', 'release:query')
      .summary(
        'May this container leave the terminal?',
        'RELEASE or HOLD with reason codes (HOLD: CUSTOMS_HOLD, plus SCAN_PENDING and/or PHYSICAL_PENDING, or ' +
          'ASSESSMENT_PENDING while the manifest is not yet assessed; ' +
          'RELEASE: NO_CUSTOMS_HOLD, INSPECTIONS_COMPLETE or OVERRIDDEN). The codes never say why a container ' +
          'was selected. Every question is logged before it is answered. A number failing the ISO 6346 check ' +
          'answers 400 `invalid_container_number` (logged as INVALID). Any answer other than 200 RELEASE ' +
          'means: keep the container. See docs/barrier.md.',
      )
      // No length rule here: every question, however malformed, reaches the gate and its log.
      .params(z.object({ containerNumber: z.string() }))
      .response(answerSchema)
      .handle(({ params, actor }) => gate.query(params.containerNumber, actor)),
  ]);
}
