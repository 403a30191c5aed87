//! A story shared in PostgreSQL with PostGIS: the schema and its migrations (applied by
//! evacmap, versioned in `evacmap_migrations`), a story pushed from a file ([`push`]), pulled
//! back to one ([`pull`]) and opened as a layer of what a view and time range need
//! ([`read`]). Addresses are `postgres://user@host:port/database?story=ID`; the password comes
//! from the environment (`PGPASSWORD`) or the address, and is never shown or logged. Every
//! query is parameterised. See `docs/postgis.md`. No egui.

pub mod credentials;
mod ewkt;
pub mod live;
pub mod overview;
pub mod pull;
pub mod push;
pub mod read;
pub mod write;

use std::str::FromStr;

/// The migrations, in order: version, what it does, its SQL.
const MIGRATIONS: [(i32, &str, &str); 3] = [
    (
        1,
        "a story: sources, features, links, figures with their sources, claims, chapters",
        include_str!("migrations/0001_story.sql"),
    ),
    (
        2,
        "references to features checked once per statement, not once per row",
        include_str!("migrations/0002_statement_checks.sql"),
    ),
    (
        3,
        "an overview of each story (places, events and movements counted in cells), kept current",
        include_str!("migrations/0003_overview.sql"),
    ),
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Why the database could not be used. Messages name the address without its password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{url}: {message}")]
    Address { url: String, message: String },
    #[error("{url}: cannot connect: {message}")]
    Connect { url: String, message: String },
    #[error("{url}: {message}")]
    Query { url: String, message: String },
    #[error("{url}: the database has no story {story:?}; it has: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })]
    NoStory {
        url: String,
        story: String,
        known: Vec<String>,
    },
    #[error(
        "{url}: the database has several stories ({}): name one with ?story=ID",
        known.join(", ")
    )]
    WhichStory { url: String, known: Vec<String> },
    #[error(
        "{url}: the story {story:?} is already in the database: push --replace replaces it, \
         or name another with ?story=ID"
    )]
    Exists { url: String, story: String },
    #[error(
        "{url}: the database's evacmap schema is version {found}, newer than this evacmap \
         ({SCHEMA_VERSION}): update evacmap"
    )]
    Newer { url: String, found: i32 },
    #[error("{0}")]
    Story(String),
    #[error("{url}: reading was cancelled")]
    Cancelled { url: String },
}

