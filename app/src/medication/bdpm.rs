//! The BDPM files (base de données publique des médicaments, Licence
//! Ouverte Etalab 2.0) as the ANSM publishes them: tab-separated, no header
//! line, Windows-1252 (some copies are UTF-8: both are accepted), `;`
//! between the values of a multi-valued column, dates `JJ/MM/AAAA`.
//! A line that does not fit is reported with its file and line number, and
//! the file is refused whole. Server only: the import reads them.

use chrono::NaiveDate;

/// The three files Parcours imports, in the order they must be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BdpmFile {
    /// `CIS_bdpm.txt`: one line per spécialité.
    Specialites,
    /// `CIS_CIP_bdpm.txt`: its presentations (boxes) with their CIP13.
    Presentations,
    /// `CIS_COMPO_bdpm.txt`: its substances and their dosages.
    Compositions,
}

impl BdpmFile {
    pub const ALL: [BdpmFile; 3] = [
        BdpmFile::Specialites,
        BdpmFile::Presentations,
        BdpmFile::Compositions,
    ];

    /// The file's published name.
    pub fn file_name(self) -> &'static str {
        match self {
            BdpmFile::Specialites => "CIS_bdpm.txt",
            BdpmFile::Presentations => "CIS_CIP_bdpm.txt",
            BdpmFile::Compositions => "CIS_COMPO_bdpm.txt",
        }
    }

    /// Which file a name is (the published names, any case).
    pub fn from_file_name(name: &str) -> Option<BdpmFile> {
        BdpmFile::ALL
            .into_iter()
            .find(|f| f.file_name().eq_ignore_ascii_case(name))
    }

    /// The columns a line has: at least, at most (the presentations file
    /// gained price columns over the years).
    fn columns(self) -> (usize, usize) {
        match self {
            BdpmFile::Specialites => (12, 12),
            BdpmFile::Presentations => (10, 13),
            BdpmFile::Compositions => (8, 8),
        }
    }
}

/// A line that does not fit its file: where, and why (French).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, ligne {line} : {reason}")]
pub struct LineError {
    pub file: &'static str,
    pub line: u64,
    pub reason: String,
}

/// A spécialité (`CIS_bdpm.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specialite {
    pub cis: String,
    pub name: String,
    pub form: String,
    pub routes: Vec<String>,
    pub amm_status: String,
    pub amm_procedure: String,
    pub marketing_state: String,
    pub amm_date: Option<NaiveDate>,
    pub bdm_status: String,
    pub eu_number: String,
    pub holders: Vec<String>,
    pub reinforced_monitoring: bool,
}

/// A presentation (`CIS_CIP_bdpm.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    pub cis: String,
    pub cip7: String,
    pub label: String,
    pub admin_status: String,
    pub marketing_state: String,
    pub marketing_date: Option<NaiveDate>,
    pub cip13: String,
    pub collectivites: Option<bool>,
    pub reimbursement: Vec<String>,
    pub price: Option<String>,
}

/// One substance of a spécialité (`CIS_COMPO_bdpm.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    pub cis: String,
    pub element: String,
    pub substance_code: String,
    pub substance: String,
    pub dosage: String,
    pub reference: String,
    /// `SA` (active substance) or `FT` (therapeutic fraction).
    pub nature: String,
    pub link: Option<i32>,
}

/// The text of a file: UTF-8 when it is, else Windows-1252 (as published).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The lines of a file, each split in its columns, with its line number.
fn records(file: BdpmFile, text: &str) -> Result<Vec<(u64, Vec<String>)>, LineError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .quoting(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let (min, max) = file.columns();
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| LineError {
            file: file.file_name(),
            line: e.position().map_or(0, |p| p.line()),
            reason: "ligne illisible".into(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let mut fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        // Some published copies end their lines with a tab.
        while fields.len() > min && fields.last().is_some_and(String::is_empty) {
            fields.pop();
        }
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        if fields.len() < min || fields.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} à {max}")
            };
            return Err(LineError {
                file: file.file_name(),
                line,
                reason: format!(
                    "{} colonnes au lieu de {expected} (séparées par des tabulations)",
                    fields.len()
                ),
            });
        }
        out.push((line, fields));
    }
    Ok(out)
}

