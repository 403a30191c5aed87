//! Tiles from an XYZ tile server, fetched by evacmap itself so that failures are handled:
//! retries with exponential backoff and jitter, `Retry-After` honoured on 429 and 503, a bound
//! after which a tile is left alone for a while, a disk cache, and at most `parallel` requests
//! at once. The UI thread never waits: it asks, and draws what has arrived.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use egui::{ColorImage, TextureOptions};
use walkers::sources::Attribution;
use walkers::{TileId, TilePiece, Tiles};

use super::cache::{DiskCache, freshness};
use super::store::{Entry, TextureStore};

/// A tile server: an XYZ URL template, optional `{s}` subdomains, and its deepest zoom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    pub template: String,
    pub subdomains: Vec<String>,
    pub max_zoom: u8,
}

impl ServerSpec {
    pub fn url(&self, tile: TileId) -> String {
        let subdomain = if self.subdomains.is_empty() {
            ""
        } else {
            &self.subdomains[(tile.x as usize + tile.y as usize) % self.subdomains.len()]
        };
        self.template
            .replace("{s}", subdomain)
            .replace("{z}", &tile.zoom.to_string())
            .replace("{x}", &tile.x.to_string())
            .replace("{y}", &tile.y.to_string())
    }
}

/// How hard to try.
#[derive(Debug, Clone)]
pub struct NetOptions {
    pub user_agent: String,
    /// Requests in flight at once (the OpenStreetMap policy allows 2).
    pub parallel: usize,
    /// First retry after about this long, doubling each time…
    pub backoff_base: Duration,
    /// …up to this.
    pub backoff_max: Duration,
    /// Attempts before giving up on a tile for `retry_later`.
    pub max_attempts: u32,
    pub retry_later: Duration,
    pub timeout: Duration,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            user_agent: super::user_agent(),
            parallel: 2,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            max_attempts: 4,
            retry_later: Duration::from_secs(300),
            timeout: Duration::from_secs(15),
        }
    }
}

/// The delay before retry number `attempt` (0-based): base · 2^attempt, capped, times a
/// jitter factor in 0.5..1.5 so that clients do not retry in step.
pub fn backoff(options: &NetOptions, attempt: u32, jitter: f64) -> Duration {
    let exponential = options.backoff_base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
    let capped = exponential.min(options.backoff_max.as_secs_f64());
    Duration::from_secs_f64(capped * (0.5 + jitter.clamp(0.0, 1.0)))
}

/// `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// What the status bar says about tiles.
#[derive(Debug, Default)]
pub struct NetStatus {
    pub loaded: AtomicUsize,
    pub failed: AtomicUsize,
    pub retrying: AtomicUsize,
    /// Failures since the last success; many in a row means "offline".
    pub failures_in_a_row: AtomicUsize,
}

impl NetStatus {
    pub fn is_offline(&self) -> bool {
        self.failures_in_a_row.load(Ordering::Relaxed) >= 6
    }
}

struct Job {
    tile: TileId,
    attempt: u32,
}

#[derive(Default)]
struct Queue {
    /// Newest first: the tiles the user is looking at now.
    waiting: VecDeque<Job>,
    /// Retries, with when they are due.
    delayed: Vec<(Instant, Job)>,
    /// After a 429 or 503, nothing is asked of the server before this.
    paused_until: Option<Instant>,
    shutdown: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    status: NetStatus,
    /// Whether a failure from this server was logged already.
    reported: AtomicBool,
}

type Outcome = (TileId, Result<ColorImage, String>);

/// Most tiles waiting at once; older requests (views the user has left) are dropped.
const MAX_WAITING: usize = 96;

pub struct NetTiles {
    spec: ServerSpec,
    shared: Arc<Shared>,
    results: Receiver<Outcome>,
    store: TextureStore,
    retry_later: Duration,
    ctx: egui::Context,
}

