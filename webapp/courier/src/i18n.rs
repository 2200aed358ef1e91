//! The phone app's text: Bahasa Indonesia first, English second. Words
//! both apps use (login, language, errors) are `antar_web::i18n::C`.

pub use antar_web::i18n::{status_label, t, Lang, C};

antar_web::texts! {
    T;
    MyStops => ("Antaran saya", "My deliveries"),
    Day => ("Hari", "Day"),
    NoStops => ("Tidak ada antaran untuk hari ini", "No deliveries for today"),
    Done => ("terantar", "delivered"),
    OtherDone => ("dititipkan/dikembalikan", "left or handed back"),
    RouteOf => ("Rute tanggal", "Route of"),
    Left => ("tersisa", "left"),
    Deliver => ("Diterima", "Delivered"),
    Failed => ("Gagal antar", "Not delivered"),
    Recipient => ("Penerima", "Recipient"),
    RecipientName => ("Nama penerima", "Recipient's name"),
    RelSelf => ("Pemilik KTP sendiri", "The card holder"),
    RelFamily => ("Anggota keluarga", "A family member"),
    RelOther => ("Orang lain", "Someone else"),
    Save => ("Simpan", "Save"),
    Cancel => ("Batal", "Cancel"),
    Reason => ("Alasan", "Reason"),
    Note => ("Catatan", "Note"),
    NotHome => ("Tidak ada di rumah", "Not at home"),
    Moved => ("Sudah pindah", "Moved away"),
    AddressNotFound => ("Alamat tidak ditemukan", "Address not found"),
    Refused => ("Menolak menerima", "Refused"),
    Deceased => ("Meninggal dunia", "Deceased"),
    Other => ("Lainnya", "Other"),
    Pending => ("menunggu dikirim", "waiting to send"),
    LastSync => ("sinkron terakhir", "last sync"),
    Never => ("belum pernah", "never"),
    SyncNow => ("Kirim sekarang", "Send now"),
    Syncing => ("Mengirim…", "Sending…"),
    AllSent => ("Semua terkirim", "All sent"),
    Rejected => ("Ditolak server", "Rejected by the server"),
    Dismiss => ("Tutup", "Dismiss"),
    LoginAgain => ("Sesi habis: masuk lagi untuk mengirim. Data Anda tetap tersimpan.", "Session expired: log in again to send. Your data is kept."),
    Status => ("Status", "Status"),
    FailedTimes => ("Gagal antar", "Failed attempts:"),
    GpsSearching => ("Mencari lokasi GPS…", "Finding the GPS position…"),
    GpsFound => ("Lokasi GPS, akurasi ±", "GPS position, accurate to ±"),
    GpsUnavailable => ("Lokasi GPS tidak tersedia; tetap bisa disimpan.", "No GPS position; you can still save."),
    Landmark => ("Patokan", "Landmark"),
    StopSearch => ("Cari nama, alamat atau RT", "Search name, address or RT"),
    ShowAll => ("Semua", "All"),
    ShowOpen => ("Belum selesai", "Still to do"),
    ShowDone => ("Selesai", "Done"),
    NoMatch => ("Tidak ada antaran yang cocok", "No deliveries match"),
    LandmarkNote => ("Patokan rumah untuk kunjungan berikut (tidak wajib)", "Landmark for the next visit (optional)"),
    PickupTitle => ("Ambil bundel di kantor", "Pick up the bundle at the office"),
    PickupWaiting => ("kartu menunggu diambil. Hitung yang Anda terima:", "cards are waiting. Count the ones you were handed:"),
    PickupCount => ("Jumlah kartu diterima", "Cards received"),
    PickupConfirm => ("Konfirmasi ambil", "Confirm pick-up"),
    PickupMismatch => ("Jumlah tidak cocok dengan rute. Periksa lagi bersama petugas.", "The count does not match the route. Check again with the office staff."),
    PickupUnreadable => ("Tulis jumlah kartu dengan angka.", "Write the number of cards in digits."),
    Relationship => ("Hubungan keluarga (mis. istri, anak)", "Relationship (e.g. wife, son)"),
    IdCheckLabel => ("NIK penerima (dari KK atau KTP lama)", "Recipient's NIK (from the KK or old card)"),
    IdMatches => ("NIK cocok dengan kartu ini", "The NIK matches this card"),
    IdMismatch => ("NIK tidak cocok dengan kartu ini. Periksa lagi.", "The NIK does not match this card. Check again."),
    Photo => ("Foto serah terima", "Handover photo"),
    PhotoTake => ("📷 Ambil foto", "📷 Take a photo"),
    PhotoRetake => ("📷 Ambil ulang", "📷 Take again"),
    PhotoWorking => ("Memproses foto…", "Processing the photo…"),
    PhotoReady => ("Foto siap", "Photo ready"),
    PhotoFailed => ("Foto tidak bisa dibaca; ambil lagi.", "The photo could not be read; take it again."),
    Signature => ("Tanda tangan penerima", "Recipient's signature"),
    Clear => ("Hapus", "Clear"),
    OldCardReturned => ("KTP lama sudah diambil kembali", "The old card was taken back"),
    RequiredMark => ("(wajib)", "(required)"),
    MissingName => ("Isi nama penerima.", "Enter the recipient's name."),
    MissingRelationship => ("Isi hubungan keluarga.", "Enter the relationship."),
    MissingIdCheck => ("Cek NIK wajib.", "The NIK check is required."),
    MissingPhoto => ("Foto wajib.", "A photo is required."),
    MissingSignature => ("Tanda tangan wajib.", "A signature is required."),
    MissingGps => ("Lokasi GPS wajib; tunggu atau coba lagi.", "A GPS position is required; wait or try again."),
    Navigate => ("Petunjuk arah", "Directions"),
    LeaveAtVillage => ("Titip di kelurahan", "Leave at the village office"),
    LeaveAtVillageHint => ("Kartu dititipkan di kantor kelurahan untuk diambil warga.", "The card is left at the village office for the resident to collect."),
    EndOfDay => ("Akhir hari", "End of day"),
    StillCarried => ("kartu masih Anda bawa. Serahkan kembali ke kantor:", "cards are still with you. Hand them back at the office:"),
    HandedBack => ("Diserahkan ke kantor, menunggu diterima", "Handed back, waiting for the office"),
    HandedBackWaiting => ("kartu sudah Anda serahkan, menunggu diterima petugas (masih tanggung jawab Anda sampai dipindai di kantor).", "cards handed back, waiting for the office staff to receive them (still yours until scanned at the office)."),
    ReturnToOffice => ("Saya serahkan semua ke kantor", "I hand them all back at the office"),
    ConfirmReturn => ("Ya, sudah diserahkan ke petugas", "Yes, handed to the office staff"),
    PhotosWaiting => ("foto menunggu", "photos waiting"),
    NotPersistent => ("Penyimpanan tidak dijamin permanen: jangan hapus data browser sebelum semua terkirim.", "Storage is not guaranteed: do not clear browser data before everything is sent."),
    SavedOnPhone => ("tindakan tersimpan di ponsel; dikirim saat ada sinyal", "saved on the phone; sent when there is a signal"),
    StoreFailed => ("Gagal menyimpan di HP", "Could not save on the phone"),
    SyncFailed => ("Pengiriman gagal", "Sending failed"),
    ServerError => ("server menjawab", "the server answered"),
    Scan => ("📷 Pindai label", "📷 Scan a label"),
    ScanTitle => ("Pindai kode QR di label amplop", "Scan the QR code on the envelope label"),
    ScanNoCamera => ("Browser ini tidak bisa memindai: ketik nomor di label.", "This browser cannot scan: type the number on the label."),
    ScanCode => ("Nomor di label (#) atau kode", "Number on the label (#) or code"),
    ScanOpen => ("Buka", "Open"),
    ScanFound => ("Dari label", "From the label"),
    ScanUnknown => ("Kartu ini tidak ada di rute Anda. Bila ada di tas Anda, serahkan ke kantor.", "This card is not on your routes. If it is in your bag, hand it to the office."),
    ScanUnreadable => ("Kode tidak dikenali. Ketik nomor di label.", "The code is not recognised. Type the number on the label."),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages() {
        for &key in T::ALL {
            assert!(!t(Lang::Id, key).is_empty(), "{key:?} id");
            assert!(!t(Lang::En, key).is_empty(), "{key:?} en");
        }
    }

    #[test]
    fn indonesian_is_the_default_language() {
        assert_eq!(Lang::default(), Lang::Id);
        assert_eq!(t(Lang::default(), T::Deliver), "Diterima");
        assert_eq!(Lang::Id.other(), Lang::En);
    }
}
