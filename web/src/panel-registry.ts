/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';
import { lifecyclePanel } from './panels/lifecycle';

export const PANELS: readonly Panel[] = [
  lifecyclePanel,
];
