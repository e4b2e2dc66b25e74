//! The modules depend one way (ARCHITECTURE.md): each may use only those
//! below it. A `crate::<module>` path in a lower module's source is a circle
//! coming back.

use std::path::Path;

/// Each module and the crate modules it must not name (those above it).
const LAYERS: &[(&str, &[&str])] = &[
    ("markup", &["load", "rules", "document", "clean", "html", "write", "pipeline", "review", "cli"]),
    ("rules", &["document", "clean", "html", "write", "pipeline", "review", "cli"]),
    ("document", &["clean", "html", "write", "pipeline", "review", "cli"]),
    ("clean", &["html", "write", "pipeline", "review", "cli"]),
    ("html", &["clean", "write", "pipeline", "review", "cli"]),
    ("load", &["document", "clean", "html", "write", "pipeline", "review", "cli"]),
    ("write", &["pipeline", "review", "cli"]),
    ("pipeline", &["review", "cli"]),
    ("review", &["cli"]),
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_depend_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut circles = Vec::new();
    for (module, above) in LAYERS {
        let mut files = Vec::new();
        sources(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no sources for {module}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Unit tests may reach up (they build a Cleaner to test a pass).
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                // `crate::{html, Cleaner}` names `html` too.
                let grouped: Vec<&str> = line
                    .split("crate::{")
                    .skip(1)
                    .flat_map(|g| {
                        g.split('}')
                            .next()
                            .unwrap_or_default()
                            .split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or_default())
                    })
                    .collect();
                for upper in *above {
                    if line.contains(&format!("crate::{upper}::"))
                        || line.contains(&format!("crate::{upper};"))
                        || grouped.contains(upper)
                    {
                        circles.push(format!("{}:{}: {module} uses {upper}: {}", file.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(circles.is_empty(), "imports against the layering:\n{}", circles.join("\n"));
}
