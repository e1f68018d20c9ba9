//! The Parcours server: configuration, the embedded PostgreSQL, start-up and
//! the HTTP application, demo data.

pub mod audit;
pub mod bdpm_files;
pub mod config;
pub mod demo;
pub mod demo_espace;
pub mod demo_medication;
pub mod demo_projet;
pub mod demo_record;
pub mod demo_soins;
pub mod download;
pub mod embedded_pg;
pub mod espace;
pub mod guard;
pub mod medication_pdf;
pub mod pdf;
pub mod projet_pdf;
pub mod service_worker;
pub mod session_store;
pub mod startup;
