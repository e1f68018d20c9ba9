//! PostgreSQL going away under the server and coming back: the server sits
//! behind a TCP relay to the test's real PostgreSQL, and the relay is cut
//! the way a stopped PostgreSQL is (open connections dropped, new ones
//! refused), then put back on the same port.

use crate::helpers::{spawn_app, usager_named};
use reqwest::StatusCode;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use uuid::Uuid;

/// A relay from a local port to PostgreSQL that can be cut and restored.
struct Relay {
    addr: SocketAddr,
    target: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut relay = Relay {
            addr: listener.local_addr().unwrap(),
            target,
            tasks: Arc::default(),
            acceptor: None,
        };
        relay.serve(listener);
        relay
    }

    fn serve(&mut self, listener: TcpListener) {
        let (target, tasks) = (self.target, self.tasks.clone());
        self.acceptor = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        }));
    }

    /// Like stopping PostgreSQL: every connection drops, the port refuses.
    fn cut(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
        }
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&mut self) {
        // The aborted acceptor releases the port once its task is dropped.
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        self.serve(listener);
    }
}

fn note(id: Uuid, usager: Uuid) -> Vec<(&'static str, String)> {
    vec![
        ("id", usager.to_string()),
        ("input[id]", id.to_string()),
        ("input[category]", "vie_quotidienne".into()),
        ("input[body]", "Écrite pendant la panne de la base.".into()),
    ]
}

async fn write(
    app: &crate::helpers::TestApp,
    form: &[(&'static str, String)],
) -> (StatusCode, serde_json::Value) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call("transmission", &pairs).await
}

async fn notes_with_id(pool: &PgPool, id: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM transmission WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_database_that_goes_away_gives_503_fast_writes_nothing_half_and_comes_back(pool: PgPool) {
    let target = {
        let options = pool.connect_options();
        let host = if options.get_host().starts_with('/') {
            "127.0.0.1"
        } else {
            options.get_host()
        };
        let found = tokio::net::lookup_host((host.to_string(), options.get_port()))
            .await
            .unwrap()
            .next()
            .unwrap();
        found
    };
    let mut relay = Relay::start(target).await;
    let through_relay = (*pool.connect_options())
        .clone()
        .host("127.0.0.1")
        .port(relay.addr.port());
    let served = server::startup::pool_options()
        .connect_with(through_relay)
        .await
        .unwrap();
    let mut app = spawn_app(served).await;
    app.pool = pool.clone();
    app.login("educateur").await;
    let lucas = usager_named(&pool, "Lucas").await;
    let (status, _) = write(&app, &note(Uuid::new_v4(), lucas)).await;
    assert_eq!(status, StatusCode::OK);
    let events_before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event")
        .fetch_one(&pool)
        .await
        .unwrap();

    relay.cut();
    // The server function, the page and the probe all say so within 2 s.
    let key = Uuid::new_v4();
    let started = Instant::now();
    let (status, body) = write(&app, &note(key, lucas)).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body, serde_json::json!("Unavailable"), "{body}");
    // Durations are printed, not asserted (speed is measured, not timed
    // in tests): the server function waits one ACQUIRE_TIMEOUT.
    println!("server function answered 503 in {took:?}");

    let started = Instant::now();
    let page = app.client.get(app.url("/usagers")).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = page.text().await.unwrap();
    assert!(html.contains("Base de données injoignable"), "{html}");
    println!("page answered 503 in {took:?}");

    let started = Instant::now();
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        ready.text().await.unwrap(),
        "base de données injoignable, réessayez"
    );
    println!("/readyz answered 503 in {:?}", started.elapsed());

    // Nothing of the refused write reached the database.
    let written = notes_with_id(&pool, key).await;
    assert_eq!(written, 0);

    // PostgreSQL is back: the same server answers again without a restart,
    // the session is still there, and the tablet's resend (sent twice)
    // writes the note once, traced.
    relay.restore().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        if ready.status() == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = write(&app, &note(key, lucas)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = write(&app, &note(key, lucas)).await;
    assert_eq!(status, StatusCode::OK);
    let written = notes_with_id(&pool, key).await;
    assert_eq!(written, 1);
    let events_after: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_event")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        events_after > events_before,
        "{events_before} {events_after}"
    );
    let note_events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_event WHERE object_id = $1 AND action = 'write'",
    )
    .bind(key.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(note_events >= 1);
}
