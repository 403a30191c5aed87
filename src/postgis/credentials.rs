//! Where a connection's settings and password come from besides the address, as PostgreSQL's
//! own tools look for them: a connection service file (`?service=NAME` or `PGSERVICE`, in
//! `PGSERVICEFILE`, `~/.pg_service.conf` or `PGSYSCONFDIR/pg_service.conf`) and the password
//! file (`PGPASSFILE` or `~/.pgpass`, read only when no one else may read it), and the OS
//! keyring (the Secret Service of GNOME Keyring or KWallet, through libsecret's `secret-tool`).
//! Nothing here is ever written or logged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The settings of the service `name`, from the first service file that has it.
pub fn service(name: &str) -> Result<HashMap<String, String>, String> {
    let files = service_files();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Some(settings) = service_in(&text, name) {
            return Ok(settings);
        }
    }
    let looked: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Err(format!(
        "no service {name:?} in a service file (looked in {})",
        if looked.is_empty() {
            "none: set PGSERVICEFILE".into()
        } else {
            looked.join(", ")
        }
    ))
}

fn service_files() -> Vec<PathBuf> {
    if let Some(file) = std::env::var_os("PGSERVICEFILE") {
        return vec![PathBuf::from(file)];
    }
    let mut files = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        files.push(Path::new(&home).join(".pg_service.conf"));
    }
    let system = std::env::var_os("PGSYSCONFDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/postgresql-common"));
    files.push(system.join("pg_service.conf"));
    files
}

/// The section `[name]` of a service file: its `key=value` lines.
fn service_in(text: &str, name: &str) -> Option<HashMap<String, String>> {
    let mut settings: Option<HashMap<String, String>> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if settings.is_some() {
                break;
            }
            if section.trim() == name {
                settings = Some(HashMap::new());
            }
            continue;
        }
        if let (Some(settings), Some((key, value))) = (settings.as_mut(), line.split_once('=')) {
            settings.insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    settings
}

/// The password the password file gives for this host, port, database and user.
pub fn password_file_entry(host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
    if !file.is_file() {
        return None;
    }
    if !private(&file) {
        log::warn!(
            "{} is not used: others may read it (chmod 600 it)",
            file.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    password_in(&text, host, &port.to_string(), database, user)
}

/// The password the OS keyring keeps for this user at this host and port: the secret stored
/// with `secret-tool store --label=… service evacmap host HOST port PORT user USER`. `None`
/// when there is none, or no keyring to ask (no `secret-tool`, no session).
pub fn keyring_entry(host: &str, port: u16, user: &str) -> Option<String> {
    let port = port.to_string();
    let output = std::process::Command::new("secret-tool")
        .args([
            "lookup", "service", "evacmap", "host", host, "port", &port, "user", user,
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let secret = String::from_utf8(output.stdout).ok()?;
    let secret = secret.strip_suffix('\n').unwrap_or(&secret);
    (!secret.is_empty()).then(|| secret.to_owned())
}

#[cfg(unix)]
fn private(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(file).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn private(_: &Path) -> bool {
    true
}

/// The first line `host:port:database:user:password` matching (`*` matches anything; `\:`
/// and `\\` are a colon and a backslash).
fn password_in(text: &str, host: &str, port: &str, database: &str, user: &str) -> Option<String> {
    let wanted = [host, port, database, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_escaped(line);
            let [h, p, d, u, password] = fields.as_slice() else {
                return None;
            };
            [h, p, d, u]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field.as_str() == "*" || field.as_str() == want)
                .then(|| password.clone())
        })
}

fn split_escaped(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_is_its_section_of_the_file() {
        let text = "# desk\n[desk]\nhost=db.example\nport = 6543\n\n[other]\nhost=x\n";
        let desk = service_in(text, "desk").unwrap();
        assert_eq!(desk.get("host").map(String::as_str), Some("db.example"));
        assert_eq!(desk.get("port").map(String::as_str), Some("6543"));
        assert_eq!(desk.len(), 2);
        assert!(service_in(text, "nowhere").is_none());
    }

    #[test]
    fn the_password_file_matches_field_by_field_with_wildcards_and_escapes() {
        let text = "# comment\nother:5432:*:ana:wrong\n127.0.0.1:*:*:ana:pa\\:ss\\\\1\n";
        assert_eq!(
            password_in(text, "127.0.0.1", "5432", "postgres", "ana").as_deref(),
            Some("pa:ss\\1")
        );
        assert_eq!(
            password_in(text, "127.0.0.1", "5432", "postgres", "bob"),
            None
        );
    }
}
