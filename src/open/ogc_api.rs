//! OGC API – Features (pygeoapi, GeoServer, ldproxy): a collection opened from its server's URL
//! as a read-only layer. The URL may be the landing page, the collections list, a collection
//! or its items; the items are asked for with `bbox` (the view, in CRS84) and `datetime` (the
//! time range, RFC 3339) as Part 1 of the standard says, page by page through the `next`
//! links, each page GeoJSON. The features are read as any GeoJSON is: their dates found in
//! their properties. Errors from the server are said in words. Pure, no egui.

use std::collections::HashSet;

use reqwest::Url;
use serde_json::Value;

use crate::io::LoadProgress;
pub use crate::io::remote::{Window, shown};
use crate::model::DaySpan;

/// Features asked for a page.
const PAGE_SIZE: usize = 1000;
/// Pages read at most: a server whose `next` links never end stops here.
pub const MAX_PAGES: usize = 500;

/// Why a collection could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OgcError {
    #[error("{url}: the server cannot be reached: {message}")]
    Network { url: String, message: String },
    #[error("{url}: the server answered {status}{}", detail(message))]
    Status {
        url: String,
        status: String,
        message: String,
    },
    #[error("{url}: the server's answer is not JSON ({message})")]
    NotJson { url: String, message: String },
    #[error(
        "{url}: the server's answer is neither a landing page, collections, a collection nor \
         GeoJSON features"
    )]
    NotFeatures { url: String },
    #[error("{url}: the server has {} collections; open one of them: {}", list.len(), list.join(", "))]
    SeveralCollections { url: String, list: Vec<String> },
    #[error("{url}: the server has no collection")]
    NoCollection { url: String },
    #[error("{url}: reading was cancelled")]
    Cancelled { url: String },
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// Whether a path names a web address rather than a file.
pub fn is_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `datetime` for a range: `2017-05-01T00:00:00Z/2017-05-31T23:59:59Z`, `..` for an open end;
/// `None` for all time.
pub fn datetime(range: &DaySpan) -> Option<String> {
    let end = |day: Option<chrono::NaiveDate>, time: &str| {
        day.map_or_else(|| "..".to_owned(), |d| format!("{d}T{time}Z"))
    };
    match (range.first, range.last) {
        (None, None) => None,
        (first, last) if first == last => first.map(|d| format!("{d}T00:00:00Z/{d}T23:59:59Z")),
        (first, last) => Some(format!(
            "{}/{}",
            end(first, "00:00:00"),
            end(last, "23:59:59")
        )),
    }
}

/// The features of a collection, and notes about how they were read (pages left unread).
pub struct Read {
    pub features: Vec<Value>,
    pub notes: Vec<String>,
    /// The items' URL first asked, with its query.
    pub items_url: String,
}

/// Reads the features of the collection at `url` within `window`.
pub fn read(url: &str, window: &Window, progress: &LoadProgress) -> Result<Read, OgcError> {
    read_with(url, window, progress, MAX_PAGES)
}

/// [`read`], reading at most `max_pages` pages.
pub fn read_with(
    url: &str,
    window: &Window,
    progress: &LoadProgress,
    max_pages: usize,
) -> Result<Read, OgcError> {
    let client = reqwest::blocking::Client::builder()
        .user_agent(format!(
            "evacmap/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            env!("CARGO_PKG_REPOSITORY")
        ))
        .timeout(std::time::Duration::from_secs(60))
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| OgcError::Network {
            url: shown(url),
            message: e.to_string(),
        })?;
    let fetcher = Fetcher { client };
    let items = fetcher.items_url(url)?;
    let first = with_window(&items, window);
    let items_url = first.to_string();
    let mut next = Some(first);
    let mut seen: HashSet<String> = HashSet::new();
    let mut features = Vec::new();
    let mut notes = Vec::new();
    let mut pages = 0;
    while let Some(page_url) = next.take() {
        if progress.is_cancelled() {
            return Err(OgcError::Cancelled { url: shown(url) });
        }
        if !seen.insert(page_url.to_string()) {
            notes.push(format!(
                "the server's next link returned to a page already read ({}); reading stopped \
                 there with {} features",
                shown(page_url.as_str()),
                features.len()
            ));
            break;
        }
        if pages == max_pages {
            notes.push(format!(
                "the server offered more after {max_pages} pages ({} features); reading stopped \
                 there: narrow the view or the time range to see the rest",
                features.len()
            ));
            break;
        }
        let page = fetcher.json(page_url.as_str())?;
        pages += 1;
        let Some(page_features) = page.get("features").and_then(Value::as_array) else {
            return Err(OgcError::NotFeatures {
                url: shown(page_url.as_str()),
            });
        };
        progress.add_features(page_features.len());
        features.extend(page_features.iter().cloned());
        next = link(&page, "next").and_then(|href| page_url.join(&href).ok());
    }
    Ok(Read {
        features,
        notes,
        items_url,
    })
}

