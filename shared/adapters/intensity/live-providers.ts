/**
 * Builds the configured live intensity providers from credentials: the environment locally
 * (ELECTRICITYMAPS_API_TOKEN, WATTTIME_USERNAME / WATTTIME_PASSWORD, NESO_ENABLED=true), and in AWS a Secrets Manager
 * secret (JSON with the same keys) named by PROVIDER_SECRET_ID, read once per cold start.
 * Secrets are never logged: errors name the missing key, never a value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { credentialsFromRecord, type ProviderCredentials } from '../../contracts/config';
import type { EpochSec } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
import { ElectricityMapsProvider } from './electricitymaps-provider';
import type { FetchFn } from './http';
import { NesoProvider } from './neso-provider';
import { WattTimeProvider } from './watttime-provider';

export const LIVE_PROVIDER_IDS = ['electricitymaps', 'watttime', 'neso'] as const;
export type LiveProviderId = (typeof LIVE_PROVIDER_IDS)[number];

/** Names of the credential keys: environment variables locally, JSON keys of the provider secret in AWS. */
export const CREDENTIAL_KEYS = {
  electricityMapsToken: 'ELECTRICITYMAPS_API_TOKEN',
  wattTimeUsername: 'WATTTIME_USERNAME',
  wattTimePassword: 'WATTTIME_PASSWORD',
  nesoEnabled: 'NESO_ENABLED',
} as const;
export const PROVIDER_SECRET_ENV = 'PROVIDER_SECRET_ID';

export type { ProviderCredentials };

/** A live provider as the ingest and backfill use it: actuals, forecasts, and which zones/signals it serves. */
export interface LiveProvider extends IntensityProvider {
  readonly id: LiveProviderId;
  readonly signals: readonly IntensitySignal[];
  supportsZone(zone: string): boolean;
  /** The provider's latest forecast from the hour containing `issuedNowSec` (quality 'provider-forecast'). */
  getForecast(zone: string, signal: IntensitySignal, issuedNowSec: EpochSec): Promise<IntensityPoint[]>;
}