/// Whether a path names a PostgreSQL database.
pub fn is_database(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A database and the story in it: the connection's settings and the story's id, if named.
#[derive(Clone)]
pub struct Target {
    /// The address as it may be shown: without its password.
    pub shown: String,
    pub story: Option<String>,
    config: postgres::Config,
    tls: Tls,
}

/// Whether the connection is encrypted, and whom it trusts.
#[derive(Debug, Clone, PartialEq)]
enum Tls {
    /// `sslmode=disable`, or none given: a plain connection (a trusted network, a tunnel).
    Off,
    /// `sslmode=require`, `verify-ca` or `verify-full`: TLS, the server's certificate checked
    /// against `sslrootcert` (PEM) or the system's roots, and its name against the host's.
    Verified { root: Option<std::path::PathBuf> },
}

impl Target {
    /// Reads an address: `?story=ID` names the story; `?service=NAME` (or `PGSERVICE`) takes
    /// the settings the address lacks from a service file; other parameters are PostgreSQL's
    /// own (`sslmode`, `application_name`…). The password comes from the address,
    /// `PGPASSWORD`, the service, the password file (`~/.pgpass`) or the OS keyring, in that
    /// order.
    pub fn parse(address: &str) -> Result<Self, DbError> {
        let shown = crate::io::remote::shown(address);
        let mut url = url::Url::parse(address).map_err(|e| DbError::Address {
            url: shown.clone(),
            message: format!("not a database address: {e}"),
        })?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let story = param("story");
        let service = match param("service").or_else(|| std::env::var("PGSERVICE").ok()) {
            Some(name) => credentials::service(&name).map_err(|message| DbError::Address {
                url: shown.clone(),
                message,
            })?,
            None => Default::default(),
        };
        let setting = |name: &str| param(name).or_else(|| service.get(name).cloned());
        let tls = match setting("sslmode").as_deref() {
            None | Some("disable") => Tls::Off,
            Some("require" | "verify-ca" | "verify-full") => Tls::Verified {
                root: setting("sslrootcert").map(std::path::PathBuf::from),
            },
            Some(other) => {
                return Err(DbError::Address {
                    url: shown,
                    message: format!(
                        "sslmode={other} is not one evacmap uses: disable, require, verify-ca or \
                         verify-full (each of the last three checks the server's certificate)"
                    ),
                });
            }
        };
        // evacmap's own parameters, and TLS, which it sets up itself.
        drop_params(&mut url, &["story", "sslmode", "sslrootcert", "service"]);
        let mut config =
            postgres::Config::from_str(url.as_str()).map_err(|e| DbError::Address {
                url: shown.clone(),
                message: format!("not a database address: {e}"),
            })?;
        apply_service(&mut config, &service).map_err(|message| DbError::Address {
            url: shown.clone(),
            message,
        })?;
        if config.get_password().is_none() {
            let password = std::env::var("PGPASSWORD")
                .ok()
                .or_else(|| service.get("password").cloned())
                .or_else(|| password_file_entry(&config))
                .or_else(|| keyring_entry(&config));
            if let Some(password) = password {
                config.password(password);
            }
        }
        config.application_name("evacmap");
        Ok(Self {
            shown: without_story(&shown),
            story: story.filter(|s| !s.is_empty()),
            config,
            tls,
        })
    }

    /// A connection.
    pub fn connect(&self) -> Result<postgres::Client, DbError> {
        let failed = |e: postgres::Error| DbError::Connect {
            url: self.shown.clone(),
            message: words(&e),
        };
        match &self.tls {
            Tls::Off => self.config.connect(postgres::NoTls).map_err(failed),
            Tls::Verified { root } => {
                let mut config = self.config.clone();
                config.ssl_mode(postgres::config::SslMode::Require);
                config
                    .connect(self.tls_connector(root.as_deref())?)
                    .map_err(failed)
            }
        }
    }

    /// TLS that trusts `root` (a PEM file of certificates) or the system's roots.
    fn tls_connector(
        &self,
        root: Option<&std::path::Path>,
    ) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DbError> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let refused = |message: String| DbError::Connect {
            url: self.shown.clone(),
            message,
        };
        let mut roots = rustls::RootCertStore::empty();
        match root {
            Some(path) => {
                let certificates = CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| {
                        refused(format!(
                            "sslrootcert {} cannot be read: {e}",
                            path.display()
                        ))
                    })?;
                roots.add_parsable_certificates(certificates);
            }
            None => {
                roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            }
        }
        if roots.is_empty() {
            return Err(refused(
                "no certificate to check the server's against (sslrootcert=FILE names one)".into(),
            ));
        }
        let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| refused(format!("TLS cannot be set up: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }

    /// A query's failure, in words, naming this database.
    pub fn failed(&self, error: &postgres::Error) -> DbError {
        let mut message = words(error);
        if error.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            let user = self.config.get_user().unwrap_or("this user");
            message = format!(
                "the database user {user} may read this database but not change it ({message}): \
                 pushing needs a user with the right to write"
            );
        }
        DbError::Query {
            url: self.shown.clone(),
            message,
        }
    }
}

/// The settings of a service the address does not give itself.
fn apply_service(
    config: &mut postgres::Config,
    service: &std::collections::HashMap<String, String>,
) -> Result<(), String> {
    if config.get_hosts().is_empty()
        && let Some(host) = service.get("host")
    {
        config.host(host);
    }
    if config.get_ports().is_empty()
        && let Some(port) = service.get("port")
    {
        config.port(
            port.parse()
                .map_err(|_| format!("the service's port {port:?} is not a number"))?,
        );
    }
    if config.get_dbname().is_none()
        && let Some(dbname) = service.get("dbname")
    {
        config.dbname(dbname);
    }
    if config.get_user().is_none()
        && let Some(user) = service.get("user")
    {
        config.user(user);
    }
    Ok(())
}

/// The OS keyring's password for the user at the first host of `config`.
fn keyring_entry(config: &postgres::Config) -> Option<String> {
    let postgres::config::Host::Tcp(host) = config.get_hosts().first()? else {
        return None;
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    credentials::keyring_entry(host, port, config.get_user()?)
}

/// The password file's entry for the first host of `config`.
fn password_file_entry(config: &postgres::Config) -> Option<String> {
    let host = match config.get_hosts().first()? {
        postgres::config::Host::Tcp(host) => host.clone(),
        #[cfg(unix)]
        postgres::config::Host::Unix(path) => path.display().to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user()?;
    let database = config.get_dbname().unwrap_or(user);
    credentials::password_file_entry(&host, port, database, user)
}

fn without_story(shown: &str) -> String {
    match url::Url::parse(shown) {
        Ok(mut url) => {
            drop_params(&mut url, &["story"]);
            url.to_string()
        }
        Err(_) => shown.to_owned(),
    }
}

/// Removes the query parameters `names` from `url`, keeping the others in their order.
fn drop_params(url: &mut url::Url, names: &[&str]) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !names.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
}

/// A database error as PostgreSQL words it ("password authentication failed for user …"),
/// with its detail; never with the password.
pub fn words(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = db.message().to_owned();
            if let Some(detail) = db.detail() {
                text.push_str(": ");
                text.push_str(detail);
            }
            text
        }
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                let more = inner.to_string();
                if !text.contains(&more) {
                    text.push_str(": ");
                    text.push_str(&more);
                }
                source = inner.source();
            }
            text
        }
    }
}

