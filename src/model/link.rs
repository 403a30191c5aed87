//! Which links from a story may be opened.
//!
//! A story file can come from anyone. A `file:`, `smb:`, `javascript:` or custom-scheme link
//! handed to the system opener can open local files, network shares or programs, so only web
//! links (`http`, `https`) with a host are ever opened; anything else is shown as text.

/// Why a link is not opened, or `Ok` for a web link.
///
/// ```
/// use evacmap::model::link;
/// assert!(link::check("https://sana.sy/en/?p=107345").is_ok());
/// assert!(link::check("file:///etc/passwd").is_err());
/// assert!(link::check("javascript:alert(1)").is_err());
/// ```
pub fn check(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("not a web address ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(url),
        "http" | "https" => Err("a web address without a host".to_owned()),
        scheme => Err(format!("the scheme {scheme}: is not http or https")),
    }
}

/// The host a checked web link goes to ("sana.sy"), so a reader sees where a click leads.
pub fn host(url: &url::Url) -> &str {
    let host = url.host_str().unwrap_or_default();
    host.strip_prefix("www.").unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_with_a_host_open() {
        for good in [
            "http://example.org",
            "https://www.sohr.com/en/?p=1",
            " HTTPS://sana.sy ",
        ] {
            assert!(check(good).is_ok(), "{good}");
        }
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "smb://server/share",
            "ms-settings:",
            "http://",
            "sana.sy",
            "",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check("smb://server/share").unwrap_err().contains("smb:"));
    }

    #[test]
    fn a_link_shows_its_host() {
        let web = check("https://www.sohr.com/en/?p=1").unwrap();
        assert_eq!(host(&web), "sohr.com");
    }
}
