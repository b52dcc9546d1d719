/**
 * Contractual instruments for market-based scope 2 as the domain sees them (plain types; the zod contract in
 * shared/contracts/instruments.ts validates documents into exactly these shapes, checked at compile time there).
 */

/** Generation technologies; drives the renewable flag (nuclear is carbon-free but not renewable). */
export const TECHNOLOGIES = ['wind', 'solar', 'hydro', 'geothermal', 'biomass', 'nuclear', 'other-renewable'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];
export const RENEWABLE_TECHNOLOGIES: readonly Technology[] = ['wind', 'solar', 'hydro', 'geothermal', 'biomass', 'other-renewable'];
export const isRenewable = (t: Technology): boolean => RENEWABLE_TECHNOLOGIES.includes(t);

/** Unbundled energy attribute certificates (GHG Protocol Scope 2 Guidance, Table 7.1). */
export const CERTIFICATE_TYPES = ['rec', 'go', 'i-rec'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

interface InstrumentBase {
  id: string;
  label?: string;
  demo?: boolean;
}

export interface PpaInstrument extends InstrumentBase {
  type: 'ppa';
  /** AWS region whose consumption the PPA is claimed for. */
  region: string;
  generationCountry: string;
  technology: Technology;
  counterparty?: string;
  /** Delivered MWh per UTC hour (ISO instant of the hour start). */
  hourlyProfile?: { hour: string; mwh: number }[];
  annualMwh?: number;
  year?: number;
  gCo2ePerKwh: number;
}

export interface CertificateInstrument extends InstrumentBase {
  type: CertificateType;
  region: string;
  generationCountry: string;
  technology: Technology;
  vintageYear: number;
  vintageMonth?: number;
  mwh: number;
  registry?: string;
  retired?: boolean;
  gCo2ePerKwh: number;
}

export interface SupplierRateInstrument extends InstrumentBase {
  type: 'supplier-rate';
  region: string;
  utility: string;
  year: number;
  gCo2ePerKwh: number;
  source?: string;
}

export type Instrument = PpaInstrument | CertificateInstrument | SupplierRateInstrument;
