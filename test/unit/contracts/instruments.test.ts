/** The instrument registry contract: accepted whole or rejected naming every bad instrument and field. */
import { InstrumentRegistryError, parseInstrumentRegistry } from '../../../shared/contracts/instruments';
import { buildDemoInstruments } from '../../../shared/adapters/local/demo-instruments';

const doc = (instruments: unknown[]) => ({ apiVersion: 'carbonpilot/v1', kind: 'InstrumentRegistry', instruments });
const go = { id: 'go-1', type: 'go', region: 'eu-west-1', generationCountry: 'NO', technology: 'hydro', vintageYear: 2026, mwh: 100 };
const problems = (d: unknown): string[] => {
  try {
    parseInstrumentRegistry(d);
  } catch (e) {
    if (e instanceof InstrumentRegistryError) return e.problems;
    throw e;
  }
  return [];
};

describe('parseInstrumentRegistry', () => {
  it('accepts PPAs (hourly or annual), certificates and supplier rates, defaulting the rate of renewables to 0', () => {
    const r = parseInstrumentRegistry(doc([
      go,
      { id: 'ppa-h', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', hourlyProfile: [{ hour: '2026-11-01T12:00:00Z', mwh: 1.5 }] },
      { id: 'ppa-a', type: 'ppa', region: 'us-west-2', generationCountry: 'US', technology: 'wind', annualMwh: 5000, year: 2026 },
      { id: 'sup', type: 'supplier-rate', region: 'eu-north-1', utility: 'U', year: 2026, gCo2ePerKwh: 12 },
    ]));
    expect(r.instruments.map((i) => i.id)).toEqual(['go-1', 'ppa-h', 'ppa-a', 'sup']);
    expect(r.instruments[0]).toMatchObject({ gCo2ePerKwh: 0 });
  });

  it.each<[string, unknown, RegExp]>([
    ['an instrument with no region', { ...go, region: undefined }, /^instruments\[0\] \(go-1\) region: /],
    ['an instrument with no vintage', { ...go, vintageYear: undefined }, /^instruments\[0\] \(go-1\) vintageYear: /],
    ['a region that is not an AWS region code', { ...go, region: 'Ireland' }, /instruments\[0\] \(go-1\) region: expected an AWS region code/],
    ['a generator country that is not ISO alpha-2', { ...go, generationCountry: 'Norway' }, /generationCountry: expected an ISO 3166-1 alpha-2/],
    ['a PPA profile that is not hourly (half past)', { id: 'p', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', hourlyProfile: [{ hour: '2026-11-01T12:30:00Z', mwh: 1 }] }, /instruments\[0\] \(p\) hourlyProfile\[0\]\.hour: not an hourly profile/],
    ['a PPA profile with a repeated hour', { id: 'p', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', hourlyProfile: [{ hour: '2026-11-01T12:00:00Z', mwh: 1 }, { hour: '2026-11-01T13:00:00+01:00', mwh: 1 }] }, /hourlyProfile\[1\]\.hour: not an hourly profile: hour .* repeats entry 0/],
    ['a profile hour without a zone', { id: 'p', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', hourlyProfile: [{ hour: '2026-11-01 12:00', mwh: 1 }] }, /hourlyProfile\[0\]\.hour: expected an ISO-8601 instant with a zone/],
    ['a PPA with both a profile and an annual volume', { id: 'p', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', annualMwh: 3, year: 2026, hourlyProfile: [{ hour: '2026-11-01T12:00:00Z', mwh: 1 }] }, /hourlyProfile: give exactly one of hourlyProfile/],
    ['an annual PPA without its year', { id: 'p', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', annualMwh: 3 }, /instruments\[0\] \(p\) year: an annual-volume PPA needs the year/],
    ['a certificate of zero MWh', { ...go, mwh: 0 }, /mwh: a certificate covers a positive volume/],
    ['an unknown instrument type', { ...go, type: 'carbon-offset' }, /instruments\[0\] \(go-1\) type: /],
  ])('rejects %s, naming the instrument and field', (_what, bad, message) => {
    const ps = problems(doc([bad]));
    expect(ps.length).toBeGreaterThan(0);
    expect(ps.join('\n')).toMatch(message);
  });

  it('rejects a duplicate id (an instrument is claimed once) and lists every problem of the file at once', () => {
    const ps = problems(doc([go, { ...go, vintageYear: 1990 }, { ...go, id: 'other', region: 'x' }]));
    expect(ps.join('\n')).toMatch(/instruments\[1\] \(go-1\) id: duplicate id "go-1" \(also instruments\[0\]\)/);
    expect(ps.join('\n')).toMatch(/instruments\[1\] \(go-1\) vintageYear/);
    expect(ps.join('\n')).toMatch(/instruments\[2\] \(other\) region/);
    expect(() => parseInstrumentRegistry(doc([go, go]))).toThrow(/nothing imported/);
  });

  it('accepts the labelled demo registry', () => {
    const r = parseInstrumentRegistry({ ...doc(buildDemoInstruments(Date.UTC(2026, 10, 20) / 1000)), demo: true });
    expect(r.instruments.length).toBe(5);
    expect(r.instruments.every((i) => i.demo === true && /DEMO/.test(i.label ?? ''))).toBe(true);
  });
});
