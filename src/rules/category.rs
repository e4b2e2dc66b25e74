use serde::{Deserialize, Serialize};

/// What kind of junk a rule removes; `rules stats` and the JSON report group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Poll,
    Consent,
    Shortcode,
    Related,
    Share,
    Newsletter,
    Ad,
    Navigation,
    Comments,
    Credit,
    Other,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Poll => "poll",
            Category::Consent => "consent",
            Category::Shortcode => "shortcode",
            Category::Related => "related",
            Category::Share => "share",
            Category::Newsletter => "newsletter",
            Category::Ad => "ad",
            Category::Navigation => "navigation",
            Category::Comments => "comments",
            Category::Credit => "credit",
            Category::Other => "other",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
