//! The SERAFIN-PH nomenclature (disability sector), shipped as data with
//! its French labels. The needs type the besoins of a projet personnalisé;
//! the direct services type its prestations and agenda events.

/// Needs (besoins), code and French label.
pub const NEEDS: &[(&str, &str)] = &[
    ("1.1.1.1", "Besoins en matière de fonctions mentales, psychiques, cognitives et du système nerveux"),
    ("1.1.1.2", "Besoins en matière de fonctions sensorielles"),
    ("1.1.1.3", "Besoins en matière de douleur"),
    ("1.1.1.4", "Besoins relatifs à la voix, à la parole et à l’appareil bucco-dentaire"),
    ("1.1.1.5", "Besoins en matière de fonctions cardio-vasculaire, hématopoïétique, immunitaire et respiratoire"),
    ("1.1.1.6", "Besoins en matière de fonctions digestive, métabolique et endocrinienne"),
    ("1.1.1.7", "Besoins en matière de fonctions génito-urinaires et reproductives"),
    ("1.1.1.8", "Besoins en matière de fonctions locomotrices"),
    ("1.1.1.9", "Besoins relatifs à la peau et aux structures associées"),
    ("1.1.1.10", "Besoins pour entretenir et prendre soin de sa santé"),
    ("1.2.1.1", "Besoins en lien avec l’entretien personnel"),
    ("1.2.1.2", "Besoins en lien avec les relations et les interactions avec autrui"),
    ("1.2.1.3", "Besoins pour la mobilité"),
    ("1.2.1.4", "Besoins pour prendre des décisions adaptées et pour la sécurité"),
    ("1.3.1.1", "Besoins pour accéder aux droits et à la citoyenneté"),
    ("1.3.2.1", "Besoins pour vivre dans un logement"),
    ("1.3.2.2", "Besoins pour accomplir les activités domestiques"),
    ("1.3.3.1", "Besoins en lien avec la vie scolaire et étudiante"),
    ("1.3.3.2", "Besoins en lien avec le travail et l’emploi"),
    ("1.3.3.3", "Besoins transversaux en matière d’apprentissages"),
    ("1.3.3.4", "Besoins pour la vie familiale, la parentalité, la vie affective et sexuelle"),
    ("1.3.3.5", "Besoins pour apprendre à être pair-aidant"),
    ("1.3.4.1", "Besoins pour participer à la vie sociale"),
    ("1.3.4.2", "Besoins pour se déplacer avec un moyen de transport"),
    ("1.3.5.1", "Besoins en matière de ressources et d’autosuffisance économique"),
];

/// The label of a need, if the code exists.
pub fn need(code: &str) -> Option<&'static str> {
    NEEDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// Direct services (prestations directes), code and French label.
pub const DIRECT_SERVICES: &[(&str, &str)] = &[
    ("2.1.1.1", "Soins médicaux à visée préventive, curative et palliative"),
    ("2.1.1.2", "Soins techniques et de surveillance infirmiers ou délégués"),
    ("2.1.1.3", "Prestations des psychologues"),
    ("2.1.1.4", "Prestations des pharmaciens et préparateurs en pharmacie"),
    ("2.1.2.1", "Rééducation et réadaptation fonctionnelle"),
    ("2.2.1", "Accompagnements pour les actes de la vie quotidienne"),
    ("2.2.2", "Accompagnements pour la communication et les relations avec autrui"),
    ("2.2.3", "Accompagnements pour prendre des décisions adaptées et pour la sécurité"),
    ("2.3.1.1", "Accompagnements à l’expression du projet personnalisé"),
    ("2.3.1.2", "Accompagnements à l’exercice des droits et libertés"),
    ("2.3.2.1", "Accompagnements pour vivre dans un logement"),
    ("2.3.2.2", "Accompagnements pour accomplir les activités domestiques"),
    ("2.3.3.1", "Accompagnements pour mener sa vie d’élève, d’étudiant ou d’apprenti"),
    ("2.3.3.2", "Accompagnements pour préparer sa vie professionnelle"),
    ("2.3.3.3", "Accompagnements pour mener sa vie professionnelle"),
    ("2.3.3.4", "Accompagnements pour réaliser des activités de jour spécialisées"),
    ("2.3.3.5", "Accompagnements de la vie familiale, de la parentalité, de la vie affective et sexuelle"),
    ("2.3.3.6", "Accompagnements pour l’exercice de mandats électoraux, la représentation des pairs et la pair-aidance"),
    ("2.3.4.1", "Accompagnements du lien avec les proches et le voisinage"),
    ("2.3.4.2", "Accompagnements pour la participation aux activités sociales et de loisirs"),
    ("2.3.4.3", "Accompagnements pour le développement de l’autonomie pour les déplacements"),
    ("2.3.5.1", "Accompagnements pour l’ouverture des droits"),
    ("2.3.5.2", "Accompagnements pour l’autonomie dans la gestion des ressources"),
    ("2.4.1", "Prestations de coordination renforcée pour la cohérence du parcours"),
];

/// The label of a direct service, if the code exists.
pub fn direct_service(code: &str) -> Option<&'static str> {
    DIRECT_SERVICES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (code, label) in super::DIRECT_SERVICES {
            assert!(seen.insert(code), "{code}");
            assert!(code.starts_with("2.") && !label.is_empty());
        }
        assert!(super::direct_service("9.9").is_none());
        for (code, label) in super::NEEDS {
            assert!(seen.insert(code), "{code}");
            assert!(code.starts_with("1.") && !label.is_empty());
        }
        assert!(super::need("1.2.1.3").is_some() && super::need("1.9").is_none());
    }
}