fn fail(file: BdpmFile, line: u64, reason: impl Into<String>) -> LineError {
    LineError {
        file: file.file_name(),
        line,
        reason: reason.into(),
    }
}

fn digits(
    file: BdpmFile,
    line: u64,
    what: &str,
    value: &str,
    n: usize,
) -> Result<String, LineError> {
    if value.len() == n && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err(fail(
            file,
            line,
            format!("{what} « {value} » : {n} chiffres attendus"),
        ))
    }
}

fn date(file: BdpmFile, line: u64, value: &str) -> Result<Option<NaiveDate>, LineError> {
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%d/%m/%Y")
        .map(Some)
        .map_err(|_| fail(file, line, format!("date « {value} » : JJ/MM/AAAA attendu")))
}

fn list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses `CIS_bdpm.txt`.
pub fn specialites(text: &str) -> Result<Vec<Specialite>, LineError> {
    let file = BdpmFile::Specialites;
    records(file, text)?
        .into_iter()
        .map(|(line, f)| {
            let name = f[1].clone();
            if name.is_empty() {
                return Err(fail(file, line, "dénomination vide"));
            }
            Ok(Specialite {
                cis: digits(file, line, "code CIS", &f[0], 8)?,
                name,
                form: f[2].clone(),
                routes: list(&f[3]),
                amm_status: f[4].clone(),
                amm_procedure: f[5].clone(),
                marketing_state: f[6].clone(),
                amm_date: date(file, line, &f[7])?,
                bdm_status: f[8].clone(),
                eu_number: f[9].clone(),
                holders: list(&f[10]),
                reinforced_monitoring: match f[11].as_str() {
                    "Oui" | "oui" => true,
                    "Non" | "non" | "" => false,
                    other => {
                        return Err(fail(
                            file,
                            line,
                            format!("surveillance renforcée « {other} » : Oui ou Non attendu"),
                        ))
                    }
                },
            })
        })
        .collect()
}

/// Parses `CIS_CIP_bdpm.txt`.
pub fn presentations(text: &str) -> Result<Vec<Presentation>, LineError> {
    let file = BdpmFile::Presentations;
    records(file, text)?
        .into_iter()
        .map(|(line, f)| {
            Ok(Presentation {
                cis: digits(file, line, "code CIS", &f[0], 8)?,
                cip7: digits(file, line, "code CIP7", &f[1], 7)?,
                label: f[2].clone(),
                admin_status: f[3].clone(),
                marketing_state: f[4].clone(),
                marketing_date: date(file, line, &f[5])?,
                cip13: digits(file, line, "code CIP13", &f[6], 13)?,
                collectivites: match f[7].to_lowercase().as_str() {
                    "oui" => Some(true),
                    "non" => Some(false),
                    _ => None,
                },
                reimbursement: list(&f[8]),
                price: Some(f[9].clone()).filter(|p| !p.is_empty()),
            })
        })
        .collect()
}

