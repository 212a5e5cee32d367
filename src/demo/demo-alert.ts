/**
 * The alert the two-instance demo creates at Belgian customs about a container that will arrive
 * in Rotterdam, so that a visitor sees it reach Dutch customs and correlate with Dutch traffic.
 *
 * The simulator is deterministic, so the demo looks ahead in the same simulation the Dutch
 * instance is fed (same start day, seed and scale) and picks a container of an upcoming port-day:
 * preferably one the hidden ground truth marks as contaminated (the story the demo tells: Belgian
 * intelligence about a box really carrying cocaine), else a reefer from South America, else the
 * first box of the day. The ground truth is read here only to choose the demo's alert; it never
 * enters either instance.
 */
import { simulateDays } from '../sim/stream.ts';

export interface DemoPlan {
  /** First simulated day of the feed (YYYY-MM-DD). */
  from: string;
  seed: number;
  scale: number;
}

export interface AlertTarget {
  containerNumber: string;
  transportDocumentNumber: string;
  vesselName: string;
  vesselImo: string;
  /** Arrival of the vessel (ISO time) and the simulated port-day it belongs to. */
  arrival: string;
  date: string;
  /** Index of the port-day in the feed (0 = `from`). */
  dayIndex: number;
  origin: string;
  contaminated: boolean;
}

const SOUTH_AMERICA = new Set(['EC', 'CO', 'PE', 'BR', 'PY', 'VE', 'GY', 'SR', 'BO', 'CL', 'AR', 'UY']);

/** A container arriving at `port` on one of the port-days [firstDay, firstDay + lookDays). */
export function pickAlertTarget(
  plan: DemoPlan,
  port: string,
  firstDay: number,
  lookDays = 3,
): AlertTarget | undefined {
  let fallback: AlertTarget | undefined;
  let reefer: AlertTarget | undefined;
  let dayIndex = 0;
  for (const day of simulateDays({
    ports: [port],
    from: plan.from,
    days: firstDay + lookDays,
    seed: plan.seed,
    scale: plan.scale,
    formats: ['edifact'],
  })) {
    const index = dayIndex++;
    if (index < firstDay) continue;
    const contaminated = new Set(day.truth.map((t) => t.containerNumber));
    for (const { call, consignments } of day.calls) {
      for (const c of consignments) {
        for (const box of c.containers) {
          const target: AlertTarget = {
            containerNumber: box.containerNumber,
            transportDocumentNumber: c.transportDocumentNumber,
            vesselName: call.vesselName,
            vesselImo: call.vesselImo,
            arrival: new Date(call.ata).toISOString(),
            date: day.date,
            dayIndex: index,
            origin: c.originCountry,
            contaminated: contaminated.has(box.containerNumber),
          };
          if (target.contaminated) return target;
          if (!reefer && box.sizeType.charAt(2) === 'R' && SOUTH_AMERICA.has(c.originCountry))
            reefer = target;
          fallback ??= target;
        }
      }
    }
  }
  return reefer ?? fallback;
}

/** The body of `POST /v1/alerts` for the chosen container. */
export function demoAlertBody(target: AlertTarget, now = new Date()) {
  return {
    subject: 'container' as const,
    title: `Cocaine suspected in container ${target.containerNumber} bound for Rotterdam`,
    description:
      `Demo alert: an informant reports a rip-on/rip-off load in ${target.containerNumber} ` +
      `(bill ${target.transportDocumentNumber}) on ${target.vesselName}, expected in Rotterdam on ${target.date}. ` +
      'Recommended: hold and inspect on arrival.',
    recommendedAction: 'hold' as const,
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    sourceReliability: 'B' as const,
    infoCredibility: 2,
    tlp: 'AMBER' as const,
    identifiers: {
      containerNumbers: [target.containerNumber],
      transportDocumentNumbers: [target.transportDocumentNumber],
      sealNumbers: [],
      imoNumbers: [],
      parties: [],
    },
  };
}
