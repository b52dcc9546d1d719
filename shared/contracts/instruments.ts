/**
 * The contractual-instruments registry (`carbonpilot/v1`, kind `InstrumentRegistry`) for market-based scope 2
 * (GHG Protocol Scope 2 Guidance, 2015, ch. 6–7): PPAs (with an hourly generation profile or an annual volume),
 * unbundled energy attribute certificates (REC, GO, I-REC) and supplier-specific emission rates.
 *
 * zod at the edge, types by z.infer. A registry is accepted whole or not at all: any bad instrument makes
 * `parseInstrumentRegistry` throw an InstrumentRegistryError listing every problem as `instruments[<i>] (<id>).<field>`.
 * Structural rules live here (a region, a vintage, an hourly profile that is hourly); the Scope 2 Quality Criteria
 * that depend on where and when the energy is used (same market, vintage window, no double claim) are applied per
 * consumption by shared/domain/market/market-based.ts.
 */
import { z } from 'zod';
import { parseIsoInstant } from '../domain/time';
import { CERTIFICATE_TYPES, TECHNOLOGIES, type Instrument as DomainInstrument } from '../domain/market/instrument-types';

export const INSTRUMENTS_API_VERSION = 'carbonpilot/v1';

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code like eu-west-1 (the region whose consumption the instrument is claimed for)');
const iso2 = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code of the generator, e.g. NO');
const year = z.number().int().min(2000).max(2100);
const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 of [A-Za-z0-9_.:-]');
const mwh = z.number().finite().nonnegative();

/** Generation technology; drives the renewable flag (nuclear is carbon-free but not renewable). */
export const Technology = z.enum(TECHNOLOGIES);
export type Technology = z.infer<typeof Technology>;

const base = {
  id,
  label: z.string().max(200).optional(),
  /** Sample instruments shipped with the demo: every figure derived from them is labelled demo. */
  demo: z.boolean().optional(),
};

const hourInstant = z
  .string()
  .refine((s) => Number.isFinite(parseIsoInstant(s)), 'expected an ISO-8601 instant with a zone, e.g. 2026-11-01T13:00:00Z')
  .refine((s) => parseIsoInstant(s) % 3600 === 0, 'not an hourly profile: every entry must start on a UTC hour (hh:00:00)');

/** One hour of a PPA's generation profile. */
export const ProfileHour = z.object({ hour: hourInstant, mwh });

export const Ppa = z
  .object({
    ...base,
    type: z.literal('ppa'),
    region: awsRegion,
    generationCountry: iso2,
    technology: Technology,
    counterparty: z.string().max(200).optional(),
    /** Delivered generation per UTC hour (bundled attributes). Exactly one of hourlyProfile / annualMwh. */
    hourlyProfile: z.array(ProfileHour).min(1).optional(),
    /** Annual delivered volume for `year` when no hourly profile exists (annual matching only; no hourly CFE). */
    annualMwh: mwh.optional(),
    year: year.optional(),
    /** Emission rate of the contracted generation, gCO2e/kWh (0 for wind, solar, hydro, nuclear; Scope 2 Guidance). */
    gCo2ePerKwh: z.number().finite().nonnegative().default(0),
  })
  .superRefine((p, ctx) => {
    const hasProfile = p.hourlyProfile !== undefined;
    const hasAnnual = p.annualMwh !== undefined;
    if (hasProfile === hasAnnual) ctx.addIssue({ code: 'custom', path: ['hourlyProfile'], message: 'give exactly one of hourlyProfile (hourly MWh) or annualMwh (+ year)' });
    if (hasAnnual && p.year === undefined) ctx.addIssue({ code: 'custom', path: ['year'], message: 'an annual-volume PPA needs the year its volume was delivered in (vintage)' });
    if (hasProfile) {
      const seen = new Map<number, number>();
      p.hourlyProfile!.forEach((h, i) => {
        const t = parseIsoInstant(h.hour);
        if (!Number.isFinite(t)) return;
        if (seen.has(t)) ctx.addIssue({ code: 'custom', path: ['hourlyProfile', i, 'hour'], message: `not an hourly profile: hour ${h.hour} repeats entry ${seen.get(t)}` });
        else seen.set(t, i);
      });
    }
  });

