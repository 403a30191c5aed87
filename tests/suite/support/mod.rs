//! A small HTTP tile server on 127.0.0.1 for tests: it answers every request the same chosen
//! way and records what it was asked, when, and with which User-Agent. It stops when dropped.

#![allow(dead_code)] // Each suite uses part of it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the server answers.
#[derive(Clone)]
pub enum Behaviour {
    /// 200 with this PNG.
    Png(Vec<u8>),
    /// This HTTP status, empty body.
    Status(u16),
    /// 429 with `Retry-After: seconds`.
    TooMany { retry_after_seconds: u64 },
    /// 200 with bytes that are no image.
    Garbage,
    /// Waits this long, then 200 with the PNG.
    Slow(Duration, Vec<u8>),
    /// Closes the connection without answering.
    Close,
    /// Answers each path (with its query) as the function says: status, content type, body.
    Route(Route),
}

/// A function from a request's path to its answer: status, content type, body.
pub type Route = Arc<dyn Fn(&str) -> (u16, &'static str, Vec<u8>) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    pub path: String,
    pub user_agent: Option<String>,
}

pub struct TileServer {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

/// A solid-colour 256×256 PNG.
pub fn solid_png(rgb: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(256, 256, image::Rgb(rgb));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

impl TileServer {
    pub fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: ends when the server is dropped, or after five minutes at most.
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(300)
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (seen, behaviour, stop) =
                                (seen.clone(), behaviour.clone(), stop.clone());
                            std::thread::spawn(move || answer(stream, &seen, &behaviour, &stop));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Self {
            port,
            seen,
            stop,
            accept: Some(accept),
        }
    }

    pub fn template(&self) -> String {
        format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests for one tile path, e.g. "/3/4/2.png".
    pub fn seen_for(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    seen: &Mutex<Vec<Seen>>,
    behaviour: &Behaviour,
    stop: &AtomicBool,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("").to_owned();
    let user_agent = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("user-agent: ")
                .or_else(|| l.strip_prefix("User-Agent: "))
        })
        .map(str::to_owned);
    seen.lock().unwrap().push(Seen {
        at: Instant::now(),
        path,
        user_agent,
    });
    let respond = |stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match behaviour {
        Behaviour::Png(png) => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\nCache-Control: max-age=604800\r\n",
            png,
        ),
        Behaviour::Status(code) => respond(&mut stream, &format!("{code} Error"), "", b""),
        Behaviour::TooMany {
            retry_after_seconds,
        } => respond(
            &mut stream,
            "429 Too Many Requests",
            &format!("Retry-After: {retry_after_seconds}\r\n"),
            b"",
        ),
        Behaviour::Garbage => respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            b"<html>not a tile</html>",
        ),
        Behaviour::Slow(delay, png) => {
            let until = Instant::now() + *delay;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
            respond(&mut stream, "200 OK", "Content-Type: image/png\r\n", png)
        }
        Behaviour::Close => drop(stream),
        Behaviour::Route(route) => {
            let path = text.split_whitespace().nth(1).unwrap_or("");
            let (status, kind, body) = route(path);
            respond(
                &mut stream,
                &format!("{status} Status"),
                &format!("Content-Type: {kind}\r\n"),
                &body,
            );
        }
    }
}

/// The app in a headless harness (1280×800, evacmap's fonts), three frames in.
pub fn app_harness(
    options: evacmap::app::AppOptions,
    stored: Option<evacmap::app::PersistedState>,
    step_dt: f32,
) -> egui_kittest::Harness<'static, evacmap::app::EvacApp> {
    app_harness_sized([1280.0, 800.0], options, stored, step_dt)
}

/// [`app_harness`] in a window of `size`.
pub fn app_harness_sized(
    size: [f32; 2],
    options: evacmap::app::AppOptions,
    stored: Option<evacmap::app::PersistedState>,
    step_dt: f32,
) -> egui_kittest::Harness<'static, evacmap::app::EvacApp> {
    let app = evacmap::app::EvacApp::new(&egui::Context::default(), options, stored);
    let mut harness = egui_kittest::Harness::builder()
        .with_size(size)
        .with_step_dt(step_dt)
        .with_context_setup(evacmap::app::install_fonts)
        .build_ui_state(|ui, app: &mut evacmap::app::EvacApp| app.show(ui), app);
    harness.run_steps(3);
    wait_for_load(&mut harness);
    harness
}

/// Steps the harness until a background load has ended (at most ten seconds), then two more
/// frames so that what it brought is drawn.
pub fn wait_for_load(harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>) {
    let started = Instant::now();
    while harness.state().is_loading() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the story took more than ten seconds to load"
        );
        std::thread::sleep(Duration::from_millis(5));
        harness.run_steps(1);
    }
    harness.run_steps(2);
}

/// Opens `path` in the app as a user would, and waits for it to load or fail.
pub fn open_and_wait(
    harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>,
    path: &std::path::Path,
) {
    harness.state_mut().open(path);
    wait_for_load(harness);
}

/// A raster MBTiles with zoom levels 0–2, each tile a solid colour.
pub fn make_mbtiles(path: &std::path::Path, rgb: [u8; 3]) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         INSERT INTO metadata VALUES ('name', 'test'), ('format', 'png'), ('attribution', 'Test archive');",
    )
    .unwrap();
    let png = solid_png(rgb);
    for zoom in 0..=2u32 {
        for x in 0..(1 << zoom) {
            for y in 0..(1 << zoom) {
                db.execute(
                    "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![zoom, x, y, png],
                )
                .unwrap();
            }
        }
    }
}

/// The app as the UI tests start it: offline basemap, clean state, all time.
pub fn offline_options() -> evacmap::app::AppOptions {
    evacmap::app::AppOptions {
        tiles: Some(evacmap::map::tiles::TileProvider::Offline),
        reset: true,
        range: evacmap::model::DaySpan::ALL_TIME,
        ..evacmap::app::AppOptions::default()
    }
}

/// The event list's items as shown ("→ 12 May 2017 · Evacuation …", "• 13 May 2017 · …").
pub fn list_items<State>(harness: &egui_kittest::Harness<'_, State>) -> Vec<String> {
    use egui_kittest::kittest::{NodeT, Queryable};
    harness
        .query_all_by(|n| n.role() != egui::accesskit::Role::TextRun)
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .filter(|l| l.starts_with("→ ") || l.starts_with("• "))
        .collect()
}

/// The accessible name of what has the keyboard.
pub fn focused_label<State>(harness: &egui_kittest::Harness<'_, State>) -> Option<String> {
    use egui_kittest::kittest::{NodeT, Queryable};
    harness
        .query_by(|n| n.is_focused())
        .and_then(|n| n.accesskit_node().label().map(|l| l.to_string()))
}

pub mod postgis;
pub mod pygeoapi;

/// Runs the evacmap binary without a display or a database password from the environment;
/// gives (exit code, stdout, stderr).
pub fn run_evacmap(args: &[&str]) -> (i32, String, String) {
    run_evacmap_with(args, &[])
}

/// [`run_evacmap`] with environment variables set.
pub fn run_evacmap_with(args: &[&str], env: &[(&str, &std::path::Path)]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("PGPASSWORD")
        .env_remove("PGSERVICE")
        .env_remove("PGSERVICEFILE")
        .env_remove("PGPASSFILE")
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
