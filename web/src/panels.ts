/**
 * Dashboard panels contributed by capabilities (budgets, lifecycle, optimisation, scopes …). Each panel is a
 * self-contained module under web/src/panels/ exporting a `Panel`; web/src/panel-registry.ts lists them (ONE line
 * each). main.ts gives every registered panel its own card, renders it with the page's filters on every refresh,
 * and shows a failing panel's error on that panel only: while a refresh runs the card's figures are greyed, a
 * failure clears them. A panel that cannot follow some filter says so (`filters`): main.ts writes it on the card.
 */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The page's filters as API query parameters (window half-open: `to` is exclusive). */
export interface PanelFilters {
  from?: string;
  to?: string;
  team?: string;
  region?: string;
}

export interface PanelContext {
  /** GET /api/<path> with the bearer token; throws with the API's error message on a non-2xx answer. */
  api(path: string, params?: Record<string, string | undefined>): Promise<Json>;
  filters(): PanelFilters;
  /** Number formatting of the page (3 significant figures; '—' for null). */
  fmt(x: number | null | undefined, unit?: string): string;
  /** HTML escaping. */
  esc(s: unknown): string;
  /** Mark the page as showing demo data when an API body says `demo: true`. */
  markDemo(body: Json): void;
  /** Okabe–Ito palette (colour-blind safe). */
  palette: readonly string[];
  /** Show the page's empty-result message ("no data for this filter") in `body`. */
  noData(body: HTMLElement): void;
}

/** The page filters a panel can follow. */
export type PanelFilter = 'team' | 'region' | 'time';

export interface Panel {
  /** Stable id: the card is `<section data-panel="<id>">`, its body `data-testid="panel-<id>"`. */
  id: string;
  title: string;
  /** Card width in the grid. */
  size?: 'normal' | 'wide' | 'full';
  /** The filters the panel follows (default: all three); the card says which ones it cannot. */
  filters?: readonly PanelFilter[];
  render(body: HTMLElement, ctx: PanelContext): Promise<void>;
}