/// Parses `CIS_COMPO_bdpm.txt`.
pub fn compositions(text: &str) -> Result<Vec<Composition>, LineError> {
    let file = BdpmFile::Compositions;
    records(file, text)?
        .into_iter()
        .map(|(line, f)| {
            let nature = f[6].clone();
            if nature != "SA" && nature != "FT" {
                return Err(fail(
                    file,
                    line,
                    format!("nature « {nature} » : SA ou FT attendu"),
                ));
            }
            if f[3].is_empty() {
                return Err(fail(file, line, "substance vide"));
            }
            Ok(Composition {
                cis: digits(file, line, "code CIS", &f[0], 8)?,
                element: f[1].clone(),
                substance_code: f[2].clone(),
                substance: f[3].clone(),
                dosage: f[4].clone(),
                reference: f[5].clone(),
                nature,
                link: f[7].parse().ok(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIS: &str = "60234100\tDOLIPRANE 1000 mg, comprimé\tcomprimé\torale\tAutorisation active\tProcédure nationale\tCommercialisée\t09/07/2002\t\t\t OPELLA HEALTHCARE FRANCE\tNon\n\
        61266250\tA 313 200 000 UI POUR CENT, pommade\tpommade\tcutanée;orale\tAutorisation active\tProcédure nationale\tCommercialisée\t12/03/1998\t\t\t PHARMA DEVELOPPEMENT\tNon\n";

    #[test]
    fn a_specialites_file_is_read_with_its_lists_and_dates() {
        let s = specialites(CIS).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].cis, "60234100");
        assert_eq!(s[0].amm_date, NaiveDate::from_ymd_opt(2002, 7, 9));
        assert_eq!(s[0].holders, vec!["OPELLA HEALTHCARE FRANCE"]);
        assert_eq!(s[1].routes, vec!["cutanée", "orale"]);
        assert!(!s[0].reinforced_monitoring);
    }

    #[test]
    fn windows_1252_and_utf8_are_both_read() {
        let latin: Vec<u8> =
            b"60234100\tDOLIPRANE\tcomprim\xe9\torale\tA\tP\tC\t09/07/2002\t\t\tX\tNon\n".to_vec();
        assert_eq!(specialites(&decode(&latin)).unwrap()[0].form, "comprimé");
        let utf8 = "60234100\tDOLIPRANE\tcomprimé\torale\tA\tP\tC\t09/07/2002\t\t\tX\tNon\n";
        assert_eq!(
            specialites(&decode(utf8.as_bytes())).unwrap()[0].form,
            "comprimé"
        );
    }

    #[test]
    fn a_bad_line_is_reported_with_its_file_and_number() {
        let text = format!("{CIS}6023410\tX\tc\to\tA\tP\tC\t01/01/2000\t\t\tX\tNon\n");
        let e = specialites(&text).unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(
            e.to_string(),
            "CIS_bdpm.txt, ligne 3 : code CIS « 6023410 » : 8 chiffres attendus"
        );
        let e = specialites("60234100\tX\tc\n").unwrap_err();
        assert!(e.reason.contains("3 colonnes au lieu de 12"), "{e}");
        let e = specialites("60234100\tX\tc\to\tA\tP\tC\t31/02/2000\t\t\tX\tNon\n").unwrap_err();
        assert!(e.reason.contains("JJ/MM/AAAA"), "{e}");
    }

    #[test]
    fn presentations_accept_the_older_and_newer_column_counts() {
        let old = "60234100\t3640311\tplaquette(s) PVC de 8 comprimé(s)\tPrésentation active\tDéclaration de commercialisation\t16/03/2011\t3400936403116\toui\t65%\t1,16\n";
        let new = "60234100\t3640311\tplaquette(s) PVC de 8 comprimé(s)\tPrésentation active\tDéclaration de commercialisation\t16/03/2011\t3400936403116\toui\t65%\t1,16\t2,18\t1,02\t\n";
        assert_eq!(presentations(old).unwrap()[0].cip13, "3400936403116");
        let p = presentations(new).unwrap();
        assert_eq!(p[0].price.as_deref(), Some("1,16"));
        assert_eq!(p[0].collectivites, Some(true));
    }

    #[test]
    fn compositions_are_read_with_their_trailing_tab() {
        let text = "60234100\tcomprimé\t02202\tPARACÉTAMOL\t1000 mg\tun comprimé\tSA\t1\t\n";
        let c = compositions(text).unwrap();
        assert_eq!(c[0].substance, "PARACÉTAMOL");
        assert_eq!(c[0].link, Some(1));
        assert!(compositions("60234100\tcomprimé\t02202\tX\t1 mg\tun\tZZ\t1\n").is_err());
    }
}
