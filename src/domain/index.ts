/**
 * Pure customs domain layer: identifiers (ISO 6346 containers, IMO ships, EORI, seals), code
 * lists (UN/LOCODE, ISO 3166-1, HS 2022) and party-name matching. Nothing here throws on bad
 * input; every check returns a Result with a stable code and a reason. See docs/domain.md.
 */
export {
  type ContainerNumber,
  containerCheckDigit,
  type EquipmentCategory,
  parseContainerNumber,
} from './container-number.ts';
export { type Country, lookupCountry } from './country.ts';
export { parseEori } from './eori.ts';
export { type HsCode, type HsLevel, lookupHs } from './hs-code.ts';
export { imoCheckDigit, parseImoNumber } from './imo-number.ts';
export { type Locode, locodeCount, lookupLocode } from './locode.ts';
export { isToOrder, normalizePartyName } from './party-name.ts';
export { fail, ok, type Result } from './result.ts';
export { normalizeSeal } from './seal.ts';
export { parseSizeType, type SizeType } from './size-type.ts';
