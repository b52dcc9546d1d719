import fc from 'fast-check';
import { InvalidTimeZoneError, isUtcZoneName, readTimestamp, ZoneClock, type LocalDateTime } from '../../../../shared/domain/intensity/import-timestamps';

const t = (iso: string) => Date.parse(iso) / 1000;
const L = (y: number, mo: number, d: number, h: number, mi = 0, s = 0): LocalDateTime => ({ y, mo, d, h, mi, s });

describe('readTimestamp', () => {
  it.each([
    // Instants: a zone, an offset or an epoch number.
    ['2021-10-08T04:00:00.000Z', { kind: 'instant', tSec: t('2021-10-08T04:00:00Z') }],
    ['2020-01-01 00:00:00+00:00', { kind: 'instant', tSec: t('2020-01-01T00:00:00Z') }],
    ['2024-03-10T05:30:00+05:30', { kind: 'instant', tSec: t('2024-03-10T00:00:00Z') }],
    ['2024-03-10T02:00-0500', { kind: 'instant', tSec: t('2024-03-10T07:00:00Z') }],
    ['2021-01-01 00:00 UTC', { kind: 'instant', tSec: t('2021-01-01T00:00:00Z') }],
    ['1633705204.0', { kind: 'instant', tSec: 1633705204 }],
    ['1633705204000', { kind: 'instant', tSec: 1633705204 }],
    // Wall-clock times without a zone.
    ['2019-12-20 00:15:00', { kind: 'local', local: L(2019, 12, 20, 0, 15) }],
    ['2024/02/29 23:59:59', { kind: 'local', local: L(2024, 2, 29, 23, 59, 59) }],
    ['01.02.2021 13:00', { kind: 'local', local: L(2021, 2, 1, 13) }],
    ['13/01/2020 00:00:00', { kind: 'local', local: L(2020, 1, 13, 0), impliedOrder: 'dmy' }],
    ['01/13/2020 00:00:00', { kind: 'local', local: L(2020, 1, 13, 0), impliedOrder: 'mdy' }],
    ['05/05/2020 01:00', { kind: 'local', local: L(2020, 5, 5, 1) }],
    ['01/02/2020 00:00:00', { kind: 'order-unknown', zoned: false }],
    ['01/02/2020 00:00:00Z', { kind: 'order-unknown', zoned: true }],
    // Not a timestamp we can use.
    ['2023-02-29T00:00:00Z', { kind: 'bad', why: 'no such date' }],
    ['2021-01-01 24:00', { kind: 'bad', why: 'no such time of day' }],
    ['2024-03-10', { kind: 'bad', why: 'no time of day' }],
    ['yesterday', { kind: 'bad', why: 'not a date-time' }],
  ])('reads %j', (raw, expected) => expect(readTimestamp(raw)).toEqual(expected));

  it('reads a/b/YYYY in the file order once it is known, and refuses a date that contradicts it', () => {
    expect(readTimestamp('01/02/2020 00:00', 'mdy')).toEqual({ kind: 'local', local: L(2020, 1, 2, 0) });
    expect(readTimestamp('01/02/2020 00:00', 'dmy')).toEqual({ kind: 'local', local: L(2020, 2, 1, 0) });
    expect(readTimestamp('13/01/2020 00:00', 'mdy')).toEqual({ kind: 'bad', why: 'not MM/DD/YYYY', orderConflict: true });
  });
});

describe('ZoneClock: wall clock → UTC through the IANA rules', () => {
  // EU summer time: last Sunday of March and October at 01:00 UTC (Directive 2000/84/EC).
  // US: second Sunday of March and first Sunday of November at 02:00 local (Energy Policy Act of 2005).
  it.each([
    ['Europe/Berlin', L(2021, 1, 15, 12), { kind: 'ok', tSec: t('2021-01-15T11:00:00Z') }],
    ['Europe/Berlin', L(2021, 7, 15, 12), { kind: 'ok', tSec: t('2021-07-15T10:00:00Z') }],
    ['Europe/Berlin', L(2021, 3, 28, 1, 59), { kind: 'ok', tSec: t('2021-03-28T00:59:00Z') }],
    ['Europe/Berlin', L(2021, 3, 28, 2, 30), { kind: 'gap' }],
    ['Europe/Berlin', L(2021, 3, 28, 3, 0), { kind: 'ok', tSec: t('2021-03-28T01:00:00Z') }],
    ['Europe/Berlin', L(2021, 10, 31, 2, 30), { kind: 'ambiguous', earlierSec: t('2021-10-31T00:30:00Z'), laterSec: t('2021-10-31T01:30:00Z') }],
    ['Europe/Berlin', L(2021, 10, 31, 3, 0), { kind: 'ok', tSec: t('2021-10-31T02:00:00Z') }],
    ['America/New_York', L(2025, 3, 9, 2, 15), { kind: 'gap' }],
    ['America/New_York', L(2025, 11, 2, 1, 30), { kind: 'ambiguous', earlierSec: t('2025-11-02T05:30:00Z'), laterSec: t('2025-11-02T06:30:00Z') }],
    ['Asia/Kolkata', L(2024, 6, 1, 0, 0), { kind: 'ok', tSec: t('2024-05-31T18:30:00Z') }],
    ['UTC', L(2021, 3, 28, 2, 30), { kind: 'ok', tSec: t('2021-03-28T02:30:00Z') }],
  ])('%s %j', (zone, local, expected) => expect(ZoneClock.of(zone).toUtc(local)).toEqual(expected));

  it.each(['Mars/Olympus_Mons', '+01:00', 'Europe/Berlin; rm -rf', ''])('refuses %j as a time zone', (zone) => {
    expect(() => ZoneClock.of(zone)).toThrow(InvalidTimeZoneError);
  });

  it('knows which names always mean UTC', () => {
    expect(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'].every(isUtcZoneName)).toBe(true);
    expect(['Europe/London', 'Etc/GMT+1'].some(isUtcZoneName)).toBe(false);
  });

  it('round-trips every instant whose wall-clock time is unambiguous (property, Europe/Berlin 2020–2022)', () => {
    const clock = ZoneClock.of('Europe/Berlin');
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    fc.assert(
      fc.property(fc.integer({ min: t('2020-01-01T00:00:00Z') / 60, max: t('2022-12-31T00:00:00Z') / 60 }), (minute) => {
        const tSec = minute * 60;
        const p = Object.fromEntries(fmt.formatToParts(new Date(tSec * 1000)).map((x) => [x.type, Number(x.value)]));
        const r = clock.toUtc(L(p.year, p.month, p.day, p.hour, p.minute, p.second));
        if (r.kind === 'ambiguous') expect([r.earlierSec, r.laterSec]).toContain(tSec);
        else expect(r).toEqual({ kind: 'ok', tSec });
      }),
      { numRuns: 300 },
    );
  });
});
