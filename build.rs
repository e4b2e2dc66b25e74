//! Embeds the shipped `rules/` folder so the binary works from any directory.
use std::{env, fs, path::Path};

fn main() {
    // Read when the script runs, not baked in when it was compiled: a build
    // script compiled for another checkout (a copied target/) would embed
    // that checkout's rules.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = vec!["default.toml".to_owned()];
    let publishers = root.join("publishers");
    println!("cargo:rerun-if-changed={}", publishers.display());
    if let Ok(entries) = fs::read_dir(&publishers) {
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| format!("publishers/{n}")));
    }
    let mut code = String::from("&[\n");
    for f in &files {
        let path = root.join(f);
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!("    ({f:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("]\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_rules.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
