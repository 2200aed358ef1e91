//! Interface text machinery for both apps: Bahasa Indonesia first,
//! English second. Each app lists its own texts with [`texts!`]; the words
//! both use are [`C`]. [`t`] reads either.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

/// A piece of interface text in both languages.
pub trait Text: Copy {
    fn id(self) -> &'static str;
    fn en(self) -> &'static str;
}

/// `key` in `lang`.
pub fn t(lang: Lang, key: impl Text) -> &'static str {
    match lang {
        Lang::Id => key.id(),
        Lang::En => key.en(),
    }
}

/// Declares an enum of interface texts, each in Indonesian and English:
/// `texts! { T; Key => ("Indonesia", "English"), … }`.
#[macro_export]
macro_rules! texts {
    ($name:ident; $($key:ident => ($id:literal, $en:literal),)*) => {
        /// Every piece of this app's interface text, by meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key,)*];
        }

        impl $crate::i18n::Text for $name {
            fn id(self) -> &'static str {
                match self { $($name::$key => $id,)* }
            }
            fn en(self) -> &'static str {
                match self { $($name::$key => $en,)* }
            }
        }
    };
}

texts! {
    C;
    AppName => ("Antar e-KTP", "Antar e-KTP"),
    SwitchLang => ("English", "Bahasa Indonesia"),
    Username => ("Nama pengguna", "Username"),
    Password => ("Kata sandi", "Password"),
    Login => ("Masuk", "Log in"),
    Logout => ("Keluar", "Log out"),
    LoginFailed => ("Nama pengguna atau kata sandi salah", "Wrong username or password"),
    Offline => ("Tidak ada koneksi", "No connection"),
    NotSecure => ("Peringatan: halaman ini tidak aman (bukan HTTPS). Kamera, GPS dan mode offline tidak akan berfungsi.", "Warning: this page is not secure (not HTTPS). Camera, GPS and offline mode will not work."),
    Loading => ("Memuat…", "Loading…"),
    LoadFailed => ("Gagal memuat", "Could not load"),
    TryAgain => ("Coba lagi", "Try again"),
}

/// A custody status as the UI names it.
pub fn status_label(lang: Lang, s: antar_shared::Status) -> &'static str {
    match lang {
        Lang::Id => s.label_id(),
        Lang::En => s.label_en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_text_exists_in_both_languages() {
        for &key in C::ALL {
            assert!(!t(Lang::Id, key).is_empty(), "{key:?} id");
            assert!(!t(Lang::En, key).is_empty(), "{key:?} en");
        }
    }

    #[test]
    fn indonesian_is_the_default_language() {
        assert_eq!(Lang::default(), Lang::Id);
        assert_eq!(t(Lang::default(), C::Login), "Masuk");
        assert_eq!(t(Lang::En, C::Login), "Log in");
        assert_eq!(Lang::Id.other(), Lang::En);
    }
}
