import { describe } from 'vitest';
import { defineScheduleSuite } from './schedule-suite.ts';

// 10,000 schedules per run are split over four files so vitest spreads them across workers.
describe('random fault schedules, part 2 of 4', () => {
  defineScheduleSuite(2501, 2500);
});
