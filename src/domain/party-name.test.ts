import { describe, expect, it } from 'vitest';
import { requireSharedData } from '../../test/support/shared-data.ts';
import { isToOrder, normalizePartyName, normalizeSeal } from './index.ts';

describe('normalizePartyName', () => {
  const cases: [raw: string, normalised: string][] = [
    ['Frutas del Sur S.A.C.', 'FRUTAS DEL SUR'],
    ['FRUTAS DEL SUR SAC', 'FRUTAS DEL SUR'],
    ['Frutas del Sur, S. A. C.', 'FRUTAS DEL SUR'],
    ['Exportadora Bananera Noboa S.A.', 'EXPORTADORA BANANERA NOBOA'],
    ['Van Dam Fruit B.V.', 'VAN DAM FRUIT'],
    ['Hapag-Lloyd AG', 'HAPAG LLOYD'],
    ['Müller & Söhne GmbH & Co. KG', 'MULLER AND SOHNE'],
    ['Comercializadora Andina Cía. Ltda.', 'COMERCIALIZADORA ANDINA'],
    ['Agroindustrias Perú E.I.R.L.', 'AGROINDUSTRIAS PERU'],
    ['Importadora del Norte, S.A. de C.V.', 'IMPORTADORA DEL NORTE'],
    ['Shenzhen Ocean Trading Co., Ltd.', 'SHENZHEN OCEAN TRADING'],
    ['  ACME   Limited ', 'ACME'],
    ['Société Générale SAS', 'SOCIETE GENERALE'],
    ['Banco de la Producción', 'BANCO DE LA PRODUCCION'], // "DE" is only dropped inside "SA DE CV"
    ['Maersk A/S', 'MAERSK'],
    ['Antwerp Zoo Sp. z o.o.', 'ANTWERP ZOO'],
    ['S.A.', 'SA'], // a name made only of a legal form keeps it
    ['', ''],
  ];
  it.each(cases)('%s → %s', (raw, normalised) => {
    expect(normalizePartyName(raw)).toBe(normalised);
  });
});

describe('isToOrder', () => {
  const cases: [name: string, toOrder: boolean][] = [
    ['TO ORDER', true],
    ['to order', true],
    ['TO THE ORDER OF BANCO PICHINCHA C.A.', true],
    ['TO ORDER OF SHIPPER', true],
    ['To the order of: Rabobank', true],
    ['ORDER', true],
    ['A LA ORDEN', true],
    ['A la orden de Banco del Pacífico', true],
    ['ORDERLY LOGISTICS BV', false],
    ['TOTAL ORDER SOLUTIONS', false],
    ['FRUTAS DEL SUR SAC', false],
    ['', false],
  ];
  it.each(cases)('%s → %s', (name, toOrder) => {
    expect(isToOrder(name)).toBe(toOrder);
  });
});

describe('normalizeSeal', () => {
  const cases: [raw: string, expected: string | { code: string }][] = [
    ['ml-1234567', 'ML1234567'],
    ['# 00123 456', '00123456'],
    ['SEAL', 'SEAL'],
    ['AB', { code: 'invalid_seal' }],
    ['123456789012345678901', { code: 'invalid_seal' }],
    ['AB/123', { code: 'invalid_seal' }],
    ['', { code: 'invalid_seal' }],
  ];
  it.each(cases)('%s', (raw, expected) => {
    const result = normalizeSeal(raw);
    if (typeof expected === 'string') expect(result).toEqual({ ok: true, value: expected });
    else expect(result).toMatchObject({ ok: false, code: expected.code });
  });
});

describe('requireSharedData', () => {
  it('fails with a clear message when a shared file is missing', () => {
    expect(() => requireSharedData('no-such-folder/no-such-file.csv')).toThrow(/missing/);
  });
});
