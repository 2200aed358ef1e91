//! Indonesia's three office zones, fixed offsets with no daylight saving:
//! the server and the console reckon an office's day by the same rule.

/// UTC offset in hours of an Indonesian office zone.
pub fn offset_hours(zone: &str) -> Option<i32> {
    match zone {
        "Asia/Jakarta" | "Asia/Pontianak" | "WIB" => Some(7),
        "Asia/Makassar" | "WITA" => Some(8),
        "Asia/Jayapura" | "WIT" => Some(9),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::offset_hours;

    #[test]
    fn each_zone_is_its_fixed_offset_and_others_are_unknown() {
        assert_eq!(offset_hours("Asia/Jakarta"), Some(7));
        assert_eq!(offset_hours("WITA"), Some(8));
        assert_eq!(offset_hours("Asia/Jayapura"), Some(9));
        assert_eq!(offset_hours("Europe/London"), None);
    }
}
