//! A real OGC API – Features server for tests: pygeoapi (from the Python package registry;
//! `.ci/run` installs it) serving one GeoJSON collection on 127.0.0.1, stopped when dropped.
//! Where it is not installed the tests that need it are skipped, unless
//! `EVACMAP_REQUIRE_SERVICES=1` (set in `.ci/run`): then they fail.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pygeoapi {
    pub port: u16,
    child: Child,
    _folder: tempfile::TempDir,
}

/// The pygeoapi command: `EVACMAP_PYGEOAPI`, or `pygeoapi` on the PATH.
fn command() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("EVACMAP_PYGEOAPI") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("pygeoapi"))
        .find(|p| p.is_file())
}

/// Whether a missing service is a failure here (CI) rather than a skip.
pub fn services_required() -> bool {
    std::env::var("EVACMAP_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

impl Pygeoapi {
    /// Serves `data` (a GeoJSON FeatureCollection whose features have ids) as the collection
    /// `reports`, `page` features a page at most. `None` (the test is skipped) where pygeoapi
    /// is not installed and services are not required.
    pub fn start(data: &Path, page: usize) -> Option<Self> {
        let Some(pygeoapi) = command() else {
            assert!(
                !services_required(),
                "pygeoapi is not installed (EVACMAP_REQUIRE_SERVICES=1): see the README"
            );
            eprintln!("pygeoapi is not installed: the test is skipped");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let folder = tempfile::tempdir().unwrap();
        let config = folder.path().join("config.yml");
        let openapi = folder.path().join("openapi.yml");
        std::fs::write(&config, config_text(port, data, page)).unwrap();
        let generated = Command::new(&pygeoapi)
            .args(["openapi", "generate"])
            .arg(&config)
            .arg("--output-file")
            .arg(&openapi)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(
            generated.status.success(),
            "pygeoapi openapi generate: {}",
            String::from_utf8_lossy(&generated.stderr)
        );
        // In a process group of its own: its Flask server runs in a second process (the
        // reloader's), which must go with it.
        let child = Command::new(&pygeoapi)
            .process_group(0)
            .arg("serve")
            .env("PYGEOAPI_CONFIG", &config)
            .env("PYGEOAPI_OPENAPI", &openapi)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self {
            port,
            child,
            _folder: folder,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "pygeoapi did not start within a minute"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Pygeoapi {
    fn drop(&mut self) {
        // The whole group: killing the first process alone left the server running.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config_text(port: u16, data: &Path, page: usize) -> String {
    format!(
        r#"server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  language: en-US
  limits: {{default_items: {page}, max_items: {page}}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: evacmap test, description: test, keywords: [test], keywords_type: theme, terms_of_service: "https://example.org", url: "https://example.org"}}
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: evacmap, url: "https://example.org"}}
  contact: {{name: test, position: test, address: x, city: x, stateorprovince: x, postalcode: x, country: x, phone: x, fax: x, email: x@example.org, url: "https://example.org", hours: x, instructions: x, role: pointOfContact}}
resources:
  reports:
    type: collection
    title: Reports
    description: reports for evacmap's tests
    keywords: [test]
    extents:
      spatial: {{bbox: [-180, -90, 180, 90], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: GeoJSON
        data: {}
        id_field: id
"#,
        data.display()
    )
}
