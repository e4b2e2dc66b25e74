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
