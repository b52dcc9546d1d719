import type { Clock } from '../ports';

/** The real wall clock (AWS, the CLI, and the long-running local mode). */
export const systemClock: Clock = { nowSec: () => Math.floor(Date.now() / 1000) };
