/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { optimisePanel } from './panels/optimise';

export const PANELS: readonly Panel[] = [
  optimisePanel,
];
