//! The words of the person's space, written to the easy-to-read rules:
//! dates and times in words, each professional by first name and job,
//! each part of the record in plain words, one pictogram per idea. Pure,
//! compiled for both sides, tested here.

use crate::organisation::Profession;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "le mardi 12 mai" (the year is said only when it is not this year's).
pub fn date(d: NaiveDate, today: NaiveDate) -> String {
    let day = DAYS[d.weekday().num_days_from_monday() as usize];
    let month = MONTHS[d.month0() as usize];
    let first = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    if d.year() == today.year() {
        format!("le {day} {first} {month}")
    } else {
        format!("le {day} {first} {month} {}", d.year())
    }
}

/// "aujourd’hui", "demain", "hier", or the date in words.
pub fn day(d: NaiveDate, today: NaiveDate) -> String {
    match (d - today).num_days() {
        0 => "aujourd’hui".into(),
        1 => "demain".into(),
        -1 => "hier".into(),
        _ => date(d, today),
    }
}

/// "à 10 heures", "à 10 heures 30", "à midi", "à minuit".
pub fn time(t: NaiveTime) -> String {
    match (t.hour(), t.minute()) {
        (0, 0) => "à minuit".into(),
        (12, 0) => "à midi".into(),
        (1, 0) => "à 1 heure".into(),
        (h, 0) => format!("à {h} heures"),
        (1, m) => format!("à 1 heure {m}"),
        (h, m) => format!("à {h} heures {m}"),
    }
}

/// The job of a professional, as the person says it ("éducatrice",
/// "infirmier"), when the grammatical gender of their title is known.
pub fn job(p: Profession, feminine: bool) -> &'static str {
    use Profession::*;
    match (p, feminine) {
        (Educateur, false) => "éducateur",
        (Educateur, true) => "éducatrice",
        (MoniteurEducateur, false) => "moniteur éducateur",
        (MoniteurEducateur, true) => "monitrice éducatrice",
        (AesAmp, false) => "accompagnant",
        (AesAmp, true) => "accompagnante",
        (AideSoignant, _) => "aide-soignant",
        (MoniteurAtelier, false) => "moniteur d’atelier",
        (MoniteurAtelier, true) => "monitrice d’atelier",
        (Infirmier, false) => "infirmier",
        (Infirmier, true) => "infirmière",
        (Medecin, _) => "médecin",
        (Psychologue, _) => "psychologue",
        (AssistantSocial, false) => "assistant social",
        (AssistantSocial, true) => "assistante sociale",
        (Secretaire, _) => "secrétaire",
        (ChefService, false) => "chef de service",
        (ChefService, true) => "cheffe de service",
        (Directeur, false) => "directeur",
        (Directeur, true) => "directrice",
        (Administrateur, _) => "responsable informatique",
        (Dpo, _) => "responsable de la protection des données",
    }
}

/// The team a professional belongs to, when the gender of their title is
/// not known: "de l’équipe éducative".
pub fn team(p: Profession) -> &'static str {
    use Profession::*;
    match p {
        Educateur | MoniteurEducateur | AesAmp | AssistantSocial | Psychologue => {
            "de l’équipe éducative"
        }
        AideSoignant | Infirmier | Medecin => "de l’équipe soignante",
        MoniteurAtelier => "de l’atelier",
        Secretaire | ChefService | Directeur | Administrateur | Dpo => "de la direction",
    }
}

/// "Camille, éducatrice" or "Camille, de l’équipe éducative".
pub fn who(first_name: &str, p: Option<Profession>, gender: Option<&str>) -> String {
    match (p, gender) {
        (Some(p), Some(g)) => format!("{first_name}, {}", job(p, g == "f")),
        (Some(p), None) => format!("{first_name}, {}", team(p)),
        (None, _) => first_name.to_string(),
    }
}

