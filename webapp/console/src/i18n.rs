//! The console's text: Bahasa Indonesia first, English second. Words both
//! apps use (login, language, errors) are `antar_web::i18n::C`.

pub use antar_web::i18n::{status_label, t, Lang, C};

antar_web::texts! {
    T;
    Console => ("Konsol kantor", "Office console"),
    NavPlanner => ("Rencana rute", "Route planner"),
    NavCards => ("Kartu", "Cards"),
    NetworkDown => ("Tidak ada koneksi ke server. Periksa jaringan kantor, lalu coba lagi.", "No connection to the server. Check the office network, then try again."),
    Retry => ("Coba lagi", "Try again"),
    NotFound => ("Halaman tidak ditemukan", "Page not found"),
    Cards => ("Kartu", "Cards"),
    Search => ("Cari nama atau NIK", "Search name or NIK"),
    AllStatuses => ("Semua status", "All statuses"),
    AllKecamatan => ("Semua kecamatan", "All kecamatan"),
    AllKelurahan => ("Semua kelurahan", "All kelurahan"),
    AllBatches => ("Semua batch cetak", "All print batches"),
    Kecamatan => ("Kecamatan", "Kecamatan"),
    Kelurahan => ("Kelurahan", "Kelurahan"),
    Batch => ("Batch cetak", "Print batch"),
    Name => ("Nama", "Name"),
    Address => ("Alamat", "Address"),
    Status => ("Status", "Status"),
    Total => ("Jumlah", "Total"),
    Previous => ("Sebelumnya", "Previous"),
    Next => ("Berikutnya", "Next"),
    Import => ("Impor batch cetak (CSV)", "Import print batch (CSV)"),
    DryRun => ("Periksa saja, jangan simpan", "Check only, do not save"),
    Upload => ("Unggah", "Upload"),
    Uploading => ("Mengunggah", "Uploading"),
    Checking => ("Server memeriksa dan menyimpan baris…", "The server is checking and saving the rows…"),
    Imported => ("diimpor", "imported"),
    WouldImport => ("akan diimpor", "would be imported"),
    FailedAttempts => ("Gagal antar", "Failed attempts"),
    Courier => ("Kurir", "Courier"),
    Review => ("Tinjauan", "Review"),
    Flagged => ("Perlu ditinjau", "Needs review"),
    Duplicates => ("duplikat", "duplicates"),
    RejectedRows => ("ditolak", "rejected"),
    Errors => ("Kesalahan", "Errors"),
    Warnings => ("Peringatan", "Warnings"),
    Line => ("Baris", "Line"),
    Column => ("Kolom", "Column"),
    Message => ("Keterangan", "Message"),
    PlanTitle => ("Rencana rute harian", "Daily route plan"),
    PlanDate => ("Tanggal antar", "Delivery date"),
    PlanCouriers => ("Kurir yang bertugas", "Couriers on duty"),
    NoCouriers => ("Belum ada kurir. Admin dapat menambah pengguna kurir.", "No couriers yet. An admin can add courier users."),
    PlanPool => ("Kartu yang direncanakan", "Cards to plan"),
    PlanPoolHint => ("Semua kartu tercetak atau kembali ke kantor yang belum ada di rute terbuka.", "Every card printed or back at the office that is on no open route."),
    MaxStops => ("Maks. alamat per kurir", "Max stops per courier"),
    PlanRun => ("Buat rencana", "Make the plan"),
    Planning => ("Merencanakan…", "Planning…"),
    PlanSave => ("Simpan semua rute", "Save every route"),
    Saving => ("Menyimpan…", "Saving…"),
    Saved => ("Tersimpan", "Saved"),
    SavedRoutes => ("rute tersimpan. Cetak untuk tas kurir:", "routes saved. Print for the couriers' bags:"),
    SaveRefused => ("Tidak ada yang disimpan", "Nothing was saved"),
    Stops => ("alamat", "stops"),
    Km => ("km", "km"),
    MoveTo => ("Pindah ke…", "Move to…"),
    Up => ("Naik", "Up"),
    Down => ("Turun", "Down"),
    DropCard => ("Keluarkan", "Take out"),
    Unassigned => ("Belum mendapat kurir", "Not on a route"),
    AssignTo => ("Beri ke…", "Give to…"),
    OverCap => ("Kurir itu sudah penuh (batas alamat per kurir).", "That courier is full (the stop cap)."),
    Approximate => ("lokasi perkiraan (pusat kelurahan/RT)", "approximate location (centre of the kelurahan/RT)"),
    NoLocation => ("tanpa lokasi", "no location"),
    OfficeMark => ("Kantor", "Office"),
    Sheet => ("Lembar rute (PDF)", "Route sheet (PDF)"),
    Labels => ("Label amplop (PDF)", "Envelope labels (PDF)"),
    EmptyPool => ("Tidak ada kartu untuk direncanakan.", "No cards to plan."),
    ReasonRtOverCap => ("RT ini lebih banyak dari batas alamat satu kurir", "This RT alone is over one courier's cap"),
    ReasonNoCapacity => ("Semua kurir sudah penuh", "Every courier is full"),
    ReasonNoCourier => ("Tidak ada kurir bertugas", "No courier works the day"),
    ReasonNotFound => ("Kartu tidak ditemukan", "No such card"),
    ReasonNotPlannable => ("Status kartu tidak bisa dirutekan", "The card's status cannot go on a route"),
    ReasonOnOpenRoute => ("Sudah ada di rute terbuka", "Already on an open route"),
    ReasonDropped => ("Dikeluarkan oleh petugas", "Taken out by staff"),
    NavDashboard => ("Hari ini", "Today"),
    NavBacklog => ("Antrean", "Backlog"),
    DashTitle => ("Pengantaran hari ini", "The day's deliveries"),
    DashDate => ("Tanggal", "Date"),
    DashNoRoutes => ("Tidak ada rute pada tanggal ini.", "No routes on this date."),
    HandedOut => ("Dibawa", "Handed out"),
    Delivered => ("Terantar", "Delivered"),
    Failed => ("Gagal", "Failed attempts"),
    Returned => ("Kembali", "Returned"),
    LeftAtVillage => ("Di kantor desa", "At the village office"),
    StillOut => ("Masih dibawa", "Still out"),
    NotTaken => ("Belum diambil", "Not taken"),
    LastSync => ("Sinkron terakhir", "Last sync"),
    NeverSynced => ("belum pernah", "never"),
    MinutesAgo => ("menit lalu", "min ago"),
    Quiet => ("Tanpa kabar lebih dari 2 jam", "Silent for over 2 hours"),
    DayClosed => ("ditutup", "closed"),
    AllCouriers => ("Semua kurir", "All couriers"),
    ByKecamatan => ("Kartu per kecamatan", "Cards by kecamatan"),
    AllCards => ("Semua kartu", "All cards"),
    UpdatedAt => ("Diperbarui", "Updated"),
    AutoRefresh => ("diperbarui otomatis tiap 15 detik", "refreshes by itself every 15 s"),
    BacklogTitle => ("Antrean kartu dan perkiraan selesai", "The backlog and when it clears"),
    Waiting => ("Menunggu di kantor", "Waiting at the office"),
    Backlog => ("Belum terantar", "Not yet delivered"),
    DeliveryRate => ("Diantar per hari (4 minggu)", "Delivered a day (4 weeks)"),
    PrintingRate => ("Dicetak per hari (4 minggu)", "Printed a day (4 weeks)"),
    ClearsTitle => ("Antrean habis pada", "The backlog clears on"),
    ClearsHint => ("Dengan laju antar saat ini, bila pencetakan per hari…", "Delivering at the current rate, if printing a day is…"),
    AtCurrentPrinting => ("seperti 4 minggu terakhir", "as in the last 4 weeks"),
    CardsADay => ("kartu/hari", "cards a day"),
    Never => ("tidak akan habis (antrean bertambah)", "never (the backlog grows)"),
    PrintedVsDelivered => ("Dicetak dan diantar per hari", "Printed and delivered per day"),
    BacklogChart => ("Antrean: 4 minggu terakhir dan perkiraan", "Backlog: the last 4 weeks and the projection"),
    PrintedLegend => ("dicetak", "printed"),
    DeliveredLegend => ("diantar", "delivered"),
    ProjectionLegend => ("perkiraan (garis putus)", "projection (dashed)"),
    NavDays => ("Tutup hari", "Close the day"),
    DaysTitle => ("Tutup hari dan berita acara serah terima", "Close the day and the handover report"),
    DayOpen => ("terbuka", "open"),
    Balanced => ("seimbang", "balanced"),
    NotBalanced => ("tidak seimbang", "does not balance"),
    Discrepancy => ("Selisih: kartu belum diserahkan kembali oleh kurir", "Discrepancy: cards the courier has not handed back"),
    TickHandedBack => ("centang yang diserahkan kembali sekarang", "tick those handed back now"),
    OtherOutcome => ("Lainnya (diambil di kantor, dibatalkan)", "Other (collected at the office, void)"),
    CloseDay => ("Tutup hari kurir ini", "Close this courier's day"),
    CloseConfirm => ("Tutup hari ini? Kartu yang dicentang diterima kembali di kantor; berita acara tidak berubah lagi.", "Close the day? The ticked cards are received back at the office; the report will not change again."),
    ReportPdf => ("Berita acara (PDF)", "Handover report (PDF)"),
    ReportCsv => ("Berita acara (CSV)", "Handover report (CSV)"),
    NavReview => ("Tinjauan", "Review"),
    ResidentAnswer => ("Jawaban warga", "Resident's answer"),
    Confirmed => ("sudah menerima", "received"),
    Disputed => ("melaporkan masalah", "reported a problem"),
    ProofMissing => ("Foto/tanda tangan belum sampai di server", "Photos/signatures not yet on the server"),
    StaffActions => ("Tindakan petugas", "Staff actions"),
    ActCollected => ("Diambil warga di kantor", "Collected at the office"),
    ActHeld => ("Simpan untuk diambil", "Hold for pickup"),
    ActVoid => ("Batalkan kartu", "Void the card"),
    VoidReason => ("Alasan pembatalan", "Reason to void"),
    VoidReprinted => ("Dicetak ulang", "Reprinted"),
    VoidDamaged => ("Rusak", "Damaged"),
    VoidDeceased => ("Meninggal dunia", "Deceased"),
    VoidOther => ("Lainnya", "Other"),
    MakeLink => ("Buat tautan warga", "Make a resident link"),
    ValidUntil => ("berlaku sampai", "valid until"),
    SendWhatsApp => ("Kirim lewat WhatsApp", "Send by WhatsApp"),
    NoPhone => ("tidak ada nomor HP; salin tautannya", "no phone number; copy the link"),
    Log => ("Riwayat kartu", "The card's log"),
    What => ("Kejadian", "What"),
    Who => ("Oleh", "Who"),
    PhoneTime => ("Jam HP", "Phone's time"),
    ServerTime => ("Jam server", "Server's time"),
    Skew => ("Selisih jam", "Clock skew"),
    Proof => ("Bukti", "Proof"),
    Received => ("diterima server", "received"),
    Photo => ("Foto serah terima", "Handover photo"),
    Signature => ("Tanda tangan penerima", "Recipient's signature"),
    ReviewTitle => ("Antrean tinjauan", "Review queue"),
    ReviewEmpty => ("Tidak ada yang perlu ditinjau.", "Nothing to review."),
    AllKinds => ("Semua jenis", "All kinds"),
    KindMissingProof => ("Antar tanpa bukti wajib", "Delivery without required proof"),
    KindFlagged => ("Ditandai aturan serah terima", "Flagged by the custody rules"),
    KindRejected => ("Ditolak server", "Refused by the server"),
    KindReport => ("Laporan warga", "Resident's report"),
    KindEarly => ("Warga konfirmasi sebelum data kurir masuk", "Resident confirmed before the courier's sync"),
    Card => ("Kartu", "Card"),
    Note => ("Catatan penyelesaian", "Resolution note"),
    Resolve => ("Selesaikan", "Resolve"),
    Resolved => ("Selesai", "Resolved"),
    CodeValidation => ("Isian tidak valid.", "The input is not valid."),
    CodeUnauthorized => ("Sesi berakhir; masuk lagi.", "The session has ended; log in again."),
    CodeForbidden => ("Tidak diizinkan untuk peran Anda.", "Not allowed for your role."),
    CodeNotFound => ("Tidak ditemukan (atau milik kantor lain).", "Not found (or another office's)."),
    CodeMethod => ("Permintaan tidak didukung.", "The request is not supported."),
    CodeConflict => ("Bertentangan dengan status kartu atau rute.", "Conflicts with the card's custody or a route."),
    CodeUnprocessable => ("Server tidak dapat memproses ini.", "The server cannot act on this."),
    CodeGone => ("Sudah tidak berlaku.", "No longer valid."),
    CodeTooLarge => ("Berkas terlalu besar.", "The file is too large."),
    CodeTooMany => ("Terlalu banyak percobaan; tunggu sebentar.", "Too many attempts; wait a little."),
    CodeInternal => ("Kesalahan di server; coba lagi.", "A server error; try again."),
    CodeUnavailable => ("Server sedang tidak tersedia; coba lagi.", "The server is unavailable; try again."),
    CodeMissingColumn => ("Kolom wajib tidak ada di CSV.", "A required column is missing from the CSV."),
    CodeIdConflict => ("ID kejadian sudah dipakai untuk isi lain.", "The event id was already used for other content."),
    CodeNotAssigned => ("Kartu tidak ada di rute kurir ini.", "The card is not on this courier's routes."),
    CodeFlagged => ("Disimpan, perlu ditinjau.", "Kept, needs review."),
    CodeMissingProof => ("Bukti yang diwajibkan kantor tidak ada.", "Proof the office requires is missing."),
    CodeNikMismatch => ("NIK yang dicek di pintu tidak cocok dengan kartu.", "The NIK checked at the door is not the card's."),
    CodeInvalidPayload => ("Isi kejadian tidak valid.", "The event's content is not valid."),
    CodeUnknownKind => ("Jenis kejadian tidak dikenal.", "Unknown event kind."),
    CodeAfterSent => ("Waktu kejadian setelah waktu kirim (jam HP salah).", "The event's time is after the batch was sent (the phone's clock is wrong)."),
    CodeNotAllowed => ("Tidak mungkin pada status kartu saat itu.", "Cannot happen in the card's state at that moment."),
    CodeNotCarrier => ("Kartu tidak ditugaskan ke kurir ini saat itu.", "The card was not assigned to this courier at that time."),
}

