//! The closed vocabularies of the data format.
//!
//! Each property with a fixed set of values is a `Term`: a known value, or the text the file had.
//! Unknown values are kept (and saved back unchanged) so that newer files open in older builds;
//! the loader reports them as warnings.

use std::fmt;

/// A vocabulary: a closed set of values written in snake_case in data files.
pub trait Vocabulary: Copy + Eq + fmt::Debug + 'static {
    /// The property this vocabulary is used for, for messages.
    const WHAT: &'static str;
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;

    /// A reader's word for the value: "at least", "news agency".
    fn label(&self) -> String {
        match self.as_str() {
            // An acronym, not a word.
            "idps" => "IDPs".into(),
            text => text.replace('_', " "),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }

    /// The known values, for error messages.
    fn expected() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A value of a vocabulary, or the unknown text it was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term<T> {
    Known(T),
    Unknown(String),
}

impl<T: Vocabulary> Term<T> {
    pub fn parse(text: &str) -> Self {
        T::parse(text).map_or_else(|| Term::Unknown(text.to_owned()), Term::Known)
    }

    pub fn known(&self) -> Option<T> {
        match self {
            Term::Known(v) => Some(*v),
            Term::Unknown(_) => None,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Term::Known(v) => v.as_str(),
            Term::Unknown(text) => text,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Term::Known(v) => v.label(),
            Term::Unknown(text) => text.clone(),
        }
    }
}

impl<T: Vocabulary> From<T> for Term<T> {
    fn from(value: T) -> Self {
        Term::Known(value)
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

vocabulary!(
    /// What kind of place a marker stands for.
    PlaceType, "place_type" {
        Neighbourhood = "neighbourhood",
        District = "district",
        Village = "village",
        Town = "town",
        City = "city",
        Camp = "camp",
        Region = "region",
        Province = "province",
        Country = "country",
        Crossing = "crossing",
    }
);

vocabulary!(
    /// How well a place's coordinates are known.
    GeoPrecision, "geo_precision" {
        Exact = "exact",
        Approximate = "approximate",
        Region = "region",
    }
);

vocabulary!(
    /// Who held a place.
    ControlStatus, "status" {
        Government = "government",
        Opposition = "opposition",
        Contested = "contested",
        Truce = "truce",
        Unknown = "unknown",
    }
);

vocabulary!(
    /// What a movement of people was.
    MovementType, "movement_type" {
        Evacuation = "evacuation",
        Displacement = "displacement",
        Return = "return",
    }
);

vocabulary!(
    /// Whether a movement took place.
    MovementStatus, "status" {
        Completed = "completed",
        Ongoing = "ongoing",
        Scheduled = "scheduled",
        Failed = "failed",
        Reported = "reported",
    }
);

vocabulary!(
    /// What a figure counts.
    Measure, "measure" {
        People = "people",
        Fighters = "fighters",
        Civilians = "civilians",
        Families = "families",
        Buses = "buses",
        Refugees = "refugees",
        AsylumSeekers = "asylum_seekers",
        Idps = "idps",
        Returnees = "returnees",
        Stateless = "stateless",
        Fatalities = "fatalities",
    }
);

impl Measure {
    /// Whether it counts people who moved (so it sets an arrow's width): not buses, families
    /// or the dead.
    pub fn counts_people_moved(self) -> bool {
        matches!(
            self,
            Measure::People
                | Measure::Refugees
                | Measure::AsylumSeekers
                | Measure::Idps
                | Measure::Returnees
                | Measure::Stateless
        )
    }
}

vocabulary!(
    /// How exact a figure is, as the source gave it.
    Qualifier, "qualifier" {
        Exact = "exact",
        About = "about",
        AtLeast = "at_least",
        AtMost = "at_most",
    }
);

vocabulary!(
    /// What happened at an event.
    EventType, "event_type" {
        Agreement = "agreement",
        Clashes = "clashes",
        Siege = "siege",
        Truce = "truce",
        Offensive = "offensive",
        Surrender = "surrender",
        Statement = "statement",
        ControlChange = "control_change",
        Uprising = "uprising",
        FailedDeal = "failed_deal",
        Protest = "protest",
        Riot = "riot",
        AttackOnCivilians = "attack_on_civilians",
        Strike = "strike",
        Development = "development",
        Presence = "presence",
        Displacement = "displacement",
    }
);

vocabulary!(
    /// Who a source is.
    SourceKind, "kind" {
        NewsAgency = "news_agency",
        NewsOutlet = "news_outlet",
        Monitor = "monitor",
        InternationalOrganisation = "international_organisation",
        Government = "government",
        Ngo = "ngo",
        Other = "other",
    }
);

/// `Presence`: people counted present at a place (a stock: IDPs in a district, refugees in a
/// camp). `Displacement`: people counted displaced at a place over a period, where to is not
/// known (IDMC's internal displacements). Both are drawn as circles sized by their count.
impl EventType {
    /// Whether it is a count of people at a place, drawn as a proportional circle.
    pub fn is_count(self) -> bool {
        matches!(self, EventType::Presence | EventType::Displacement)
    }
}

impl Qualifier {
    /// The word written before a number: "about 700".
    pub fn prefix(&self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::About => "about ",
            Qualifier::AtLeast => "at least ",
            Qualifier::AtMost => "at most ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_parse_and_unknown_ones_are_kept_verbatim() {
        assert_eq!(
            Term::<Qualifier>::parse("at_least"),
            Term::Known(Qualifier::AtLeast)
        );
        let unknown = Term::<Qualifier>::parse("roughly");
        assert_eq!(unknown.as_str(), "roughly");
        assert_eq!(unknown.known(), None);
    }

    #[test]
    fn labels_read_as_words() {
        assert_eq!(SourceKind::NewsAgency.label(), "news agency");
        assert_eq!(Qualifier::AtLeast.prefix(), "at least ");
    }
}