/** Unbundled energy attribute certificates (Scope 2 Guidance Table 7.1 instrument types). */
export const CertificateType = z.enum(CERTIFICATE_TYPES);
export type CertificateType = z.infer<typeof CertificateType>;

export const Certificate = z.object({
  ...base,
  type: CertificateType,
  region: awsRegion,
  generationCountry: iso2,
  technology: Technology,
  /** Generation year (vintage); `vintageMonth` narrows it for the 21-month window check. */
  vintageYear: year,
  vintageMonth: z.number().int().min(1).max(12).optional(),
  mwh: mwh.refine((v) => v > 0, 'a certificate covers a positive volume'),
  registry: z.string().max(100).optional(),
  /** Retired / cancelled on behalf of the reporting entity (quality criterion 3); false makes it ineligible. */
  retired: z.boolean().optional(),
  gCo2ePerKwh: z.number().finite().nonnegative().default(0),
});

/** A supplier- (utility-) specific emission rate for a region's consumption in one year (hierarchy step 3). */
export const SupplierRate = z.object({
  ...base,
  type: z.literal('supplier-rate'),
  region: awsRegion,
  utility: z.string().min(1).max(200),
  year,
  gCo2ePerKwh: z.number().finite().nonnegative(),
  source: z.string().max(300).optional(),
});

export const Instrument = z.discriminatedUnion('type', [Ppa, Certificate, SupplierRate]);
export type Instrument = z.infer<typeof Instrument>;
export type PpaInstrument = z.infer<typeof Ppa>;
export type CertificateInstrument = z.infer<typeof Certificate>;
export type SupplierRateInstrument = z.infer<typeof SupplierRate>;
/** Compile-time check: what the contract accepts is exactly what the domain computes with. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const INSTRUMENT_CONTRACT_MATCHES_DOMAIN: Same<Instrument, DomainInstrument> = true;

export const InstrumentRegistry = z
  .object({
    apiVersion: z.literal(INSTRUMENTS_API_VERSION),
    kind: z.literal('InstrumentRegistry'),
    demo: z.boolean().optional(),
    instruments: z.array(Instrument),
  })
  .superRefine((r, ctx) => {
    const seen = new Map<string, number>();
    r.instruments.forEach((ins, i) => {
      const prev = seen.get(ins.id);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['instruments', i, 'id'], message: `duplicate id "${ins.id}" (also instruments[${prev}]): an instrument is claimed once` });
      else seen.set(ins.id, i);
    });
  });
export type InstrumentRegistry = z.infer<typeof InstrumentRegistry>;

/** The registry is invalid; `problems` name each instrument (index and id) and field. Nothing was imported. */
export class InstrumentRegistryError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`instrument registry rejected (nothing imported): ${problems.join('; ')}`);
    this.name = 'InstrumentRegistryError';
  }
}

/** Validate a registry document whole; throws InstrumentRegistryError naming every bad instrument and field. */
export function parseInstrumentRegistry(doc: unknown): InstrumentRegistry {
  const r = InstrumentRegistry.safeParse(doc);
  if (r.success) return r.data;
  const rawList = (doc as { instruments?: unknown })?.instruments;
  const idAt = (i: number): string => {
    const v = Array.isArray(rawList) ? (rawList[i] as { id?: unknown } | undefined)?.id : undefined;
    return typeof v === 'string' ? ` (${v})` : '';
  };
  const fieldPath = (path: readonly PropertyKey[]): string =>
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
  const problems = r.error.issues.map((iss) => {
    const [head, idx, ...rest] = iss.path;
    if (head === 'instruments' && typeof idx === 'number') return `instruments[${idx}]${idAt(idx)} ${fieldPath(rest) || '(instrument)'}: ${iss.message}`;
    return `${fieldPath(iss.path) || '(root)'}: ${iss.message}`;
  });
  throw new InstrumentRegistryError(problems);
}
