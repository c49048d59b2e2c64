//! [RFC 3339](https://www.rfc-editor.org/rfc/rfc3339#section-5.6) `date-time`, checked and
//! converted to Unix time without a date library (it also runs in the browser, where every
//! kilobyte counts).
//!
//! ```abnf
//! date-time    = full-date "T" full-time
//! full-date    = date-fullyear "-" date-month "-" date-mday   ; 4DIGIT "-" 2DIGIT "-" 2DIGIT
//! full-time    = partial-time time-offset
//! partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
//! time-secfrac = "." 1*DIGIT
//! time-offset  = "Z" / time-numoffset                          ; time-numoffset = ("+" / "-") hh ":" mm
//! ```
//!
//! As RFC 3339 §5.6 allows, `T` and `Z` may also be lowercase. The day must exist in its month
//! (29 February only in leap years), hours run 00–23, minutes 00–59, seconds 00–60 (a leap
//! second). JavaScript's `Date.prototype.toISOString()` produces this form.

/// The fields of a valid `date-time`, fractional seconds dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DateTime {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// East of UTC, in minutes.
    offset_minutes: i64,
}

/// Whether `text` is an RFC 3339 `date-time`.
pub fn is_date_time(text: &str) -> bool {
    parse(text.as_bytes()).is_some()
}

/// The Unix time of an RFC 3339 `date-time`, in whole seconds (fractions rounded down; a leap
/// second counts as the first second of the next minute), or `None` when `text` is not one.
pub fn unix_time(text: &str) -> Option<i64> {
    let t = parse(text.as_bytes())?;
    let days = days_from_civil(t.year, t.month, t.day);
    Some(days * 86_400 + t.hour * 3_600 + t.minute * 60 + t.second - t.offset_minutes * 60)
}

/// The RFC 3339 `date-time` of Unix time `unix` (whole seconds), in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
/// Years outside 0000–9999 are clamped to that range's ends, which no real clock reaches.
pub fn format(unix: i64) -> String {
    let min = days_from_civil(0, 1, 1) * 86_400;
    let max = days_from_civil(9999, 12, 31) * 86_400 + 86_399;
    let unix = unix.clamp(min, max);
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let mut text = String::with_capacity(20);
    for (value, width, after) in [
        (year, 4, '-'),
        (month, 2, '-'),
        (day, 2, 'T'),
        (secs / 3_600, 2, ':'),
        (secs / 60 % 60, 2, ':'),
        (secs % 60, 2, 'Z'),
    ] {
        for place in (0..width).rev() {
            let digit = value / 10_i64.pow(place) % 10;
            text.push(char::from(b'0' + digit as u8));
        }
        text.push(after);
    }
    text
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn parse(b: &[u8]) -> Option<DateTime> {
    let sep = |at: usize, expected: u8| b.get(at) == Some(&expected);
    let separators = sep(4, b'-')
        && sep(7, b'-')
        && matches!(b.get(10), Some(b'T' | b't'))
        && sep(13, b':')
        && sep(16, b':');
    if !separators {
        return None;
    }
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    let mut rest = b.get(19..)?;
    if let [b'.', fraction @ ..] = rest {
        let len = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        rest = &fraction[len..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = digits(rest, 1, 2)?;
            let minutes = digits(rest, 4, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    valid.then_some(DateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes,
    })
}

/// The `count` ASCII digits at `at` as a number.
fn digits(b: &[u8], at: usize, count: usize) -> Option<i64> {
    b.get(at..at + count)?.iter().try_fold(0, |value, d| {
        d.is_ascii_digit().then(|| value * 10 + i64::from(d - b'0'))
    })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_time_and_round_trips() {
        // Values checked with `new Date(unix * 1000).toISOString()`.
        for (unix, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_735_689_600, "2025-01-01T00:00:00Z"),
            (951_868_799, "2000-02-29T23:59:59Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
        ] {
            assert_eq!(format(unix), text);
        }
        for unix in (-62_000_000_000_i64..253_000_000_000).step_by(7_777_777) {
            assert_eq!(unix_time(&format(unix)), Some(unix), "{unix}");
        }
    }

    #[test]
    fn valid_forms() {
        for (text, unix) in [
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01t00:00:00z", 0),
            // `new Date(1735689600123).toISOString()`.
            ("2025-01-01T00:00:00.123Z", 1_735_689_600),
            ("2021-09-30T16:25:24-02:00", 1_633_026_324),
            ("2021-09-30T16:25:24+00:00", 1_633_019_124),
            ("2021-09-30T16:25:24-00:00", 1_633_019_124),
            ("2000-02-29T23:59:60Z", 951_868_800),
            ("1969-12-31T23:59:59.999999999Z", -1),
            ("0000-01-01T00:00:00Z", -62_167_219_200),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
        ] {
            assert!(is_date_time(text), "{text}");
            assert_eq!(unix_time(text), Some(unix), "{text}");
        }
    }

    #[test]
    fn invalid_forms() {
        for text in [
            "",
            "2021-09-30",
            "2021-09-30T16:25:24",
            "2021-09-30 16:25:24Z",
            "2021-09-30T16:25Z",
            "2021-09-30T16:25:24.Z",
            "2021-09-30T16:25:24ZZ",
            "2021-09-30T16:25:24+0200",
            "2021-09-30T16:25:24+02",
            "2021-09-30T16:25:24+24:00",
            "2021-09-30T16:25:24+02:60",
            "2021-13-01T00:00:00Z",
            "2021-00-01T00:00:00Z",
            "2021-04-31T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2021-01-00T00:00:00Z",
            "2021-01-01T24:00:00Z",
            "2021-01-01T00:60:00Z",
            "2021-01-01T00:00:61Z",
            "+2021-01-01T00:00:00Z",
            "20210-01-01T00:00:00Z",
            "2021-1-01T00:00:00Z",
            "２０２１-01-01T00:00:00Z",
            "Wed Oct 05 2011 16:48:00 GMT+0200 (CEST)",
            "2021-09-30T16:25:24Z\n",
        ] {
            assert!(!is_date_time(text), "{text:?}");
            assert_eq!(unix_time(text), None, "{text:?}");
        }
    }

    #[test]
    fn civil_days_match_a_day_by_day_count() {
        let mut days = days_from_civil(1600, 1, 1);
        for year in 1600..2401 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(
                        days_from_civil(year, month, day),
                        days,
                        "{year}-{month}-{day}"
                    );
                    days += 1;
                }
            }
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
