//! A throwaway PostgreSQL cluster with PostGIS for tests: made in a temporary folder with
//! `initdb`, started on 127.0.0.1 (as the `postgres` user, or `nobody`, when the tests run as
//! root: PostgreSQL refuses root), password-checked over TCP, stopped when dropped. Where
//! PostgreSQL or PostGIS is not installed the tests that need it are skipped, unless
//! `EVACMAP_REQUIRE_SERVICES=1` (set in `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The password of the cluster's `evacmap` user.
pub const PASSWORD: &str = "test-secret-7e1";

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    run_as: Option<String>,
    _folder: tempfile::TempDir,
}

/// The folder of `initdb` and `pg_ctl`: `EVACMAP_PG_BIN`, Debian's newest, or the PATH's.
fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("EVACMAP_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    debian.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    debian.pop().or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?).find(|d| d.join("initdb").is_file())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn user_exists(name: &str) -> bool {
    Command::new("id")
        .arg(name)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip_or_fail(why: &str) -> Option<Cluster> {
    assert!(
        !super::pygeoapi::services_required(),
        "{why} (EVACMAP_REQUIRE_SERVICES=1): see the README"
    );
    eprintln!("{why}: the test is skipped");
    None
}

/// A certificate authority and a server certificate for 127.0.0.1 and localhost, made with
/// the `openssl` command in `folder`: (the authority's PEM, the server's certificate, its key).
fn make_certificates(folder: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (ca_key, ca, key, request, certificate, names) = (
        folder.join("ca.key"),
        folder.join("ca.pem"),
        folder.join("server.key"),
        folder.join("server.csr"),
        folder.join("server.crt"),
        folder.join("names.cnf"),
    );
    std::fs::write(&names, "subjectAltName = IP:127.0.0.1, DNS:localhost\n").unwrap();
    let openssl = |args: &[&std::ffi::OsStr]| {
        let output = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            output.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    openssl(&[
        &os("req"),
        &os("-x509"),
        &os("-newkey"),
        &os("rsa:2048"),
        &os("-nodes"),
        &os("-keyout"),
        ca_key.as_os_str(),
        &os("-out"),
        ca.as_os_str(),
        &os("-days"),
        &os("2"),
        &os("-subj"),
        &os("/CN=evacmap test authority"),
    ]);
    openssl(&[
        &os("req"),
        &os("-newkey"),
        &os("rsa:2048"),
        &os("-nodes"),
        &os("-keyout"),
        key.as_os_str(),
        &os("-out"),
        request.as_os_str(),
        &os("-subj"),
        &os("/CN=localhost"),
    ]);
    openssl(&[
        &os("x509"),
        &os("-req"),
        &os("-in"),
        request.as_os_str(),
        &os("-CA"),
        ca.as_os_str(),
        &os("-CAkey"),
        ca_key.as_os_str(),
        &os("-CAcreateserial"),
        &os("-out"),
        certificate.as_os_str(),
        &os("-days"),
        &os("2"),
        &os("-extfile"),
        names.as_os_str(),
    ]);
    (ca, certificate, key)
}

impl Cluster {
    pub fn start() -> Option<Self> {
        Self::start_with(false)
    }

    /// A cluster that also speaks TLS with a certificate for 127.0.0.1 signed by
    /// [`Self::authority`].
    pub fn start_with_tls() -> Option<Self> {
        Self::start_with(true)
    }

    /// The certificate authority of a TLS cluster's certificate (PEM).
    pub fn authority(&self) -> PathBuf {
        self.socket_dir().join("ca.pem")
    }

    fn start_with(tls: bool) -> Option<Self> {
        let Some(bin) = bin_dir() else {
            return skip_or_fail("PostgreSQL is not installed");
        };
        let folder = tempfile::tempdir().unwrap();
        let run_as = is_root().then(|| {
            if user_exists("postgres") {
                "postgres"
            } else {
                "nobody"
            }
            .to_owned()
        });
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(user)
                .arg(folder.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown {user} of the cluster's folder");
        }
        let data = folder.path().join("data");
        let password_file = folder.path().join("password");
        std::fs::write(&password_file, PASSWORD).unwrap();
        if let Some(user) = &run_as {
            Command::new("chown")
                .arg(user)
                .arg(&password_file)
                .status()
                .unwrap();
        }
        let cluster = Self {
            port: std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port(),
            bin,
            data,
            run_as,
            _folder: folder,
        };
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                cluster.data.as_os_str(),
                "-U".as_ref(),
                "evacmap".as_ref(),
                "--auth-local=trust".as_ref(),
                "--auth-host=scram-sha-256".as_ref(),
                "--pwfile".as_ref(),
                password_file.as_os_str(),
                "-E".as_ref(),
                "UTF8".as_ref(),
            ],
        );
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            cluster.port,
            cluster.socket_dir().display()
        );
        if tls {
            let (_, certificate, key) = make_certificates(cluster.socket_dir());
            if let Some(user) = &cluster.run_as {
                for file in [&certificate, &key] {
                    Command::new("chown").arg(user).arg(file).status().unwrap();
                }
            }
            Command::new("chmod").arg("600").arg(&key).status().unwrap();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                certificate.display(),
                key.display()
            ));
        }
        cluster.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                cluster.data.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-l".as_ref(),
                cluster.socket_dir().join("log").as_os_str(),
                "-w".as_ref(),
                "start".as_ref(),
            ],
        );
        let mut client =
            postgres::Client::connect(&cluster.url_with(Some(PASSWORD), None), postgres::NoTls)
                .expect("the test cluster takes connections");
        let postgis = client
            .query_opt(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'",
                &[],
            )
            .unwrap()
            .is_some();
        if !postgis {
            return skip_or_fail("PostGIS is not installed");
        }
        Some(cluster)
    }

    fn socket_dir(&self) -> &Path {
        self.data.parent().unwrap()
    }

    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) {
        let program = self.bin.join(program);
        let output = match &self.run_as {
            Some(user) => Command::new("setpriv")
                .arg(format!("--reuid={user}"))
                .arg(format!("--regid={user}"))
                .arg("--clear-groups")
                .arg(&program)
                .args(args)
                .current_dir("/")
                .output(),
            None => Command::new(&program).args(args).output(),
        }
        .unwrap();
        assert!(
            output.status.success(),
            "{}: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `postgres://evacmap[:password]@127.0.0.1:PORT/postgres[?story=ID]`.
    pub fn url_with(&self, password: Option<&str>, story: Option<&str>) -> String {
        let mut url = format!(
            "postgres://evacmap{}@127.0.0.1:{}/postgres",
            password.map(|p| format!(":{p}")).unwrap_or_default(),
            self.port
        );
        if let Some(story) = story {
            url.push_str("?story=");
            url.push_str(story);
        }
        url
    }

    /// The address with the password, for the library's own calls.
    pub fn url(&self, story: Option<&str>) -> String {
        self.url_with(Some(PASSWORD), story)
    }

    /// A connection for the test's own checks.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(None), postgres::NoTls).unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={user}"))
                    .arg(format!("--regid={user}"))
                    .arg("--clear-groups")
                    .arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let _ = command
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .current_dir("/")
            .output();
    }
}
