/** The dashboard panels capabilities contribute (see panels.ts), in page order. ONE line per panel. */
import type { Panel } from './panels';

export const PANELS: readonly Panel[] = [];
