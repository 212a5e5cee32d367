/**
 * Masses in kilograms are rounded to the milligram wherever Tandem adds them up (statistics, joint
 * figures, operation tallies, feedback): enough for the smallest seizure (half a gram is 0.0005 kg)
 * and far above the noise of adding floating-point numbers, so a total is the same whatever the
 * grouping or the order of the sum. Rounded to the gram, 101.5 + 137.7 + 0.0005 came out as 239.2
 * or 239.201 depending on the order.
 */
export const roundMass = (kg: number): number => Math.round(kg * 1_000_000) / 1_000_000;
