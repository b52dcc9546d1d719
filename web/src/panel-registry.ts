/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { scopesStacksPanel } from './panels/scopes-stacks';
import { scopesMarketPanel } from './panels/scopes-market';

export const PANELS: readonly Panel[] = [
  scopesStacksPanel,
  scopesMarketPanel,
];
