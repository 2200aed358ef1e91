//! What an envelope label names: its QR code holds the door link
//! `{ANTAR_PUBLIC_URL}/s/{card_id}` and its face the stop number. A courier
//! scans or types either at the door; a USB scanner types the link at the
//! desk. Both sides read the text with this one rule.

/// What was scanned or typed: a label's QR code (the door link, or the card
/// id alone) or the stop number printed on the label ("12", "#12").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoorCode {
    Card(String),
    Seq(u32),
}

pub fn door_code(text: &str) -> Option<DoorCode> {
    let t = text.trim();
    let number = t.trim_start_matches('#').trim();
    if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        return number.parse().ok().filter(|n| *n > 0).map(DoorCode::Seq);
    }
    let id = t.find("/s/").map_or(t, |i| &t[i + 3..]);
    let id = id.split(['?', '#', '/']).next().unwrap_or_default();
    let plausible = (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then(|| DoorCode::Card(id.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_door_code_is_a_door_link_a_card_id_or_a_stop_number() {
        let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        for text in [
            format!("https://antar.example.go.id/s/{id}"),
            format!("http://10.0.0.5:8080/s/{id}?utm=x"),
            format!("/s/{id}"),
            format!("  {}  ", id.to_uppercase()),
        ] {
            assert_eq!(door_code(&text), Some(DoorCode::Card(id.to_owned())), "{text}");
        }
        assert_eq!(door_code("12"), Some(DoorCode::Seq(12)));
        assert_eq!(door_code("#7"), Some(DoorCode::Seq(7)));
        for junk in ["", "#", "0", "https://x/s/", "<script>", "ab", "99999999999999999999"] {
            assert_eq!(door_code(junk), None, "{junk:?}");
        }
    }
}
