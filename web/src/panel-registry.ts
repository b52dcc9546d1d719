/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { replayProgressPanel } from './panels/replay-progress';
import { budgetsPanel } from './panels/budgets';
import { targetsPanel } from './panels/targets';
import { scopesStacksPanel } from './panels/scopes-stacks';
import { scopesMarketPanel } from './panels/scopes-market';
import { lifecyclePanel } from './panels/lifecycle';
import { optimisePanel } from './panels/optimise';

export const PANELS: readonly Panel[] = [
  replayProgressPanel,
  budgetsPanel,
  targetsPanel,
  scopesStacksPanel,
  scopesMarketPanel,
  lifecyclePanel,
  optimisePanel,
];
