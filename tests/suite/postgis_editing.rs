//! Edits written back to a story in PostGIS, from the window, against the cluster the tests
//! start: two clients meeting on one movement (a conflict with both versions, nothing
//! overwritten), on different rows (both land, a third client sees them within two seconds),
//! a connection dropped mid-transaction (the edits stay), and a read-only user.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::app::EvacApp;
use evacmap::model::FeatureIndex;

use crate::editing::{press, type_into};
use crate::support::postgis::Cluster;
use crate::support::{app_harness, offline_options, run_evacmap as evacmap};

const MOVEMENT: &str = "barzeh-idlib-2017-05-12";

fn pushed() -> Option<Cluster> {
    let cluster = Cluster::start()?;
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
    let (code, _, err) = evacmap(&["push", file.to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    Some(cluster)
}

fn window(address: &str) -> Harness<'static, EvacApp> {
    let mut options = offline_options();
    options.file = Some(address.into());
    let harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 21);
    harness
}

fn index_of(harness: &Harness<'static, EvacApp>, id: &str) -> FeatureIndex {
    harness
        .state()
        .dataset()
        .index_of(id)
        .expect("in the story")
}

/// Edit mode on, the form of `id` opened.
fn edit(harness: &mut Harness<'static, EvacApp>, id: &str) {
    if !harness.state().is_editing() {
        harness.key_press(egui::Key::E);
        harness.run_steps(3);
        assert!(harness.state().is_editing(), "edit mode is on");
    }
    let index = index_of(harness, id);
    harness.state_mut().open_form_for_test(index);
    harness.run_steps(5);
}

/// The first figure of the movement set to `value` in its form, then saved to the database.
fn set_first_figure(harness: &mut Harness<'static, EvacApp>, value: &str) {
    edit(harness, MOVEMENT);
    type_into(harness, "value", 0, value);
    press_in_form(harness, "Save movement");
    save(harness);
}

/// Presses a button of the form, scrolled into view first (long forms scroll).
fn press_in_form(harness: &mut Harness<'static, EvacApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(3);
    press(harness, label);
}

fn rename(harness: &mut Harness<'static, EvacApp>, id: &str, name: &str) {
    edit(harness, id);
    type_into(harness, "Name", 0, name);
    press_in_form(harness, "Save place");
    save(harness);
}

fn save(harness: &mut Harness<'static, EvacApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run_steps(5);
}

fn first_figure_in_database(cluster: &Cluster) -> i64 {
    cluster
        .client()
        .query_one(
            "SELECT (feature->'properties'->'figures'->0->>'value')::bigint
             FROM evacmap_features WHERE feature_id = $1",
            &[&MOVEMENT],
        )
        .unwrap()
        .get(0)
}

fn name_in_database(cluster: &Cluster, id: &str) -> String {
    cluster
        .client()
        .query_one(
            "SELECT name FROM evacmap_features WHERE feature_id = $1",
            &[&id],
        )
        .unwrap()
        .get(0)
}

fn name_shown(harness: &Harness<'static, EvacApp>, id: &str) -> Option<String> {
    let dataset = harness.state().dataset();
    dataset
        .index_of(id)
        .and_then(|i| dataset.get(i))
        .and_then(|f| f.common().name.clone())
}

