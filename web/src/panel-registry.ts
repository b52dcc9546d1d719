/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { replayProgressPanel } from './panels/replay-progress';

export const PANELS: readonly Panel[] = [
  replayProgressPanel,
];