/// What an error, result or flag code means, as staff read it; `None` for a
/// code this console does not know (its server text is shown instead).
pub fn code_text(code: &str) -> Option<T> {
    use antar_shared::codes::{problem as p, sync as s};
    Some(match code {
        p::VALIDATION => T::CodeValidation,
        p::UNAUTHORIZED => T::CodeUnauthorized,
        p::FORBIDDEN => T::CodeForbidden,
        p::NOT_FOUND => T::CodeNotFound,
        p::METHOD_NOT_ALLOWED => T::CodeMethod,
        p::CONFLICT => T::CodeConflict,
        p::UNPROCESSABLE => T::CodeUnprocessable,
        p::GONE => T::CodeGone,
        p::PAYLOAD_TOO_LARGE => T::CodeTooLarge,
        p::TOO_MANY_REQUESTS => T::CodeTooMany,
        p::INTERNAL => T::CodeInternal,
        p::UNAVAILABLE => T::CodeUnavailable,
        p::MISSING_COLUMN => T::CodeMissingColumn,
        s::ID_CONFLICT => T::CodeIdConflict,
        s::NOT_ASSIGNED => T::CodeNotAssigned,
        s::FLAGGED => T::CodeFlagged,
        s::MISSING_PROOF => T::CodeMissingProof,
        s::NIK_MISMATCH => T::CodeNikMismatch,
        s::INVALID_PAYLOAD => T::CodeInvalidPayload,
        s::UNKNOWN_KIND => T::CodeUnknownKind,
        s::OCCURRED_AFTER_SENT => T::CodeAfterSent,
        s::NOT_ALLOWED => T::CodeNotAllowed,
        s::NOT_CARRIER => T::CodeNotCarrier,
        _ => return None,
    })
}