/// Steps `harness` until `done` holds; fails past `limit`.
fn until(
    harness: &mut Harness<'static, EvacApp>,
    limit: Duration,
    what: &str,
    done: impl Fn(&Harness<'static, EvacApp>) -> bool,
) {
    let started = Instant::now();
    while !done(harness) {
        assert!(
            started.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
        harness.run_steps(1);
    }
}

#[test]
fn two_clients_on_one_movement_meet_a_conflict_and_on_different_rows_both_land() {
    let Some(cluster) = pushed() else {
        return;
    };
    let mut ana = window(&cluster.url(None));
    let mut bob = window(&cluster.url(None));
    let mut reader = window(&cluster.url(None));
    for harness in [&mut ana, &mut bob, &mut reader] {
        until(harness, Duration::from_secs(10), "following changes", |h| {
            h.state().follows_changes()
        });
    }

    // Both change the same movement's figure; Ana saves first.
    edit(&mut bob, MOVEMENT);
    type_into(&mut bob, "value", 0, "1400");
    press_in_form(&mut bob, "Save movement");
    assert!(bob.state().has_unsaved_edits());
    set_first_figure(&mut ana, "1300");
    assert!(!ana.state().has_unsaved_edits());
    ana.get_by_label_contains("Saved to the database: 1 feature written");
    assert_eq!(first_figure_in_database(&cluster), 1300);
    // Bob is told, and his edits stay.
    until(
        &mut bob,
        Duration::from_secs(2),
        "Bob told of Ana's change",
        |h| {
            h.query_by_label_contains("your edits stay; saving checks each row")
                .is_some()
        },
    );
    save(&mut bob);
    // Bob's save is a conflict showing both versions; nothing of his was written.
    bob.get_by_label("Conflicts with the database");
    bob.get_by_label_contains("Yours: Barzeh → Idlib");
    assert!(bob.query_by_label_contains("1,400 people (sana)").is_some());
    let theirs = bob.get_by_label_contains("Theirs (by evacmap, ");
    let theirs = theirs.accesskit_node();
    let theirs = theirs.label().or(theirs.value()).unwrap_or_default();
    assert!(theirs.contains("1,300 people (sana)"), "{theirs}");
    assert!(bob.state().has_unsaved_edits());
    assert_eq!(first_figure_in_database(&cluster), 1300);

    // Bob keeps his: the next save writes over Ana's, knowingly.
    // With the keyboard: Tab to the choice, Enter.
    let keep = format!("Keep mine: {MOVEMENT}");
    let tabs =
        crate::editing::key_until(&mut bob, (egui::Modifiers::NONE, egui::Key::Tab), &keep, 80);
    bob.key_press(egui::Key::Enter);
    bob.run_steps(5);
    eprintln!("keyboard walk to Keep mine: {tabs} Tab presses, Enter");
    assert!(bob.query_by_label("Conflicts with the database").is_none());
    save(&mut bob);
    assert!(!bob.state().has_unsaved_edits());
    assert_eq!(first_figure_in_database(&cluster), 1400);

    // Different rows: both land, and the third client shows both within two seconds.
    until(
        &mut ana,
        Duration::from_secs(5),
        "Ana reading Bob's change",
        |h| {
            !h.state().is_loading()
                && h.state()
                    .dataset()
                    .get(h.state().dataset().index_of(MOVEMENT).unwrap())
                    .is_some_and(|f| f.figures()[0].value == 1400)
        },
    );
    rename(&mut ana, "qaboun", "al-Qaboun");
    rename(&mut bob, "tishreen", "Tishreen (east)");
    let saved = Instant::now();
    assert!(!ana.state().has_unsaved_edits() && !bob.state().has_unsaved_edits());
    assert_eq!(name_in_database(&cluster, "qaboun"), "al-Qaboun");
    assert_eq!(name_in_database(&cluster, "tishreen"), "Tishreen (east)");
    until(
        &mut reader,
        Duration::from_secs(2),
        "the third client showing both",
        |h| {
            name_shown(h, "qaboun").as_deref() == Some("al-Qaboun")
                && name_shown(h, "tishreen").as_deref() == Some("Tishreen (east)")
        },
    );
    assert!(saved.elapsed() < Duration::from_secs(2));
    reader.run_steps(2);
    reader.get_by_label("al-Qaboun");

    // Pulled, the story has every change and reads as a story.
    let dir = tempfile::tempdir().unwrap();
    let pulled = dir.path().join("pulled.geojson");
    let (code, _, err) = evacmap(&["pull", &cluster.url(None), pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = evacmap(&["check", pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&pulled).unwrap();
    assert!(
        text.contains("al-Qaboun") && text.contains("Tishreen (east)") && text.contains("1400")
    );
}

/// A TCP relay to the cluster that, once armed, cuts both sides of the connection that sends
/// a statement containing `pattern`: a server lost mid-transaction, as the client sees it.
struct DroppingRelay {
    port: u16,
    armed: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
}

impl DroppingRelay {
    fn start(upstream: u16, pattern: &'static [u8]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(true));
        let dropped = Arc::new(AtomicBool::new(false));
        let (arm, drop_flag) = (armed.clone(), dropped.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                let (mut client_in, mut server_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (arm, drop_flag) = (arm.clone(), drop_flag.clone());
                let (client_cut, server_cut) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let mut buffer = vec![0; 64 * 1024];
                    while let Ok(n) = client_in.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        let seen = buffer[..n].windows(pattern.len()).any(|w| w == pattern);
                        if seen && arm.swap(false, Ordering::SeqCst) {
                            drop_flag.store(true, Ordering::SeqCst);
                            client_cut.shutdown(std::net::Shutdown::Both).ok();
                            server_cut.shutdown(std::net::Shutdown::Both).ok();
                            return;
                        }
                        if server_out.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                    }
                    server_cut.shutdown(std::net::Shutdown::Both).ok();
                });
                let (mut server_in, mut client_out) = (server, client);
                std::thread::spawn(move || {
                    std::io::copy(&mut server_in, &mut client_out).ok();
                    client_out.shutdown(std::net::Shutdown::Both).ok();
                });
            }
        });
        Self {
            port,
            armed,
            dropped,
        }
    }
}

fn port_of(url: &str) -> u16 {
    let after = url.split("127.0.0.1:").nth(1).unwrap();
    after.split('/').next().unwrap().parse().unwrap()
}

#[test]
fn a_connection_dropped_mid_save_keeps_the_edits_and_says_so_and_names_that_are_sql_are_data() {
    let Some(cluster) = pushed() else {
        return;
    };
    let direct = cluster.url(None);
    let relay = DroppingRelay::start(port_of(&direct), b"UPDATE evacmap_features");
    let relayed = direct.replacen(
        &format!("127.0.0.1:{}", port_of(&direct)),
        &format!("127.0.0.1:{}", relay.port),
        1,
    );
    let mut harness = window(&relayed);
    let hostile = "Qaboun'); DROP TABLE evacmap_features;--";
    rename(&mut harness, "qaboun", hostile);
    assert!(
        relay.dropped.load(Ordering::SeqCst),
        "the relay cut the save"
    );
    assert!(harness.state().has_unsaved_edits(), "the edits are kept");
    harness.get_by_label_contains("Not saved: ");
    harness.get_by_label_contains("Your edits are kept; the database is as it was.");
    assert_eq!(name_in_database(&cluster, "qaboun"), "Qaboun");
    assert_eq!(name_shown(&harness, "qaboun").as_deref(), Some(hostile));

    // The server back: the same edits save, and the name is data.
    assert!(!relay.armed.load(Ordering::SeqCst));
    save(&mut harness);
    assert!(!harness.state().has_unsaved_edits());
    assert_eq!(name_in_database(&cluster, "qaboun"), hostile);
    let features: i64 = cluster
        .client()
        .query_one("SELECT count(*) FROM evacmap_features", &[])
        .unwrap()
        .get(0);
    assert_eq!(features, 21);
}

#[test]
fn a_read_only_user_is_told_in_edit_mode_before_anything_is_lost() {
    let Some(cluster) = pushed() else {
        return;
    };
    cluster
        .client()
        .batch_execute(
            "CREATE ROLE viewer LOGIN PASSWORD 'viewer-pw';
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer;",
        )
        .unwrap();
    let viewer = cluster.url(None).replacen(
        &format!("evacmap:{}@", crate::support::postgis::PASSWORD),
        "viewer:viewer-pw@",
        1,
    );
    let mut harness = window(&viewer);
    harness.key_press(egui::Key::E);
    harness.run_steps(3);
    assert!(!harness.state().is_editing());
    harness.get_by_label_contains(
        "Cannot edit: the story damascus-2017-05 in the database is read-only for the database \
         user viewer",
    );
    assert!(
        harness
            .query_all_by(|n| n.label().is_some_and(|l| l.contains("viewer-pw")))
            .next()
            .is_none()
    );
}
