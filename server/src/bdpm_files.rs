//! BDPM files in their published format: the small sample that ships with
//! Parcours (`server/demo/bdpm/`, loaded with the demo and used by the
//! tests), and a generator of full-size files for the benchmarks, since the
//! real ones cannot be downloaded on every machine.

use anyhow::{Context, Result};
use app::medication::bdpm::BdpmFile;
use std::fmt::Write as _;
use std::path::Path;

/// The sample files, Windows-1252 as published: 22 spécialités of drugs
/// common in these establishments (paracétamol, antiepileptics, insulins,
/// anticoagulants, neuroleptics, penicillins…). Names and substances are
/// real; the codes are made up, in the right shape (a CIP13's check digit
/// is right).
pub const SAMPLE: [(BdpmFile, &[u8]); 3] = [
    (
        BdpmFile::Specialites,
        include_bytes!("../demo/bdpm/CIS_bdpm.txt"),
    ),
    (
        BdpmFile::Presentations,
        include_bytes!("../demo/bdpm/CIS_CIP_bdpm.txt"),
    ),
    (
        BdpmFile::Compositions,
        include_bytes!("../demo/bdpm/CIS_COMPO_bdpm.txt"),
    ),
];

/// Imports the sample (the demo, the tests).
pub async fn import_sample(pool: &sqlx::PgPool) -> Result<()> {
    for (file, bytes) in SAMPLE {
        app::medication::server::import::import_file(pool, file, bytes, None, &|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("importing the sample {}", file.file_name()))?;
    }
    Ok(())
}

/// The EAN-13 check digit of 12 digits.
fn check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

const STEMS: [&str; 24] = [
    "PARACÉTAMOL",
    "AMOXICILLINE",
    "LÉVÉTIRACÉTAM",
    "VALPROATE",
    "RISPÉRIDONE",
    "OXAZÉPAM",
    "LAMOTRIGINE",
    "CYAMÉMAZINE",
    "LOXAPINE",
    "APIXABAN",
    "FLUINDIONE",
    "METFORMINE",
    "LÉVOTHYROXINE",
    "MACROGOL",
    "PHLOROGLUCINOL",
    "OMÉPRAZOLE",
    "IBUPROFÈNE",
    "TRAMADOL",
    "SERTRALINE",
    "ALPRAZOLAM",
    "CARBAMAZÉPINE",
    "HALOPÉRIDOL",
    "FUROSÉMIDE",
    "RAMIPRIL",
];
const FORMS: [&str; 6] = [
    "comprimé",
    "comprimé pelliculé",
    "gélule",
    "solution buvable",
    "solution injectable",
    "poudre pour solution buvable",
];

/// Writes `CIS_bdpm.txt`, `CIS_CIP_bdpm.txt` and `CIS_COMPO_bdpm.txt` with
/// `specialites` lines (the real files' proportions: 1.3 presentations and
/// 2 compositions per spécialité), Windows-1252, as published.
pub fn generate(dir: &Path, specialites: usize) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (mut cis, mut cip, mut compo) = (String::new(), String::new(), String::new());
    let mut cip7 = 3_000_000usize;
    for i in 0..specialites {
        let code = 60_000_000 + i * 37 % 9_999_991;
        let stem = STEMS[i % STEMS.len()];
        let other = STEMS[(i / STEMS.len() + 7) % STEMS.len()];
        let form = FORMS[i % FORMS.len()];
        let dose = 5 * (1 + i % 200);
        let lab = format!("LABORATOIRE {:04}", i % 900);
        let state = if i % 5 == 0 {
            "Non commercialisée"
        } else {
            "Commercialisée"
        };
        writeln!(
            cis,
            "{code:08}\t{stem} {lab} {dose} mg, {form}\t{form}\torale\tAutorisation active\tProcédure nationale\t{state}\t{:02}/{:02}/{}\t\t\t {lab}\tNon",
            1 + i % 28,
            1 + i % 12,
            1980 + i % 45
        )?;
        for b in 0..(1 + usize::from(i % 10 < 3)) {
            cip7 += 1;
            let body = format!("34009{cip7:07}");
            writeln!(
                cip,
                "{code:08}\t{cip7:07}\tplaquette(s) PVC aluminium de {} {form}(s)\tPrésentation active\tDéclaration de commercialisation\t01/01/2010\t{body}{}\toui\t65%\t2,18\t3,20\t1,02\t",
                10 * (b + 1),
                check_digit(&body)
            )?;
        }
        writeln!(
            compo,
            "{code:08}\t{form}\t{:05}\t{stem}\t{dose} mg\tun {form}\tSA\t1\t",
            i % 99_999
        )?;
        writeln!(
            compo,
            "{code:08}\t{form}\t{:05}\t{other}\t{} mg\tun {form}\tSA\t2\t",
            (i + 7) % 99_999,
            dose / 5 + 1
        )?;
    }
    for (file, text) in [
        (BdpmFile::Specialites, cis),
        (BdpmFile::Presentations, cip),
        (BdpmFile::Compositions, compo),
    ] {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
        anyhow::ensure!(!unmappable, "a generated line is not Windows-1252");
        let path = dir.join(file.file_name());
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_and_generated_files_are_read_by_the_import_parser() {
        use app::medication::bdpm;
        let text = |b: &[u8]| bdpm::decode(b);
        assert_eq!(bdpm::specialites(&text(SAMPLE[0].1)).unwrap().len(), 22);
        let boxes = bdpm::presentations(&text(SAMPLE[1].1)).unwrap();
        assert!(boxes
            .iter()
            .all(|p| app::medication::code::parse(&p.cip13).is_ok()));
        assert!(bdpm::compositions(&text(SAMPLE[2].1)).unwrap().len() > 22);

        let dir = std::env::temp_dir().join(format!("bdpm-{}", uuid::Uuid::new_v4()));
        generate(&dir, 500).unwrap();
        let read = |f: BdpmFile| text(&std::fs::read(dir.join(f.file_name())).unwrap());
        assert_eq!(
            bdpm::specialites(&read(BdpmFile::Specialites))
                .unwrap()
                .len(),
            500
        );
        let boxes = bdpm::presentations(&read(BdpmFile::Presentations)).unwrap();
        assert_eq!(boxes.len(), 650);
        assert!(boxes
            .iter()
            .all(|p| app::medication::code::parse(&p.cip13).is_ok()));
        assert_eq!(
            bdpm::compositions(&read(BdpmFile::Compositions))
                .unwrap()
                .len(),
            1000
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