/// Brings the database's evacmap schema up to this build's version (in one transaction, one
/// migrating client at a time); returns the versions applied.
pub fn migrate(client: &mut postgres::Client, target: &Target) -> Result<Vec<i32>, DbError> {
    let failed = |e: postgres::Error| target.failed(&e);
    let mut transaction = client.transaction().map_err(failed)?;
    transaction
        .batch_execute(
            "SELECT pg_advisory_xact_lock(7405392017);
             CREATE TABLE IF NOT EXISTS evacmap_migrations (
                 version integer PRIMARY KEY,
                 description text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now(),
                 applied_by text NOT NULL DEFAULT current_user)",
        )
        .map_err(failed)?;
    let found: Option<i32> = transaction
        .query_one("SELECT max(version) FROM evacmap_migrations", &[])
        .map_err(failed)?
        .get(0);
    let found = found.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(DbError::Newer {
            url: target.shown.clone(),
            found,
        });
    }
    let mut applied = Vec::new();
    for (version, description, sql) in MIGRATIONS {
        if version <= found {
            continue;
        }
        transaction.batch_execute(sql).map_err(failed)?;
        transaction
            .execute(
                "INSERT INTO evacmap_migrations (version, description) VALUES ($1, $2)",
                &[&version, &description],
            )
            .map_err(failed)?;
        applied.push(version);
    }
    transaction.commit().map_err(failed)?;
    Ok(applied)
}

/// Checks that the database has evacmap's schema at this build's version, without changing
/// anything (a reader may have no right to).
pub fn check_schema(client: &mut postgres::Client, target: &Target) -> Result<(), DbError> {
    let found: Option<i32> = client
        .query_one(
            "SELECT CASE WHEN to_regclass('evacmap_migrations') IS NULL THEN NULL
                         ELSE (SELECT max(version) FROM evacmap_migrations) END",
            &[],
        )
        .map_err(|e| target.failed(&e))?
        .get(0);
    match found {
        Some(version) if version > SCHEMA_VERSION => Err(DbError::Newer {
            url: target.shown.clone(),
            found: version,
        }),
        Some(version) if version == SCHEMA_VERSION => Ok(()),
        Some(version) => Err(DbError::Query {
            url: target.shown.clone(),
            message: format!(
                "the database's evacmap schema is version {version}, older than this evacmap's \
                 ({SCHEMA_VERSION}): a push (by a user who may change the schema) brings it up \
                 to date"
            ),
        }),
        None => Err(DbError::Query {
            url: target.shown.clone(),
            message: "the database has no evacmap story yet (evacmap push puts one there)".into(),
        }),
    }
}

/// The stories in the database, by id.
pub fn stories(client: &mut postgres::Client, target: &Target) -> Result<Vec<String>, DbError> {
    let rows = client
        .query(
            "SELECT story_id FROM evacmap_stories ORDER BY story_id",
            &[],
        )
        .map_err(|e| target.failed(&e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The story the address names, or the only one in the database.
pub fn story_of(client: &mut postgres::Client, target: &Target) -> Result<String, DbError> {
    let known = stories(client, target)?;
    match (&target.story, known.as_slice()) {
        (Some(story), _) if known.contains(story) => Ok(story.clone()),
        (Some(story), _) => Err(DbError::NoStory {
            url: target.shown.clone(),
            story: story.clone(),
            known,
        }),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err(DbError::NoStory {
            url: target.shown.clone(),
            story: String::new(),
            known,
        }),
        (None, _) => Err(DbError::WhichStory {
            url: target.shown.clone(),
            known,
        }),
    }
}
