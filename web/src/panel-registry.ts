/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { budgetsPanel } from './panels/budgets';
import { targetsPanel } from './panels/targets';
import { scopesStacksPanel } from './panels/scopes-stacks';
import { scopesMarketPanel } from './panels/scopes-market';

export const PANELS: readonly Panel[] = [
  budgetsPanel,
  targetsPanel,
  scopesStacksPanel,
  scopesMarketPanel,
];