/// Why a card is on no route, as staff read it.
pub fn reason_text(reason: &str) -> T {
    use antar_shared::codes::unplanned as u;
    match reason {
        u::RT_OVER_CAP => T::ReasonRtOverCap,
        u::NO_CAPACITY => T::ReasonNoCapacity,
        u::NO_COURIER => T::ReasonNoCourier,
        u::NOT_FOUND => T::ReasonNotFound,
        u::NOT_PLANNABLE => T::ReasonNotPlannable,
        u::ON_OPEN_ROUTE => T::ReasonOnOpenRoute,
        _ => T::ReasonDropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_console_text_exists_in_both_languages() {
        for &key in T::ALL {
            assert!(!t(Lang::Id, key).is_empty(), "{key:?} id");
            assert!(!t(Lang::En, key).is_empty(), "{key:?} en");
        }
    }

    #[test]
    fn every_error_result_and_flag_code_the_console_can_meet_has_a_text() {
        use antar_shared::codes::{problem, sync};
        let mut seen = Vec::new();
        for &code in problem::ALL.iter().chain(sync::ALL) {
            let text = code_text(code).unwrap_or_else(|| panic!("no text for {code}"));
            assert!(!seen.contains(&text), "{code} shares its text with another code");
            seen.push(text);
        }
        assert_eq!(code_text("no_such_code"), None);
    }

    #[test]
    fn every_reason_the_planner_gives_has_its_own_text() {
        for &reason in antar_shared::codes::unplanned::ALL {
            assert_ne!(reason_text(reason), T::ReasonDropped, "{reason}");
        }
    }
}
