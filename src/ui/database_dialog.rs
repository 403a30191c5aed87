//! File → Open database…: the address of a PostgreSQL database with evacmap stories, the
//! story's id, and a password for this session only (never saved: settings keep the address
//! without it; `PGPASSWORD`, a service file or `~/.pgpass` are the lasting ways).

use egui::{Context, RichText};

use crate::command::Command;

/// The dialog's state; open while `open`.
#[derive(Default)]
pub struct DatabaseDialog {
    pub open: bool,
    address: String,
    story: String,
    password: String,
    error: Option<String>,
    /// The dialog was just opened: its first field takes the keyboard.
    focus_first: bool,
}

impl DatabaseDialog {
    pub fn show(&mut self) {
        self.open = true;
        self.error = None;
        self.focus_first = true;
        if self.address.is_empty() {
            self.address = "postgres://".into();
        }
    }

    /// The address to open: the one typed, with the story and the password put in.
    fn chosen(&self) -> Result<String, String> {
        let mut url = url::Url::parse(self.address.trim())
            .map_err(|e| format!("not a database address: {e}"))?;
        if !crate::postgis::is_database(url.as_str()) {
            return Err("a database address starts with postgres:// or postgresql://".into());
        }
        if !self.password.is_empty() {
            url.set_password(Some(&self.password))
                .map_err(|_| "this address cannot carry a password".to_owned())?;
        }
        let story = self.story.trim();
        if !story.is_empty() {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "story")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("story", story);
        }
        Ok(url.to_string())
    }

    /// Draws the dialog; gives `Open(address)` when asked to open.
    pub fn ui(&mut self, ctx: &Context) -> Option<Command> {
        if !self.open {
            return None;
        }
        let mut command = None;
        let mut open = self.open;
        egui::Window::new("Open a story in a database")
            .open(&mut open)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(
                        "PostgreSQL with PostGIS. The password may also come from PGPASSWORD, a \
                         service file (?service=NAME) or ~/.pgpass; one typed here is used for \
                         this session only and never saved.",
                    )
                    .weak(),
                );
                let mut entered = false;
                let mut focus_first = std::mem::take(&mut self.focus_first);
                // Each label over its field, the field the window's width: an address is long.
                for (label, text, hidden) in [
                    ("Address", &mut self.address, false),
                    (
                        "Story (its id; empty: the only one)",
                        &mut self.story,
                        false,
                    ),
                    ("Password", &mut self.password, true),
                ] {
                    let label = ui.label(label);
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(text)
                                .password(hidden)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id);
                    if std::mem::take(&mut focus_first) {
                        field.request_focus();
                    }
                    entered |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if ui.button("Open database").clicked() || entered {
                    match self.chosen() {
                        Ok(address) => command = Some(Command::Open(address.into())),
                        Err(error) => self.error = Some(error),
                    }
                }
            });
        if command.is_some() {
            // The password goes with the address to the layer, not back into the form.
            self.password.clear();
        }
        self.open = open && command.is_none();
        command
    }
}
