//! `/sw.js`: the service worker, with this build's asset list and version
//! written in, so that a new build installs a new worker and drops the old
//! cache (no stale wasm against new HTML).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;
use std::hash::{DefaultHasher, Hash, Hasher};

const TEMPLATE: &str = include_str!("sw.js");

/// Static files of the app shell that are always cached.
const STATIC_SHELL: [&str; 5] = [
    "/offline.html",
    "/offline.css",
    "/manifest.webmanifest",
    "/icons/icon.svg",
    "/icons/icon-192.png",
];

/// The rendered worker script.
#[derive(Clone)]
pub struct ServiceWorker {
    script: String,
}

impl ServiceWorker {
    /// Lists the built files under `site_root/pkg` (hashed names) and writes
    /// them and a version derived from them into the script.
    pub fn from_site(options: &LeptosOptions) -> ServiceWorker {
        let pkg =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let mut assets: Vec<String> = STATIC_SHELL.iter().map(|s| s.to_string()).collect();
        let mut hasher = DefaultHasher::new();
        let mut built: Vec<(String, u64)> = std::fs::read_dir(&pkg)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let wanted = [".js", ".wasm", ".css"]
                    .iter()
                    .any(|ext| name.ends_with(ext));
                let len = e.metadata().ok()?.len();
                wanted.then_some((name, len))
            })
            .collect();
        built.sort();
        for (name, len) in &built {
            (name, len).hash(&mut hasher);
            assets.push(format!("/{}/{}", options.site_pkg_dir, name));
        }
        let version = format!("{:016x}", hasher.finish());
        let list = serde_json::to_string(&assets).expect("a list of strings serialises");
        ServiceWorker {
            script: TEMPLATE
                .replace("__VERSION__", &version)
                .replace("__ASSETS__", &list),
        }
    }

    /// The HTTP response for `/sw.js` (always revalidated).
    pub fn response(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            self.script.clone(),
        )
            .into_response()
    }
}
