//! Proof media: photos and signatures uploaded apart from the events that
//! name them, addressed by SHA-256 so a retried upload is harmless.

use std::path::{Path, PathBuf};

/// A phone shrinks photos to a few hundred KB; this leaves ample room.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

pub use antar_shared::payload::is_sha256;

/// The image type from the file's first bytes: JPEG, PNG or WebP only.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Largest picture accepted, in pixels a side: far above a phone's shrunk
/// photo, and it bounds what decoding a hostile file can cost.
const MAX_SIDE: u32 = 8192;

/// Decodes the whole image: a file that only starts like one (an HTML page
/// behind a JPEG's first bytes) is refused. Returns the content type.
pub fn check_image(bytes: &[u8]) -> Result<&'static str, String> {
    let content_type = sniff(bytes).ok_or("only JPEG, PNG and WebP images")?;
    let format = match content_type {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        _ => image::ImageFormat::WebP,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| format!("not a readable {content_type} image: {e}"))?;
    Ok(content_type)
}

/// Where a media file lives under the media directory.
pub fn path(media_dir: &Path, office_id: &str, sha256: &str) -> PathBuf {
    media_dir.join(office_id).join(&sha256[..2]).join(sha256)
}

/// Writes the file whole or not at all (a temp file renamed into place).
pub fn store(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().ok_or_else(|| std::io::Error::other("media path has no parent"))?;
    crate::private_files::dir(dir)?;
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));
    crate::private_files::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}

/// Hashes named by an event's payload (`photo_sha256`, `signature_sha256`).
pub fn named_by(payload: &serde_json::Value) -> Vec<String> {
    ["photo_sha256", "signature_sha256"]
        .iter()
        .filter_map(|k| payload.get(*k).and_then(|v| v.as_str()))
        .filter(|h| is_sha256(h))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_jpeg_png_and_webp_are_recognised() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg"), None);
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(w, h).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn only_a_whole_image_passes_the_check() {
        assert_eq!(check_image(&png(4, 3)), Ok("image/png"));
        let polyglot = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"<html><script>alert(1)</script></html>"].concat();
        assert!(check_image(&polyglot).is_err(), "JPEG magic alone is not a JPEG");
        let mut cut = png(64, 64);
        cut.truncate(cut.len() / 2);
        assert!(check_image(&cut).is_err(), "a truncated image is refused");
        assert!(check_image(b"GIF89a....").is_err());
    }

    #[test]
    fn hashes_are_64_lowercase_hex() {
        assert!(is_sha256(&"ab".repeat(32)));
        assert!(!is_sha256(&"AB".repeat(32)));
        assert!(!is_sha256("abc"));
    }
}
