//! Closed code lists, declared once: each value's code (as stored and sent
//! in forms), its French label, and the list in its display order.
//!
//! ```ignore
//! code_list! {
//!     /// What a consent is about.
//!     #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//!     pub enum ConsentScope {
//!         HorsEquipe = "hors_equipe" => "Partage avec des professionnels hors de l’équipe",
//!         Famille = "famille" => "Partage avec la famille",
//!     }
//! }
//! ```
//!
//! gives `ConsentScope::ALL` (every value, in this order), `LIST` (`(code,
//! label)` pairs for a `<select>`), `code()`, `label()` and `parse(code)`.
//! The derives and serde attributes stay the caller's: a wire format is not
//! changed by declaring a list here.

use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

/// What `code_list!` gives every list, for code that works on any of them.
pub trait CodeList: Sized + Copy + 'static {
    fn code(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
}

/// `#[serde(with = "crate::codes::by_code")]`: a list's value travels as
/// its code (`"vie_quotidienne"`), whatever the enum's own serde says; an
/// unknown code is refused while decoding.
pub mod by_code {
    use super::*;

    pub fn serialize<T: CodeList, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.code())
    }

    pub fn deserialize<'de, T: CodeList, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let code = String::deserialize(d)?;
        T::parse(&code).ok_or_else(|| D::Error::custom(format!("code inconnu : {code}")))
    }
}

/// Like `by_code`, for an optional value: the empty code is `None` (a
/// filter's "toutes").
pub mod by_optional_code {
    use super::*;

    pub fn serialize<T: CodeList, S: Serializer>(
        value: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.map_or("", |v| v.code()))
    }

    pub fn deserialize<'de, T: CodeList, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        match String::deserialize(d)?.as_str() {
            "" => Ok(None),
            code => T::parse(code)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("code inconnu : {code}"))),
        }
    }
}

#[macro_export]
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        #[allow(dead_code)] // a list uses what it needs of these
        impl $name {
            /// Every value, in display order.
            pub const ALL: [$name; $crate::code_list!(@count $($variant)+)] = [$($name::$variant),+];

            /// `(code, label)` of every value, in display order.
            pub const LIST: &'static [(&'static str, &'static str)] = &[$(($code, $label)),+];

            /// The code, as stored and as sent by forms.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The French label.
            pub const fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The label of a stored code, or the code itself when it is no
            /// longer in the list.
            pub fn label_of(code: &str) -> String {
                $name::parse(code).map_or_else(|| code.to_string(), |v| v.label().to_string())
            }

            /// The value of a code; `None` for anything else.
            pub fn parse(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                                    _ => None,
                                }
                            }
                        }

                        impl $crate::codes::CodeList for $name {
                            fn code(self) -> &'static str {
                                $name::code(self)
                            }
                            fn parse(code: &str) -> Option<Self> {
                                $name::parse(code)
                            }
                        }
                    };
    (@count) => { 0 };
    (@count $head:ident $($tail:ident)*) => { 1 + $crate::code_list!(@count $($tail)*) };
}

#[cfg(test)]
mod tests {
    crate::code_list! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Colour {
            Rouge = "rouge" => "Rouge",
            BleuClair = "bleu_clair" => "Bleu clair",
        }
    }

    #[test]
    fn a_list_gives_codes_labels_and_parses_its_own_codes_only() {
        assert_eq!(Colour::ALL, [Colour::Rouge, Colour::BleuClair]);
        assert_eq!(
            Colour::LIST,
            &[("rouge", "Rouge"), ("bleu_clair", "Bleu clair")]
        );
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.code()), Some(c));
        }
        assert_eq!(Colour::BleuClair.label(), "Bleu clair");
        assert_eq!(Colour::parse("Rouge"), None);
        assert_eq!(Colour::parse(""), None);
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Form {
        #[serde(with = "crate::codes::by_code")]
        colour: Colour,
        #[serde(with = "crate::codes::by_optional_code", default)]
        filter: Option<Colour>,
    }

    #[test]
    fn values_travel_as_their_codes_and_unknown_codes_are_refused() {
        let f: Form = serde_json::from_str(r#"{"colour":"bleu_clair","filter":""}"#).unwrap();
        assert_eq!(
            f,
            Form {
                colour: Colour::BleuClair,
                filter: None
            }
        );
        assert_eq!(
            serde_json::to_string(&Form {
                colour: Colour::Rouge,
                filter: Some(Colour::Rouge)
            })
            .unwrap(),
            r#"{"colour":"rouge","filter":"rouge"}"#
        );
        assert!(serde_json::from_str::<Form>(r#"{"colour":"vert"}"#).is_err());
    }
}
