import { durationText, relativeText, RELATIVE_TIME_MAX_SEC, whenText } from '../../../../shared/domain/scheduler/plan-text';

const H = 3600;
const NOW = Date.UTC(2026, 10, 20, 17, 0) / 1000; // 2026-11-20T17:00:00Z

describe('plan times in words', () => {
  it.each([
    [0, '0 s'],
    [40, '40 s'],
    [45 * 60, '45 min'],
    [9 * H, '9 h'],
    [9 * H + 30 * 60, '9 h 30 min'],
    [9 * H + 59 * 60 + 50, '10 h'],
    [14 * H + 20 * 60, '14 h'],
    [27 * H, '1 d 3 h'],
    [2 * 24 * H + 23 * H + 40 * 60, '3 d'],
  ])('durationText(%d) = %s', (sec, text) => expect(durationText(sec)).toBe(text));

  it.each([
    [NOW + 9 * H, '2026-11-21 02:00 UTC (in 9 h)', 'the next UTC day gets its date'],
    [NOW + 2 * H, '19:00 UTC (in 2 h)', 'today: the time only'],
    [NOW - 15 * H, '02:00 UTC (15 h ago)', 'earlier today'],
    [NOW + 30, '17:00 UTC (now)', 'within a minute is now'],
    [NOW + 9 * 24 * H, '2026-11-29 17:00 UTC', 'nine days out: no relative time'],
    [Date.UTC(2098, 11, 22, 17) / 1000, '2098-12-22 17:00 UTC', 'far out: a date, never "(+26330 d)"'],
  ])('whenText(%d) = %s (%s)', (t, text) => expect(whenText(t, NOW)).toBe(text));

  it('relative times stop at RELATIVE_TIME_MAX_SEC', () => {
    expect(relativeText(NOW + RELATIVE_TIME_MAX_SEC, NOW)).toBe('in 3 d');
    expect(relativeText(NOW + RELATIVE_TIME_MAX_SEC + 1, NOW)).toBeUndefined();
  });
});
