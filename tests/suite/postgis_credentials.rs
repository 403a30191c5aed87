//! Where the password comes from besides the address, as PostgreSQL's own tools look for it:
//! a connection service file and the password file; never shown in what evacmap prints.

use std::os::unix::fs::PermissionsExt;

use egui_kittest::kittest::Queryable;

use crate::support::postgis::{Cluster, PASSWORD};
use crate::support::run_evacmap_with;

fn bundled() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/data/damascus-2017-05.geojson").to_owned()
}

#[test]
fn a_service_file_a_private_password_file_or_the_keyring_gives_the_password() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let services = dir.path().join("pg_service.conf");
    std::fs::write(
        &services,
        format!(
            "[elsewhere]\nhost=192.0.2.1\n\n[desk]\nhost=127.0.0.1\nport={}\ndbname=postgres\n\
             user=evacmap\npassword={PASSWORD}\n",
            cluster.port
        ),
    )
    .unwrap();
    let env = [("PGSERVICEFILE", services.as_path())];
    let (code, out, err) =
        run_evacmap_with(&["push", &bundled(), "postgres:///?service=desk"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("21 features"), "{out}");
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD));
    let (code, out, err) = run_evacmap_with(&["list", "postgres:///?service=desk"], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 21);
    let (code, _, err) = run_evacmap_with(&["list", "postgres:///?service=nowhere"], &env);
    assert_eq!(code, 1);
    assert!(
        err.contains("no service \"nowhere\" in a service file"),
        "{err}"
    );

    // An address without a password: the password file gives it, once it is private.
    let address = format!("postgres://evacmap@127.0.0.1:{}/postgres", cluster.port);
    let passwords = dir.path().join("pgpass");
    std::fs::write(
        &passwords,
        format!("# test\n127.0.0.1:*:postgres:evacmap:{PASSWORD}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&passwords, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = [("PGPASSFILE", passwords.as_path())];
    let (code, _, err) = run_evacmap_with(&["list", &address], &env);
    assert_eq!(code, 1, "a password file others may read is not used");
    assert!(err.contains("password"), "{err}");
    std::fs::set_permissions(&passwords, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, err) = run_evacmap_with(&["list", &address], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 21);
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD));

    // No password file: the OS keyring is asked through libsecret's `secret-tool`, with the
    // attributes the docs give (a stand-in here: CI has no desktop session to run a keyring).
    let tools = dir.path().join("bin");
    std::fs::create_dir(&tools).unwrap();
    let tool = tools.join("secret-tool");
    std::fs::write(
        &tool,
        format!(
            "#!/bin/sh\n[ \"$*\" = \"lookup service evacmap host 127.0.0.1 port {} user evacmap\" ] \
             && echo '{PASSWORD}' && exit 0\nexit 1\n",
            cluster.port
        ),
    )
    .unwrap();
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::path::PathBuf::from(format!(
        "{}:{}",
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    ));
    let nowhere = dir.path().join("no-pgpass");
    let env = [("PATH", path.as_path()), ("PGPASSFILE", nowhere.as_path())];
    let (code, out, err) = run_evacmap_with(&["list", &address], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 21);
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD));
    let other = address.replacen("evacmap@", "someone@", 1);
    let (code, _, err) = run_evacmap_with(&["list", &other], &env);
    assert_eq!(code, 1, "the keyring has nothing for another user");
    assert!(!err.contains(PASSWORD), "{err}");
}

#[test]
fn file_open_database_opens_a_story_with_a_password_used_for_the_session_only() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = crate::support::run_evacmap(&["push", &bundled(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let mut harness =
        crate::support::app_harness(crate::support::offline_options(), None, 1.0 / 60.0);
    crate::editing::press(&mut harness, "File");
    crate::editing::press(&mut harness, "Open database…");
    harness.get_by_label("Open a story in a database");
    let address = format!("postgres://evacmap@127.0.0.1:{}/postgres", cluster.port);
    crate::editing::type_into(&mut harness, "Address", 0, &address);
    crate::editing::type_into(
        &mut harness,
        "Story (its id; empty: the only one)",
        0,
        "damascus-2017-05",
    );
    crate::editing::type_into(&mut harness, "Password", 0, PASSWORD);
    crate::editing::press(&mut harness, "Open database");
    crate::support::wait_for_load(&mut harness);
    let layers = harness.state().layer_set().layers();
    assert_eq!(layers.len(), 1);
    assert!(
        layers[0].name.contains("PostGIS on 127.0.0.1"),
        "{}",
        layers[0].name
    );
    assert_eq!(harness.state().dataset().len(), 21);
    assert!(layers[0].stored.as_ref().is_some_and(|s| s.writable));
    // The password is in no setting, no label, and not back in the form.
    let settings = format!("{:?}", harness.state().persisted());
    assert!(!settings.contains(PASSWORD), "{settings}");
    assert!(
        settings.contains(&format!("evacmap@127.0.0.1:{}", cluster.port)),
        "{settings}"
    );
    assert!(
        harness
            .query_all_by(|n| n.label().is_some_and(|l| l.contains(PASSWORD))
                || n.value().is_some_and(|v| v.contains(PASSWORD)))
            .next()
            .is_none()
    );
}

#[test]
fn a_story_in_a_database_is_opened_with_the_keyboard_alone() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = crate::support::run_evacmap(&["push", &bundled(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let mut harness =
        crate::support::app_harness(crate::support::offline_options(), None, 1.0 / 60.0);
    let tab = (egui::Modifiers::NONE, egui::Key::Tab);
    let back = (egui::Modifiers::SHIFT, egui::Key::Tab);
    let f6 = (egui::Modifiers::NONE, egui::Key::F6);
    let mut presses = Vec::new();
    // Into the map, F6 to the top bar, back along it to File, Enter.
    harness.key_press(egui::Key::Tab);
    harness.run_steps(2);
    let to_bar = crate::editing::key_until(&mut harness, f6, "Fit story", 4);
    let along = crate::editing::key_until(&mut harness, back, "File", 12);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    presses.push(("the File menu", 2 + to_bar + along));
    let down = crate::editing::key_until(&mut harness, tab, "Open database…", 12);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    presses.push(("Open database…", down + 1));
    let address = format!("postgres://evacmap@127.0.0.1:{}/postgres", cluster.port);
    let mut fields = 0;
    for (label, text) in [
        ("Address", address.as_str()),
        ("Story (its id; empty: the only one)", "damascus-2017-05"),
        ("Password", PASSWORD),
    ] {
        fields += crate::editing::key_until(&mut harness, tab, label, 12);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness.get_by_label(label).type_text(text);
        harness.run_steps(2);
    }
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    presses.push(("the three fields (Tab…, typing), Enter", fields + 1));
    crate::support::wait_for_load(&mut harness);
    assert_eq!(harness.state().dataset().len(), 21);
    eprintln!("keyboard walk of opening a story in a database: {presses:?}");
    let total: usize = presses.iter().map(|(_, n)| n).sum();
    assert!(total <= 30, "{presses:?}");
}
