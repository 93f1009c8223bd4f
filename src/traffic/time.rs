//! The times of the two logs as one comparable value: seconds since the Unix epoch, UTC.
//! Access logs write `06/Feb/2019:00:00:38 +0000`; CloudTrail writes RFC 3339
//! (`2019-02-06T00:00:38Z`). Both are shown as RFC 3339 in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days from 1970-01-01 to the civil date (proleptic Gregorian), after H. Hinnant's
/// `days_from_civil`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// An access-log time, `DD/Mon/YYYY:HH:MM:SS ±HHMM`.
pub fn access_log(text: &str) -> Option<i64> {
    let (stamp, zone) = text.split_once(' ').unwrap_or((text, "+0000"));
    let mut parts = stamp.splitn(4, ['/', ':']);
    let day = number(parts.next()?)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year = number(parts.next()?)?;
    let clock = parts.next()?;
    let mut hms = clock.split(':').map(number);
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let offset = zone_offset(zone)?;
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(h * 3600 + m * 60 + s) - offset)
}

/// `+0000`, `-0700`: seconds east of UTC.
fn zone_offset(zone: &str) -> Option<i64> {
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 {
        return None;
    }
    let hours = i64::from(number(&digits[..2])?);
    let minutes = i64::from(number(&digits[2..])?);
    Some(sign * (hours * 3600 + minutes * 60))
}

/// A CloudTrail time, RFC 3339 in UTC (`Z`).
pub fn rfc3339(text: &str) -> Option<i64> {
    let at = humantime::parse_rfc3339_weak(text).ok()?;
    Some(match at.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    })
}

/// Seconds since the epoch as RFC 3339, UTC.
pub fn format(seconds: i64) -> String {
    let at = if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    };
    humantime::format_rfc3339_seconds(at).to_string()
}

/// Now, in seconds since the epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_logs_give_the_same_instant() {
        let a = access_log("06/Feb/2019:00:00:38 +0000").unwrap();
        assert_eq!(Some(a), rfc3339("2019-02-06T00:00:38Z"));
        assert_eq!(format(a), "2019-02-06T00:00:38Z");
        assert_eq!(access_log("05/Feb/2019:17:00:38 -0700"), Some(a));
        assert_eq!(
            access_log("29/Feb/2024:23:59:59 +0000"),
            rfc3339("2024-02-29T23:59:59Z")
        );
    }

    #[test]
    fn malformed_times_are_none() {
        for bad in [
            "",
            "06/Fob/2019:00:00:38 +0000",
            "06/Feb/2019:24:00:38 +0000",
            "06/Feb/2019:00:00 +0000",
            "06/Feb/2019:00:00:38 0000",
            "x6/Feb/2019:00:00:38 +0000",
            "06/Feb/2019:00:00:38:01 +0000",
        ] {
            assert_eq!(access_log(bad), None, "{bad}");
        }
        assert_eq!(rfc3339("yesterday"), None);
    }
}