impl NetTiles {
    pub fn new(
        spec: ServerSpec,
        options: NetOptions,
        cache: Option<DiskCache>,
        ctx: &egui::Context,
    ) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            status: NetStatus::default(),
            reported: AtomicBool::new(false),
        });
        let (sender, results) = channel();
        let cache = cache.map(Arc::new);
        match reqwest::blocking::Client::builder()
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .build()
        {
            Ok(client) => {
                for n in 0..options.parallel.max(1) {
                    let worker = Worker {
                        spec: spec.clone(),
                        options: options.clone(),
                        client: client.clone(),
                        cache: cache.clone(),
                        shared: shared.clone(),
                        results: sender.clone(),
                        ctx: ctx.clone(),
                        seed: 0x9E37_79B9_7F4A_7C15
                            ^ (n as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407),
                    };
                    let spawned = std::thread::Builder::new()
                        .name(format!("evacmap-tiles-{n}"))
                        .spawn(move || worker.run());
                    if let Err(e) = spawned {
                        log::error!("cannot start a tile download thread: {e}");
                    }
                }
            }
            Err(e) => {
                log::error!("cannot set up tile downloads: {e}; the offline basemap is shown")
            }
        }
        Self {
            spec,
            shared,
            results,
            store: TextureStore::default(),
            retry_later: options.retry_later,
            ctx: ctx.clone(),
        }
    }

    pub fn status(&self) -> &NetStatus {
        &self.shared.status
    }

    /// Tiles decoded and ready to draw.
    pub fn ready(&self) -> usize {
        self.store.ready()
    }

    fn receive(&mut self) {
        while let Ok((tile, outcome)) = self.results.try_recv() {
            let entry = match outcome {
                Ok(image) => Entry::Ready {
                    texture: self.ctx.load_texture(
                        format!("tile {}/{}/{}", tile.zoom, tile.x, tile.y),
                        image,
                        TextureOptions::LINEAR,
                    ),
                    last_used: 0,
                },
                Err(_) => Entry::Failed {
                    until: Instant::now() + self.retry_later,
                },
            };
            self.store.set(tile, entry);
        }
    }

    fn request(shared: &Shared, tile: TileId) -> Option<TileId> {
        let Ok(mut queue) = shared.queue.lock() else {
            return None;
        };
        queue.waiting.push_front(Job { tile, attempt: 0 });
        let dropped = if queue.waiting.len() > MAX_WAITING {
            queue.waiting.pop_back().map(|job| job.tile)
        } else {
            None
        };
        shared.wake.notify_one();
        dropped
    }
}

impl Drop for NetTiles {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.shared.queue.lock() {
            queue.shutdown = true;
        }
        self.shared.wake.notify_all();
    }
}

impl Tiles for NetTiles {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        self.receive();
        let shared = self.shared.clone();
        let mut dropped = None;
        let piece = self.store.piece(tile_id, self.spec.max_zoom, |tile| {
            dropped = Self::request(&shared, tile);
        });
        if let Some(tile) = dropped {
            // Forgotten, so it is asked for again if it comes back into view.
            self.store.remove(&tile);
        }
        piece
    }

    fn attribution(&self) -> Attribution {
        super::drawn_by_the_app()
    }

    fn tile_size(&self) -> u32 {
        256
    }

    fn stats(&self) -> walkers::Stats {
        walkers::Stats {
            in_progress: self.store.pending(),
        }
    }
}

struct Worker {
    spec: ServerSpec,
    options: NetOptions,
    client: reqwest::blocking::Client,
    cache: Option<Arc<DiskCache>>,
    shared: Arc<Shared>,
    results: Sender<Outcome>,
    ctx: egui::Context,
    seed: u64,
}

enum Attempt {
    Done(Result<ColorImage, String>),
    /// Try again after this long (and pause the whole server when `pause` is set).
    Retry {
        after: Duration,
        pause: bool,
        error: String,
    },
}

