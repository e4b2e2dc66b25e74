//! Every FiveFilters site config of ../shared/datasets/ftr-site-config
//! converts to a publisher file that loads, all of them together over the
//! built-in rules (so no two claim one domain). Skipped, loudly, where the
//! dataset is not beside the repository.

use std::path::Path;

use declutter::import::ftr;
use declutter::rules::RuleSource;
use declutter::{Layer, RuleSet};

#[test]
fn every_site_config_converts_to_a_file_that_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/ftr-site-config");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("*** SKIPPED: no {} to import", dir.display());
        return;
    };
    let mut files: Vec<(String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".txt") {
                return None;
            }
            let bytes = std::fs::read(e.path()).ok()?;
            Some((name, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    files.sort();
    assert!(files.len() > 2000, "{} site configs", files.len());
    let (written, report) = ftr::convert_all(&files);
    assert_eq!(report.files + report.skipped.len(), files.len());
    assert_eq!(report.skipped, ["LICENSE.txt", "global.txt"]);
    assert!(report.written > 1800, "{} files written", report.written);
    assert_eq!(
        report.directives,
        report.converted + report.kept_as_comments + report.not_applicable + report.untranslated.len()
    );
    let sources = written.into_iter().map(|(path, text)| RuleSource::new(path, text)).collect();
    let set = RuleSet::from_layers(vec![Layer::builtin(), Layer::new("imported", sources)]);
    let set = match set {
        Ok(set) => set,
        Err(e) => panic!("{}", e.to_string().lines().take(10).collect::<Vec<_>>().join("\n")),
    };
    assert!(set.publisher_for_url("https://www.nytimes.com/2020/01/01/x.html").is_some());
    eprintln!(
        "{} files, {} complete, {} directives, {} converted, {} untranslated",
        report.files,
        report.complete,
        report.directives,
        report.converted,
        report.untranslated.len()
    );
    for (reason, n) in report.common_reasons(12) {
        eprintln!("{n:6}  {reason}");
    }
}
