/*
 * Party names (shipper, consignee, notify party) normalised for matching across manifests, partner
 * intelligence and watch lists. The same company is written "Frutas del Sur S.A.C.",
 * "FRUTAS DEL SUR SAC" and "Frutas del Sur, S. A. C." — all normalise to "FRUTAS DEL SUR".
 */

/** Legal-form tokens dropped anywhere in a name (after abbreviation dots are removed). */
const LEGAL_FORMS = new Set(
  (
    'AB AG AS ASA BV BVBA CIA CO COMPANY CORP CORPORATION CV EIRL GMBH INC INCORPORATED KG LIMITED ' +
    'LLC LLP LP LTD LTDA NV OY PLC PTE PTY SA SAC SARL SAS SL SNC SPA SPRL SRL SRO VOF'
  ).split(' '),
);

/** Multi-word legal forms removed as phrases, because their middle words ("DE") are ordinary words elsewhere. */
const LEGAL_PHRASES = [/\bS DE RL DE CV\b/g, /\bSA DE CV\b/g, /\bS DE RL\b/g, /\bSP Z OO\b/g, /\bAND CO\b/g];

/**
 * Normalise a party name for matching: upper-case, accents stripped, "&" read as AND, punctuation
 * removed (abbreviation dots joined: "B.V." → "BV"), legal forms dropped, spaces collapsed.
 * A name made only of legal forms keeps them rather than becoming empty.
 */
export function normalizePartyName(name: string): string {
  if (typeof name !== 'string') return '';
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/&/g, ' AND ')
    // "S.A.C." / "B. V." → "SAC" / "BV": dots after single letters mark abbreviations, not word breaks
    .replace(/\b([A-Z])\.\s?(?=[A-Z]\b)/g, '$1')
    // "A/S", "S/A": a slash between single letters is also an abbreviation
    .replace(/\b([A-Z])\/([A-Z])\b/g, '$1$2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  let withoutPhrases = ` ${plain} `;
  for (const phrase of LEGAL_PHRASES) withoutPhrases = withoutPhrases.replace(phrase, ' ');
  const tokens = withoutPhrases.split(' ').filter((t) => t.length > 0 && !LEGAL_FORMS.has(t));
  if (tokens.length === 0) return plain.replace(/\s+/g, ' ');
  return tokens.join(' ');
}

const TO_ORDER = [
  /^(UN)?TO (THE )?ORDER\b/,
  /^ORDER( OF\b|$)/,
  /^A LA ORDEN\b/,
  /^AL? ORDEN\b/,
  /^A L ORDRE\b/,
  /^AAN ORDER\b/,
];

/**
 * True when a consignee is a negotiable "to order" designation ("TO ORDER", "TO THE ORDER OF
 * BANCO X", "TO ORDER OF SHIPPER", Spanish "A LA ORDEN"): the real receiver is then unknown
 * until the bill of lading is endorsed, which is a targeting signal.
 */
export function isToOrder(name: string): boolean {
  if (typeof name !== 'string') return false;
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  return TO_ORDER.some((pattern) => pattern.test(plain));
}