/// What a read or a write of a part of the record means, in plain words:
/// "a lu vos notes", "a écrit dans votre projet".
pub fn looked_at(section: &str, write: bool) -> String {
    let part = match section {
        "identite" => "votre fiche",
        "projet" => "votre projet",
        "transmissions" => "vos notes",
        "agenda" => "votre agenda",
        "documents" => "vos papiers",
        "travail" => "votre travail",
        "soins" => "vos soins",
        "medical" => "votre dossier de santé",
        "audit" => "la liste des personnes qui regardent votre dossier",
        _ => "votre dossier",
    };
    if write {
        format!("a écrit dans {part}")
    } else {
        format!("a lu {part}")
    }
}

/// The pictogram of a kind of agenda event.
pub fn event_pictogram(kind: &str) -> &'static str {
    match kind {
        "rendez_vous_medical" => "sante",
        "activite" => "loisirs",
        "reunion_pluridisciplinaire" => "reunion",
        "visite_famille" => "famille",
        "sortie" => "transport",
        _ => "calendrier",
    }
}

/// What an absence is, in plain words.
pub fn absence(reason: &str) -> &'static str {
    match reason {
        "sejour_famille" => "Vous êtes dans votre famille.",
        "vacances" => "Vous êtes en vacances.",
        _ => "Vous n’êtes pas là.",
    }
}

/// What the person may say with a pictogram, on "Je veux dire quelque
/// chose": (form field, pictogram, the words).
pub const FEELINGS: &[(&str, &str, &str)] = &[
    ("content", "content", "Je suis content."),
    ("inquiet", "inquiet", "Je suis inquiet."),
    ("triste", "triste", "Je suis triste."),
    ("parler", "parler", "Je veux parler à mon référent."),
    ("aide", "aide", "J’ai besoin d’aide."),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_are_written_in_words() {
        let today = d(2026, 5, 10);
        assert_eq!(date(d(2026, 5, 12), today), "le mardi 12 mai");
        assert_eq!(date(d(2026, 3, 1), today), "le dimanche 1er mars");
        assert_eq!(date(d(2027, 1, 4), today), "le lundi 4 janvier 2027");
        assert_eq!(day(today, today), "aujourd’hui");
        assert_eq!(day(d(2026, 5, 11), today), "demain");
        assert_eq!(day(d(2026, 5, 9), today), "hier");
        for text in [date(d(2026, 12, 25), today), day(d(2026, 8, 15), today)] {
            assert!(!text.contains('/') && !text.contains('-'), "{text}");
        }
    }

    #[test]
    fn times_are_written_in_words() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(time(t(10, 0)), "à 10 heures");
        assert_eq!(time(t(14, 30)), "à 14 heures 30");
        assert_eq!(time(t(12, 0)), "à midi");
        assert_eq!(time(t(0, 0)), "à minuit");
        assert_eq!(time(t(1, 15)), "à 1 heure 15");
    }

    #[test]
    fn professionals_are_named_by_first_name_and_job() {
        assert_eq!(
            who("Camille", Some(Profession::Educateur), Some("f")),
            "Camille, éducatrice"
        );
        assert_eq!(
            who("Karim", Some(Profession::Infirmier), Some("m")),
            "Karim, infirmier"
        );
        assert_eq!(
            who("Alex", Some(Profession::AesAmp), None),
            "Alex, de l’équipe éducative"
        );
        for p in Profession::ALL {
            for f in [false, true] {
                assert!(!job(p, f).is_empty());
            }
        }
    }

    #[test]
    fn every_part_of_the_record_has_plain_words_and_every_picture_exists() {
        for s in crate::access::Section::ALL {
            let read = looked_at(s.code(), false);
            assert!(read.starts_with("a lu "), "{read}");
            assert_ne!(read, "a lu votre dossier", "{s:?} has no words of its own");
        }
        for kind in [
            "rendez_vous_medical",
            "activite",
            "reunion_pluridisciplinaire",
            "visite_famille",
            "sortie",
            "rendez_vous_exterieur",
            "autre",
        ] {
            assert!(crate::projet::falc::pictogram(event_pictogram(kind)).is_some());
        }
        for (_, picto, words) in FEELINGS {
            assert!(crate::projet::falc::pictogram(picto).is_some(), "{picto}");
            assert!(words.ends_with('.'));
        }
    }
}