/// The `href` of a document's first link with this `rel`.
fn link(document: &Value, rel: &str) -> Option<String> {
    document
        .get("links")?
        .as_array()?
        .iter()
        .filter(|l| l.get("rel").and_then(Value::as_str) == Some(rel))
        // GeoJSON first, where a server offers several types.
        .min_by_key(|l| {
            let kind = l.get("type").and_then(Value::as_str).unwrap_or("");
            !(kind.contains("geo+json") || kind.is_empty() || kind.contains("json"))
        })
        .and_then(|l| l.get("href")?.as_str().map(str::to_owned))
}

/// The items URL with the window's `bbox`, `datetime` and the page size (each replacing any
/// the URL had).
fn with_window(items: &Url, window: &Window) -> Url {
    let mut url = items.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "bbox" | "datetime" | "limit" | "f"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (key, value) in &kept {
            query.append_pair(key, value);
        }
        query.append_pair("f", "json");
        query.append_pair("limit", &PAGE_SIZE.to_string());
        if let Some([west, south, east, north]) = window.bbox {
            query.append_pair("bbox", &format!("{west},{south},{east},{north}"));
        }
        if let Some(datetime) = datetime(&window.range) {
            query.append_pair("datetime", &datetime);
        }
    }
    url
}

struct Fetcher {
    client: reqwest::blocking::Client,
}

impl Fetcher {
    /// A JSON document, or why there is none.
    fn json(&self, url: &str) -> Result<Value, OgcError> {
        let shown_url = shown(url);
        let response = self
            .client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "application/geo+json, application/json;q=0.9",
            )
            .send()
            .map_err(|e| OgcError::Network {
                url: shown_url.clone(),
                message: without_url(&e),
            })?;
        let status = response.status();
        let body = response.bytes().map_err(|e| OgcError::Network {
            url: shown_url.clone(),
            message: without_url(&e),
        })?;
        if !status.is_success() {
            return Err(OgcError::Status {
                url: shown_url,
                status: status.to_string(),
                message: server_message(&body),
            });
        }
        serde_json::from_slice(&body).map_err(|e| OgcError::NotJson {
            url: shown_url,
            message: e.to_string(),
        })
    }

    /// Where a collection's items are, from any of the server's documents.
    fn items_url(&self, url: &str) -> Result<Url, OgcError> {
        let parse = |text: &str| {
            Url::parse(text).map_err(|e| OgcError::Network {
                url: shown(text),
                message: format!("not a web address: {e}"),
            })
        };
        let mut at = parse(url)?;
        // Landing page → collections → collection → items: at most these steps.
        for _ in 0..4 {
            // Items are asked for with the window; a first look would fetch them whole.
            if at.path().trim_end_matches('/').ends_with("/items") {
                return Ok(at);
            }
            let document = self.json(at.as_str())?;
            if document.get("type").and_then(Value::as_str) == Some("FeatureCollection") {
                return Ok(at);
            }
            if let Some(collections) = document.get("collections").and_then(Value::as_array) {
                let ids: Vec<String> = collections
                    .iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_owned))
                    .collect();
                match collections.as_slice() {
                    [] => return Err(OgcError::NoCollection { url: shown(url) }),
                    [only] => {
                        let href = link(only, "items")
                            .or_else(|| ids.first().map(|id| format!("{id}/items")));
                        at = join(&at, href)?;
                        continue;
                    }
                    _ => {
                        return Err(OgcError::SeveralCollections {
                            url: shown(url),
                            list: ids
                                .iter()
                                .filter_map(|id| join(&at, Some(id.clone())).ok())
                                .map(|u| shown(u.as_str()))
                                .collect(),
                        });
                    }
                }
            }
            if let Some(items) = link(&document, "items") {
                at = join(&at, Some(items))?;
                continue;
            }
            if let Some(data) = link(&document, "data") {
                at = join(&at, Some(data))?;
                continue;
            }
            return Err(OgcError::NotFeatures { url: shown(url) });
        }
        Err(OgcError::NotFeatures { url: shown(url) })
    }
}

fn join(base: &Url, href: Option<String>) -> Result<Url, OgcError> {
    let href = href.ok_or_else(|| OgcError::NotFeatures {
        url: shown(base.as_str()),
    })?;
    // A relative link is relative to the document: ".../collections/" joins "x/items".
    let mut base = base.clone();
    if !base.path().ends_with('/') && !href.starts_with('/') && !href.contains("://") {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join(&href).map_err(|e| OgcError::Network {
        url: shown(base.as_str()),
        message: format!("a link is no web address: {e}"),
    })
}

/// What a server said in an error's body: the `description` or `detail` of an OGC exception,
/// or the start of its text.
fn server_message(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<Value>(body) {
        for key in ["description", "detail", "message", "title"] {
            if let Some(text) = json.get(key).and_then(Value::as_str) {
                return crate::io::problem::one_line(text);
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut short: String = text.chars().take(160).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    crate::io::problem::one_line(&short)
}

/// A network error without the URL reqwest puts in it (said once, in front).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(&format!(" ({url})"), "");
        text = text.replace(url.as_str(), "the server");
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
#[path = "ogc_api_tests.rs"]
mod tests;
