//! Test helpers: the real application on a random port, over a fresh
//! database (one per test, from `#[sqlx::test]`), loaded with the demo data.

#![allow(dead_code)]

use app::state::AuthConfig;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::net::SocketAddr;

pub struct TestApp {
    pub addr: SocketAddr,
    pub pool: PgPool,
    pub client: reqwest::Client,
}

pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, AuthConfig::default()).await
}

pub async fn spawn_app_with(pool: PgPool, auth: AuthConfig) -> TestApp {
    spawn_app_full(pool, auth, false).await
}

/// The application as behind HTTPS (Secure cookies, HSTS) when `secure`.
pub async fn spawn_app_full(pool: PgPool, auth: AuthConfig, secure: bool) -> TestApp {
    server::demo::load_if_empty(&pool).await.expect("demo data");
    let store = server::startup::session_store(&pool)
        .await
        .expect("session store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("parcours")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let router = server::startup::router(pool.clone(), options, auth, store, secure);
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).await.unwrap();
    });
    TestApp {
        addr,
        pool,
        client: new_client(),
    }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Calls a server function the way the browser does (form-encoded POST).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        call_with(&self.client, &self.url(&format!("/api/{endpoint}")), form).await
    }

    /// Calls a server function whose input is JSON.
    pub async fn call_json(&self, endpoint: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    /// A form-encoded POST to a server function with extra headers.
    pub async fn call_with_headers(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    /// The events of the trail for this section code, oldest first:
    /// (login, allowed, object).
    pub async fn events(&self, section: &str) -> Vec<(String, bool, Option<String>)> {
        sqlx::query_as(
            "SELECT a.login, e.allowed, e.object_id FROM audit_event e JOIN account a ON a.id = e.account_id
             WHERE e.section = $1 ORDER BY e.id",
        )
        .bind(section)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    pub async fn login(&self, login: &str) -> (StatusCode, Value) {
        self.call(
            "connexion",
            &[("login", login), ("password", server::demo::DEMO_PASSWORD)],
        )
        .await
    }

    /// A second device: its own cookies.
    pub fn other_device(&self) -> TestApp {
        TestApp {
            addr: self.addr,
            pool: self.pool.clone(),
            client: new_client(),
        }
    }
}

pub async fn call_with(
    client: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = client
        .post(url)
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// The id of the demo usager with this first name.
pub async fn usager_named(pool: &PgPool, first_name: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM usager WHERE used_first_name = $1")
        .bind(first_name)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The display names in a list of usagers ("Mes usagers" or a family's),
/// sorted.
pub fn names(list: &Value) -> Vec<String> {
    let list = list.get("usagers").unwrap_or(list);
    let mut names: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["first_name"].as_str().unwrap(),
                u["last_name"].as_str().unwrap().to_uppercase()
            )
        })
        .collect();
    names.sort();
    names
}

/// Fills the demo organisation up to 10 000 usagers, accompanied by the six
/// demo units in turn (the benchmarks' scale).
pub async fn fill_to_ten_thousand_usagers(pool: &PgPool, org: uuid::Uuid) {
    sqlx::query(
        "WITH units AS (SELECT id, etablissement_id, row_number() OVER (ORDER BY id) - 1 AS n FROM unit),
              new AS (
                 INSERT INTO usager (id, organisation_id, used_first_name, used_last_name, birth_date,
                                     birth_last_name, birth_first_names, sex)
                 SELECT gen_random_uuid(), $1, 'Prénom' || g, 'Nom' || g, date '1960-01-01' + (g % 15000)::int,
                        'NOM' || chr(65 + g % 26), 'PRENOM', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
                 FROM generate_series(1, 10000 - (SELECT count(*) FROM usager)::int) g
                 RETURNING id)
         INSERT INTO accompagnement (id, organisation_id, usager_id, etablissement_id, unit_id, start_date)
         SELECT gen_random_uuid(), $1, n.id, u.etablissement_id, u.id, date '2020-01-01'
         FROM (SELECT id, row_number() OVER () AS r FROM new) n
         JOIN units u ON u.n = n.r % 6",
    )
    .bind(org)
    .execute(pool)
    .await
    .unwrap();
}
