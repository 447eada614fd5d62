/**
 * struct tm (wasm32 layout, 44 bytes) and strftime() in the C locale, for the
 * time imports of the wasm side's libc. Instances live in UTC.
 */
import { cString } from './c_string.js';

export interface Tm {
  sec: number; min: number; hour: number; mday: number; mon: number; year: number;
  wday: number; yday: number; isdst: number; gmtoff: number; zone: string;
}

export function readTm(view: DataView, ptr: number, mem?: ArrayBuffer): Tm {
  const zonePtr = view.getUint32(ptr + 40, true);
  return {
    sec: view.getInt32(ptr, true), min: view.getInt32(ptr + 4, true),
    hour: view.getInt32(ptr + 8, true), mday: view.getInt32(ptr + 12, true),
    mon: view.getInt32(ptr + 16, true), year: view.getInt32(ptr + 20, true),
    wday: view.getInt32(ptr + 24, true), yday: view.getInt32(ptr + 28, true),
    isdst: view.getInt32(ptr + 32, true), gmtoff: view.getInt32(ptr + 36, true),
    zone: mem && zonePtr ? cString(mem, zonePtr) : 'UTC',
  };
}

/** Fills the numeric fields of a struct tm from a UTC date (tm_zone is left alone). */
export function writeTm(view: DataView, ptr: number, d: Date): void {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const fields = [d.getUTCSeconds(), d.getUTCMinutes(), d.getUTCHours(), d.getUTCDate(),
    d.getUTCMonth(), d.getUTCFullYear() - 1900, d.getUTCDay(),
    Math.floor((d.getTime() - start) / 86400000), 0, 0];
  fields.forEach((v, i) => view.setInt32(ptr + i * 4, v, true));
}

export function tmToEpochUTC(tm: Tm): number {
  return Math.floor(Date.UTC(tm.year + 1900, tm.mon, tm.mday, tm.hour, tm.min, tm.sec) / 1000);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** ISO 8601 week-based year and week number. */
function isoWeek(tm: Tm): { year: number; week: number } {
  const year = tm.year + 1900;
  const wdayMon = (tm.wday + 6) % 7; // Monday = 0
  let week = Math.floor((tm.yday - wdayMon + 10) / 7);
  if (week < 1) {
    const prev = year - 1;
    const prevDays = isLeap(prev) ? 366 : 365;
    return { year: prev, week: Math.floor((tm.yday + prevDays - wdayMon + 10) / 7) };
  }
  const days = isLeap(year) ? 366 : 365;
  if (week === 53 && tm.yday - wdayMon + 3 >= days) return { year: year + 1, week: 1 };
  return { year, week };
}

export function strftime(format: string, tm: Tm): string {
  const conv = (c: string): string => {
    const year = tm.year + 1900;
    const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
    switch (c) {
      case 'a': return DAYS[tm.wday]?.slice(0, 3) ?? '?';
      case 'A': return DAYS[tm.wday] ?? '?';
      case 'b': case 'h': return MONTHS[tm.mon]?.slice(0, 3) ?? '?';
      case 'B': return MONTHS[tm.mon] ?? '?';
      case 'c': return `${conv('a')} ${conv('b')} ${pad(tm.mday, 2, ' ')} ${conv('T')} ${year}`;
      case 'C': return pad(Math.floor(year / 100), 2);
      case 'd': return pad(tm.mday, 2);
      case 'D': return `${conv('m')}/${conv('d')}/${conv('y')}`;
      case 'e': return pad(tm.mday, 2, ' ');
      case 'F': return `${year}-${conv('m')}-${conv('d')}`;
      case 'g': return pad(isoWeek(tm).year % 100, 2);
      case 'G': return String(isoWeek(tm).year);
      case 'H': return pad(tm.hour, 2);
      case 'I': return pad(hour12, 2);
      case 'j': return pad(tm.yday + 1, 3);
      case 'm': return pad(tm.mon + 1, 2);
      case 'M': return pad(tm.min, 2);
      case 'n': return '\n';
      case 'p': return tm.hour < 12 ? 'AM' : 'PM';
      case 'r': return `${conv('I')}:${conv('M')}:${conv('S')} ${conv('p')}`;
      case 'R': return `${conv('H')}:${conv('M')}`;
      case 's': return String(tmToEpochUTC(tm));
      case 'S': return pad(tm.sec, 2);
      case 't': return '\t';
      case 'T': return `${conv('H')}:${conv('M')}:${conv('S')}`;
      case 'u': return String(tm.wday === 0 ? 7 : tm.wday);
      case 'U': return pad(Math.floor((tm.yday + 7 - tm.wday) / 7), 2);
      case 'V': return pad(isoWeek(tm).week, 2);
      case 'w': return String(tm.wday);
      case 'W': return pad(Math.floor((tm.yday + 7 - ((tm.wday + 6) % 7)) / 7), 2);
      case 'x': return conv('D');
      case 'X': return conv('T');
      case 'y': return pad(year % 100, 2);
      case 'Y': return String(year);
      case 'z': {
        const off = Math.abs(tm.gmtoff);
        return `${tm.gmtoff < 0 ? '-' : '+'}${pad(Math.floor(off / 3600), 2)}${pad(Math.floor(off / 60) % 60, 2)}`;
      }
      case 'Z': return tm.zone;
      case '%': return '%';
      default: return `%${c}`;
    }
  };
  // E and O modifiers select alternative representations; the C locale has none.
  return format.replace(/%[EO]?(.)/g, (_m, c: string) => conv(c));
}
