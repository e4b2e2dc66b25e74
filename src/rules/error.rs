use std::path::PathBuf;

/// One problem in a rule file, located precisely enough for an editor to jump to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The rule involved, when the problem is inside one.
    pub rule: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(id) = &self.rule {
            write!(f, "rule `{id}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why a rule set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules from {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} has no default.toml: a rules folder holds default.toml and publishers/*.toml")]
    MissingDefault(PathBuf),
    #[error("{} is a publishers/ folder: the rules folder is the one holding it ({})", .0.display(), .0.parent().map(|p| p.display().to_string()).filter(|p| !p.is_empty()).unwrap_or_else(|| ".".into()))]
    PublishersFolder(PathBuf),
    #[error("{0} holds no rule files: a rules folder holds default.toml and/or publishers/*.toml")]
    Empty(PathBuf),
    #[error("no rules: the built-in rules are left out and no rules folder is given")]
    NoLayers,
    /// Without the built-in rules, one of the folders must give the default rules.
    #[error("no default.toml in {0}: a rule set needs default rules (the built-in ones, or a default.toml)")]
    NoDefault(String),
    #[error("{}", list(.0))]
    Invalid(Vec<RuleError>),
}

fn list(errors: &[RuleError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&e.to_string());
    }
    out
}

impl RulesError {
    /// The located problems, when there are any.
    pub fn errors(&self) -> &[RuleError] {
        match self {
            RulesError::Invalid(errors) => errors,
            _ => &[],
        }
    }
}
