import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, calendarProblems, type BusinessCalendar } from '../../src/desk/business-hours.js';

const HOUR = 3_600_000;
const nineToFive = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  holidays,
  week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
});

describe('business-hours arithmetic', () => {
  it('carries what is left on Friday afternoon over the weekend to Monday morning', () => {
    // Friday 2026-11-20 15:00 in New York (EST, UTC-5) = 20:00 UTC.
    const friday = Date.UTC(2026, 10, 20, 20);
    const cal = nineToFive('America/New_York');
    // 2 h on Friday, 2 h on Monday: Monday 11:00 EST = 16:00 UTC.
    expect(addBusinessTime(friday, 4 * HOUR, cal)).toBe(Date.UTC(2026, 10, 23, 16));
    expect(businessTimeBetween(friday, Date.UTC(2026, 10, 23, 16), cal)).toBe(4 * HOUR);
    // Received on Saturday: the clock starts Monday 09:00.
    expect(addBusinessTime(Date.UTC(2026, 10, 21, 12), HOUR, cal)).toBe(Date.UTC(2026, 10, 23, 15));
  });

  it('skips a holiday as a closed day', () => {
    const friday = Date.UTC(2026, 10, 20, 20);
    // 2 h Friday + 8 h Monday + 2 h: Tuesday 11:00 EST; with Tuesday a holiday, Wednesday 11:00.
    expect(addBusinessTime(friday, 12 * HOUR, nineToFive('America/New_York'))).toBe(Date.UTC(2026, 10, 24, 16));
    expect(addBusinessTime(friday, 12 * HOUR, nineToFive('America/New_York', ['2026-11-24']))).toBe(Date.UTC(2026, 10, 25, 16));
  });

  it('follows the local clock across a daylight-saving change', () => {
    // Friday 2026-10-23 16:00 in Madrid is CEST (UTC+2) = 14:00 UTC; on Sunday 25 October
    // Madrid goes back to CET (UTC+1), so Monday 10:00 local is 09:00 UTC.
    const cal = nineToFive('Europe/Madrid');
    expect(addBusinessTime(Date.UTC(2026, 9, 23, 14), 2 * HOUR, cal)).toBe(Date.UTC(2026, 9, 26, 9));
    // The same Friday hours in Tokyo (UTC+9, no DST): 16:00 local = 07:00 UTC.
    expect(addBusinessTime(Date.UTC(2026, 9, 23, 7), 2 * HOUR, nineToFive('Asia/Tokyo'))).toBe(Date.UTC(2026, 9, 26, 1));
  });

  it('does not count time excluded, e.g. while the ticket waits on the customer', () => {
    const monday9 = Date.UTC(2026, 10, 23, 14);
    const cal = nineToFive('America/New_York');
    // Waiting from 10:00 to 14:00: a 3 h target ends at 16:00 instead of 12:00.
    const waiting = [{ from: monday9 + HOUR, to: monday9 + 5 * HOUR }];
    expect(addBusinessTime(monday9, 3 * HOUR, cal, waiting)).toBe(monday9 + 7 * HOUR);
    expect(businessTimeBetween(monday9, monday9 + 8 * HOUR, cal, waiting)).toBe(4 * HOUR);
  });

  it('names what is wrong with a calendar', () => {
    expect(calendarProblems({ timeZone: 'Mars/Olympus', week: { mon: [['17:00', '09:00']] }, holidays: [] })).toEqual([
      '"Mars/Olympus" is not a time zone name (IANA, e.g. Europe/Madrid).',
      'On mon, 17:00-09:00 closes before it opens.',
    ]);
    expect(calendarProblems({ timeZone: 'UTC', week: {}, holidays: [] })).toEqual(['The week has no open hours.']);
    expect(addBusinessTime(0, HOUR, { timeZone: 'UTC', week: {}, holidays: [] })).toBeNull();
  });
});
