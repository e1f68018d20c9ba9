//! What a code typed or scanned on a drug box says: a CIP13 (the box's
//! number, 13 digits starting with 34009), a CIP7, or the GS1 DataMatrix
//! printed on boxes since 2011, which a hand-held scanner types like a
//! keyboard: `01` + GTIN-14 (`0` + CIP13), `17` expiry (YYMMDD), `10` lot,
//! `21` serial, variable-length fields ended by the group separator (ASCII
//! 29). Scanners may also send the symbology prefix `]d2`, and people type
//! the printed form `(01)…(17)…`. Pure, compiled for both sides: the page
//! reads the scan, the server checks it again.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A presentation's number as the BDPM keys it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoxCode {
    /// 13 digits, check digit verified.
    Cip13(String),
    /// 7 digits (the older number, still in the BDPM).
    Cip7(String),
}

/// A scanned or typed code, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub code: BoxCode,
    /// `17`: the box's expiry date (day 00 means the end of the month).
    pub expiry: Option<NaiveDate>,
    /// `10`: the lot.
    pub lot: Option<String>,
    /// `21`: the serial number.
    pub serial: Option<String>,
}

/// Why a code was not read, in French for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError(pub &'static str);

const GS: char = '\u{1d}';

/// Whether `digits` (all ASCII digits) ends with its EAN/GTIN check digit.
fn check_digit_ok(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let Some((&last, body)) = bytes.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(last - b'0')
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads a CIP13 from a GTIN-14 (`0` + CIP13) or a bare 13-digit number.
fn cip13(digits: &str) -> Result<BoxCode, CodeError> {
    let cip = match digits.len() {
        14 if digits.starts_with('0') => &digits[1..],
        13 => digits,
        _ => {
            return Err(CodeError(
                "Ce code ne correspond pas à une boîte de médicament.",
            ))
        }
    };
    if !check_digit_ok(cip) {
        return Err(CodeError(
            "Ce code est mal lu (chiffre de contrôle faux) : scannez-le à nouveau.",
        ));
    }
    if !cip.starts_with("34009") && !cip.starts_with("34001") {
        return Err(CodeError(
            "Ce code n’est pas un code CIP de médicament (il ne commence pas par 3400).",
        ));
    }
    Ok(BoxCode::Cip13(cip.to_string()))
}

/// `YYMMDD`, day `00` standing for the month's last day (GS1 rule).
fn expiry(s: &str) -> Result<NaiveDate, CodeError> {
    let bad = CodeError("La date de péremption du code est illisible.");
    if s.len() != 6 || !all_digits(s) {
        return Err(bad);
    }
    let year = 2000 + s[0..2].parse::<i32>().map_err(|_| bad.clone())?;
    let month = s[2..4].parse::<u32>().map_err(|_| bad.clone())?;
    let day = s[4..6].parse::<u32>().map_err(|_| bad.clone())?;
    if day == 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(bad.clone())?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .ok_or(bad.clone())?;
        return next.pred_opt().ok_or(bad);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(bad)
}

/// Parses what the person typed or the scanner sent.
pub fn parse(input: &str) -> Result<Scan, CodeError> {
    let mut s: String = input
        .trim_matches(|c: char| c.is_whitespace() && c != GS)
        .chars()
        .filter(|c| *c != '\u{feff}' && *c != '\0')
        .collect();
    for prefix in ["]d2", "]C1", "]Q3", "]e0"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    if s.is_empty() {
        return Err(CodeError("Tapez ou scannez le code de la boîte."));
    }
    let plain = s.replace(' ', "");
    if all_digits(&plain) && plain.len() == 7 {
        return Ok(Scan {
            code: BoxCode::Cip7(plain),
            expiry: None,
            lot: None,
            serial: None,
        });
    }
    if all_digits(&plain) && plain.len() == 13 {
        return Ok(Scan {
            code: cip13(&plain)?,
            expiry: None,
            lot: None,
            serial: None,
        });
    }
    // The printed form: `(01)…(17)…` — brackets end each field.
    let s = if s.starts_with('(') {
        s.replace(')', "").replace('(', &GS.to_string())
    } else {
        s
    };
    element_string(s.trim_start_matches(GS))
}

/// A GS1 element string: fixed-length fields one after the other,
/// variable ones ended by GS or the end.
fn element_string(s: &str) -> Result<Scan, CodeError> {
    let unread = CodeError("Ce code n’a pas pu être lu : tapez le code CIP à 13 chiffres.");
    let mut rest = s;
    let (mut code, mut exp, mut lot, mut serial) = (None, None, None, None);
    while !rest.is_empty() {
        rest = rest.trim_start_matches(GS);
        if rest.len() < 2 {
            break;
        }
        let (ai, after) = rest.split_at(2);
        let fixed = match ai {
            "01" => Some(14),
            "17" | "11" | "15" => Some(6),
            "10" | "21" => None,
            _ => return Err(unread),
        };
        let value;
        (value, rest) = match fixed {
            Some(n) => {
                if after.len() < n || !after.is_char_boundary(n) {
                    return Err(unread);
                }
                after.split_at(n)
            }
            None => match after.find(GS) {
                Some(end) => after.split_at(end),
                None => (after, ""),
            },
        };
        match ai {
            "01" => code = Some(cip13(value)?),
            "17" => exp = Some(expiry(value)?),
            "10" => lot = Some(value.to_string()),
            "21" => serial = Some(value.to_string()),
            _ => {}
        }
    }
    Ok(Scan {
        code: code.ok_or(unread)?,
        expiry: exp,
        lot,
        serial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // A real-format CIP13 (Doliprane 1000 mg, 8 tablets) and its GTIN-14.
    const CIP: &str = "3400936403116";

    #[test]
    fn the_check_digit_is_verified() {
        assert!(check_digit_ok(CIP));
        assert!(!check_digit_ok("3400936403117"));
        assert_eq!(
            parse("3400936403117").unwrap_err().0,
            "Ce code est mal lu (chiffre de contrôle faux) : scannez-le à nouveau."
        );
    }

    #[test]
    fn a_typed_cip13_or_cip7_is_read() {
        assert_eq!(
            parse(" 3400936403116 ").unwrap().code,
            BoxCode::Cip13(CIP.into())
        );
        assert_eq!(
            parse("3640311").unwrap().code,
            BoxCode::Cip7("3640311".into())
        );
    }

    #[test]
    fn a_datamatrix_as_a_scanner_types_it_is_read() {
        let scan = parse("]d2010340093640311617270331 10LOT42\u{1d}21SN0001").unwrap_err();
        // A space inside the string is not a separator: refused, not misread.
        assert!(scan.0.contains("pas pu être lu") || scan.0.contains("contrôle"));
        let scan = parse("]d201034009364031161727033110LOT42\u{1d}21SN0001").unwrap();
        assert_eq!(scan.code, BoxCode::Cip13(CIP.into()));
        assert_eq!(scan.expiry, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(scan.lot.as_deref(), Some("LOT42"));
        assert_eq!(scan.serial.as_deref(), Some("SN0001"));
    }

    #[test]
    fn the_printed_form_and_day_zero_are_read() {
        let scan = parse("(01)03400936403116(17)270200(10)A12").unwrap();
        assert_eq!(scan.code, BoxCode::Cip13(CIP.into()));
        assert_eq!(scan.expiry, NaiveDate::from_ymd_opt(2027, 2, 28));
        assert_eq!(scan.lot.as_deref(), Some("A12"));
    }

    #[test]
    fn other_codes_are_refused_in_french() {
        assert!(parse("").is_err());
        assert!(parse("abc").is_err());
        // A food EAN-13 with a right check digit is not a drug.
        assert!(parse("3017620422003").unwrap_err().0.contains("CIP"));
        assert!(parse("0103400936403116171399").is_err());
    }
}