/** A provider was asked for without its credentials: names the missing variable, terminal. */
export class MissingCredentialError extends Error {
  readonly retryable = false;
  constructor(
    readonly provider: LiveProviderId,
    readonly variable: string,
  ) {
    super(`${provider}: missing credential ${variable} (set it in the environment; in AWS, in the secret named by ${PROVIDER_SECRET_ENV})`);
    this.name = 'MissingCredentialError';
  }
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export { credentialsFromRecord };

export const credentialsFromEnv = (env: Record<string, string | undefined>): ProviderCredentials => credentialsFromRecord(env);

const SecretJson = z.record(z.string(), z.union([z.string(), z.boolean()]));

/** Read the provider secret (JSON object with the CREDENTIAL_KEYS). Errors never include the secret's content. */
export async function credentialsFromSecret(client: Pick<SecretsManagerClient, 'send'>, secretId: string): Promise<ProviderCredentials> {
  let out;
  try {
    out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (e) {
    // No secret created yet = no live provider configured (ingest then only makes our own forecast).
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return credentialsFromRecord({});
    throw e;
  }
  if (!out.SecretString) throw new Error(`provider secret ${secretId}: no SecretString (expected a JSON object)`);
  let raw: unknown;
  try {
    raw = JSON.parse(out.SecretString);
  } catch {
    throw new Error(`provider secret ${secretId}: not valid JSON (expected {"${CREDENTIAL_KEYS.electricityMapsToken}": "…", …})`);
  }
  const parsed = SecretJson.safeParse(raw);
  if (!parsed.success) throw new Error(`provider secret ${secretId}: expected a flat JSON object of string values`);
  return credentialsFromRecord(parsed.data);
}

/** The variable a provider needs that `c` lacks, or undefined. */
export function missingCredential(id: LiveProviderId, c: ProviderCredentials): string | undefined {
  if (id === 'electricitymaps') return c.electricityMapsToken ? undefined : CREDENTIAL_KEYS.electricityMapsToken;
  if (id === 'watttime') return c.wattTime ? undefined : `${CREDENTIAL_KEYS.wattTimeUsername}/${CREDENTIAL_KEYS.wattTimePassword}`;
  return undefined; // NESO: no key
}

export interface LiveProviderOptions {
  fetch?: FetchFn;
  clock?: () => EpochSec;
  /** Test hook: base URLs per provider. */
  baseUrls?: Partial<Record<LiveProviderId, string>>;
}

const GB_ZONE = /^GB(-region-\d{1,2})?$/;

/** One live provider by id; throws MissingCredentialError naming the variable when its credentials are absent. */
export function makeLiveProvider(id: LiveProviderId, c: ProviderCredentials, o: LiveProviderOptions = {}): LiveProvider {
  const missing = missingCredential(id, c);
  if (missing) throw new MissingCredentialError(id, missing);
  const fetch = o.fetch ?? globalThis.fetch;
  const common = { fetch, clock: o.clock, baseUrl: o.baseUrls?.[id] };
  if (id === 'electricitymaps') {
    // The carbon-free share rides along for hourly CFE matching (scope KPIs); a plan without it only loses the share.
    return live(id, new ElectricityMapsProvider({ ...common, credentials: { token: c.electricityMapsToken! }, carbonFreeShare: true }), () => true);
  }
  if (id === 'watttime') return live(id, new WattTimeProvider({ ...common, credentials: c.wattTime! }), () => true);
  return live(id, new NesoProvider(common), (zone) => GB_ZONE.test(zone));
}

type Inner = IntensityProvider & {
  signals: readonly IntensitySignal[];
  getForecast(zone: string, signal: IntensitySignal, issuedNowSec: EpochSec): Promise<IntensityPoint[]>;
};

const live = (id: LiveProviderId, p: Inner, supportsZone: (zone: string) => boolean): LiveProvider => ({
  id,
  name: p.name,
  signals: p.signals,
  supportsZone,
  getSeries: (zone, signal, window) => p.getSeries(zone, signal, window),
  getForecast: (zone, signal, issuedNowSec) => p.getForecast(zone, signal, issuedNowSec),
});

/** Every provider whose credentials are present, in priority order (Electricity Maps, WattTime, NESO). */
export function buildLiveProviders(c: ProviderCredentials, o: LiveProviderOptions = {}): LiveProvider[] {
  const ids = LIVE_PROVIDER_IDS.filter((id) => (id === 'neso' ? c.neso : !missingCredential(id, c)));
  return ids.map((id) => makeLiveProvider(id, c, o));
}

/**
 * The configured live providers for this process, read once (per Lambda cold start): from the secret named by
 * PROVIDER_SECRET_ID when set, else from the credentials the configuration parsed from the environment.
 * An empty list means "none configured".
 */
export function liveProvidersLoader(
  src: { providerSecretId?: string; localCredentials: ProviderCredentials },
  o: LiveProviderOptions & { secrets?: Pick<SecretsManagerClient, 'send'> } = {},
): () => Promise<LiveProvider[]> {
  let cached: Promise<LiveProvider[]> | undefined;
  return () =>
    (cached ??= (async () => {
      if (src.providerSecretId && !o.secrets) {
        // Clients are built in shared/composition only: the AWS root passes one; locally credentials come from the environment.
        throw new Error('PROVIDER_SECRET_ID is set but this environment has no Secrets Manager client: locally, set the provider credentials in the environment instead');
      }
      const creds = src.providerSecretId ? await credentialsFromSecret(o.secrets!, src.providerSecretId) : src.localCredentials;
      return buildLiveProviders(creds, o);
    })().catch((e) => {
      cached = undefined; // a failed secret read is retried on the next invocation
      throw e;
    }));
}