impl Worker {
    fn jitter(&mut self) -> f64 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        (self.seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn next_job(&self) -> Option<Job> {
        let mut queue = self.shared.queue.lock().ok()?;
        loop {
            if queue.shutdown {
                return None;
            }
            let now = Instant::now();
            let mut due = Vec::new();
            queue.delayed.retain_mut(|(at, job)| {
                if *at <= now {
                    due.push(Job {
                        tile: job.tile,
                        attempt: job.attempt,
                    });
                    false
                } else {
                    true
                }
            });
            for job in due {
                queue.waiting.push_front(job);
            }
            let paused = queue.paused_until.filter(|until| *until > now);
            let next_due = queue.delayed.iter().map(|(at, _)| *at).min();
            if paused.is_none()
                && let Some(job) = queue.waiting.pop_front()
            {
                return Some(job);
            }
            let wake_at = [paused, next_due].into_iter().flatten().min();
            let timeout = wake_at.map_or(Duration::from_secs(1), |at| {
                at.saturating_duration_since(now)
            });
            queue = self
                .shared
                .wake
                .wait_timeout(queue, timeout.max(Duration::from_millis(1)))
                .ok()?
                .0;
        }
    }

    fn run(mut self) {
        while let Some(job) = self.next_job() {
            match self.attempt(&job) {
                Attempt::Done(outcome) => {
                    let status = &self.shared.status;
                    match &outcome {
                        Ok(_) => {
                            status.loaded.fetch_add(1, Ordering::Relaxed);
                            status.failures_in_a_row.store(0, Ordering::Relaxed);
                        }
                        Err(error) => {
                            status.failed.fetch_add(1, Ordering::Relaxed);
                            status.failures_in_a_row.fetch_add(1, Ordering::Relaxed);
                            self.report_once(error);
                        }
                    }
                    if job.attempt > 0 {
                        status.retrying.fetch_sub(1, Ordering::Relaxed);
                    }
                    if self.results.send((job.tile, outcome)).is_err() {
                        return;
                    }
                    self.ctx.request_repaint();
                }
                Attempt::Retry {
                    after,
                    pause,
                    error,
                } => {
                    self.shared
                        .status
                        .failures_in_a_row
                        .fetch_add(1, Ordering::Relaxed);
                    if job.attempt == 0 {
                        self.shared.status.retrying.fetch_add(1, Ordering::Relaxed);
                    }
                    self.report_once(&error);
                    let Ok(mut queue) = self.shared.queue.lock() else {
                        return;
                    };
                    let at = Instant::now() + after;
                    if pause {
                        queue.paused_until = Some(queue.paused_until.map_or(at, |p| p.max(at)));
                    }
                    queue.delayed.push((
                        at,
                        Job {
                            tile: job.tile,
                            attempt: job.attempt + 1,
                        },
                    ));
                    self.shared.wake.notify_all();
                }
            }
        }
    }

    /// Logs the first failure from this server; the rest are only counted (status bar).
    fn report_once(&self, error: &str) {
        if !self.shared.reported.swap(true, Ordering::Relaxed) {
            log::warn!(
                "tiles from {}: {error} (evacmap retries with backoff; further failures are counted in the status bar, not logged)",
                super::host_of(&self.spec.template)
            );
        }
    }

    fn attempt(&mut self, job: &Job) -> Attempt {
        let cached = self.cache.as_ref().and_then(|c| c.get(job.tile));
        if let Some(cached) = &cached
            && cached.fresh
            && let Ok(image) = decode(&cached.bytes)
        {
            return Attempt::Done(Ok(image));
        }
        let url = self.spec.url(job.tile);
        let can_retry = job.attempt + 1 < self.options.max_attempts;
        let jitter = self.jitter();
        let backoff = backoff(&self.options, job.attempt, jitter);
        let give_up = |error: String| match &cached {
            // Stale is better than nothing.
            Some(stale) => Attempt::Done(decode(&stale.bytes).map_err(|_| error)),
            None => Attempt::Done(Err(error)),
        };
        let retry_or_give_up = |error: String| {
            if can_retry {
                Attempt::Retry {
                    after: backoff,
                    pause: false,
                    error,
                }
            } else {
                give_up(error)
            }
        };
        let response = match self.client.get(&url).send() {
            Ok(response) => response,
            Err(e) => {
                let error = format!("request failed: {e}");
                return retry_or_give_up(error);
            }
        };
        let status = response.status();
        if status.as_u16() == 429 || status.as_u16() == 503 {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let error = format!("server busy: HTTP {status}");
            return if can_retry {
                Attempt::Retry {
                    after: retry_after.map_or(backoff, |r| r.max(backoff)),
                    pause: retry_after.is_some(),
                    error,
                }
            } else {
                give_up(error)
            };
        }
        if status.as_u16() == 404 {
            return Attempt::Done(Err(format!("no such tile: HTTP {status}")));
        }
        if !status.is_success() {
            let error = format!("server error: HTTP {status}");
            return retry_or_give_up(error);
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let fresh_for = freshness(
            header(reqwest::header::CACHE_CONTROL).as_deref(),
            header(reqwest::header::EXPIRES).as_deref(),
        );
        let bytes = match response.bytes() {
            Ok(bytes) => bytes,
            Err(e) => {
                let error = format!("download cut short: {e}");
                return retry_or_give_up(error);
            }
        };
        match decode(&bytes) {
            Ok(image) => {
                if let Some(cache) = &self.cache
                    && let Err(e) = cache.put(job.tile, &bytes, fresh_for.unwrap_or_default())
                {
                    log::debug!("tile not cached: {e}");
                }
                Attempt::Done(Ok(image))
            }
            Err(e) => give_up(format!("not an image: {e}")),
        }
    }
}

/// PNG or JPEG bytes as an egui image.
pub fn decode(bytes: &[u8]) -> Result<ColorImage, String> {
    let image = image::load_from_memory(bytes)
        .map_err(|e| e.to_string())?
        .to_rgba8();
    let size = [image.width() as usize, image.height() as usize];
    Ok(ColorImage::from_rgba_unmultiplied(size, image.as_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let options = NetOptions::default();
        assert_eq!(backoff(&options, 0, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(&options, 3, 0.5), Duration::from_secs(8));
        assert_eq!(backoff(&options, 3, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(&options, 3, 1.0), Duration::from_secs(12));
        assert_eq!(backoff(&options, 30, 0.5), Duration::from_secs(60));
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn subdomains_rotate_over_tiles() {
        let spec = ServerSpec {
            template: "https://{s}.tile.example/{z}/{x}/{y}.png".into(),
            subdomains: vec!["a".into(), "b".into(), "c".into()],
            max_zoom: 17,
        };
        assert_eq!(
            spec.url(TileId {
                x: 1,
                y: 1,
                zoom: 3
            }),
            "https://c.tile.example/3/1/1.png"
        );
        assert_eq!(
            spec.url(TileId {
                x: 1,
                y: 2,
                zoom: 3
            }),
            "https://a.tile.example/3/1/2.png"
        );
    }

    #[test]
    fn garbage_is_not_an_image() {
        assert!(decode(b"<html>rate limited</html>").is_err());
    }
}
